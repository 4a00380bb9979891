/**
 * run_task: the arguments become the same request `cctask run` builds, through the same checks
 * (commands/run-request.ts), so a refusal is the CLI's, naming the tool's argument. Everything is
 * checked before the one submit; nothing starts half-way.
 */

import type { DaemonClient } from "../client.js";
import { buildRunRequest, type RunInputNames, refuseRootWithoutSandbox } from "../commands/run-request.js";
import { buildRouting } from "../commands/run-routing.js";
import { checkTaskSize, refuseEmptyTask } from "../commands/task-text.js";
import { NotFoundError, UsageError } from "../errors.js";
import type { RunView } from "../protocol.js";
import {
  optionalBoolean,
  optionalNumberText,
  optionalString,
  optionalStringList,
  requiredString,
  type ToolArgs,
} from "./arguments.js";
import type { McpContext, ToolAnswer } from "./context.js";
import { runSummary } from "./views.js";

const NAMES: RunInputNames = {
  project: "project",
  createProject: '"createProject": true',
  timeout: "timeoutSeconds",
  resume: "resume",
  permissionMode: "permissionMode",
  completionMode: "completionMode",
  maxIterations: "maxIterations",
  maxBudgetUsd: "maxBudgetUsd",
  notify: "notify",
  heartbeatMode: "heartbeatMode",
  model: "model",
  label: "label",
};

const AGENTS = ["claude"];

export async function runTask(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const task = requiredString(args, "task", "Fix the failing tests");
  checkTaskSize(Buffer.byteLength(task), 'the argument "task"');
  refuseEmptyTask(task, 'the argument "task"');
  const agent = optionalString(args, "agent", "claude");
  if (agent !== undefined && !AGENTS.includes(agent))
    throw new UsageError(
      `agent "${agent}" is not supported: cctask runs ${AGENTS.join(", ")} only; leave agent out or pass "claude"`,
    );
  const session = optionalString(args, "session", "agent:main:main");
  const req = buildRunRequest(
    {
      task,
      project: optionalString(args, "project", "/home/me/src/app"),
      createProject: optionalBoolean(args, "createProject", true) ?? false,
      timeout: optionalNumberText(args, "timeoutSeconds", 1800),
      resume: optionalString(args, "resume", "auth refactor"),
      label: optionalString(args, "label", "auth refactor"),
      model: optionalString(args, "model", "sonnet"),
      completionMode: optionalString(args, "completionMode", "single"),
      maxIterations: optionalNumberText(args, "maxIterations", 5),
      notify: optionalStringList(args, "notify", ["console"]),
      allowOfflineDelivery: false,
      waitInit: false,
      extraArgs: [],
      routing: () =>
        session === undefined
          ? null
          : buildRouting({ values: { session }, positionals: [], rest: [] }, ctx.env, "session"),
    },
    NAMES,
    ctx,
  );
  refuseRootWithoutSandbox(req);
  const client = await ctx.connect();
  if (req.resume !== null) await refuseUnknownSession(client, req.resume);
  const v = await client.submit(req);
  return receipt(v);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The daemon refuses an unknown resume key too, but names the CLI's commands; this names the
 * tools. A UUID not in the registry is let through (Claude may still know it), as the daemon does.
 */
async function refuseUnknownSession(client: DaemonClient, key: string): Promise<void> {
  if (UUID.test(key)) return;
  try {
    await client.session(key);
  } catch (e) {
    if (e instanceof NotFoundError)
      throw new UsageError(
        `no session has the id or label "${key}". Session ids are UUIDs (get_run shows a run's sessionId); labels: list_sessions`,
      );
    // anything else (a label matching several sessions): the daemon's refusal at submit says it
  }
}

function receipt(v: RunView): ToolAnswer {
  const structured = runSummary(v);
  if (v.state === "queued")
    return {
      structured,
      text: `run ${v.id} queued: it starts when a slot is free. Follow it with wait_for_run.`,
    };
  if (v.state === "running" || v.state === "starting")
    return { structured, text: `run ${v.id} running (pid ${v.pid ?? "?"}). Follow it with wait_for_run.` };
  return {
    structured,
    text: `run ${v.id} ended at once: ${v.state}${v.reason ? ` (${v.reason})` : ""}${v.detail ? ` — ${v.detail}` : ""}`,
    isError: true,
  };
}
