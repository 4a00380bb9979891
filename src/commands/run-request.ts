/**
 * A run's request, checked: the one place that turns what a caller asked for (the flags of
 * `cctask run`, or the arguments of the MCP tool run_task) into a SubmitRequest, refusing bad
 * input before anything starts. Messages name the input the way that caller spells it.
 */
import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { rootRefusal } from "../agents/claude/command.js";
import { UsageError } from "../errors.js";
import { formatTarget, parseTarget } from "../notify/targets.js";
import { projectDirProblem } from "../project-dir.js";
import type { RoutingPayload, SubmitRequest } from "../protocol.js";
import { DEFAULT_PERMISSION_MODE, PERMISSION_MODES } from "../run-spec.js";
import { statePath } from "../state-dir.js";
import { positiveNumber, timeoutSeconds, wholeNumber } from "./args.js";

/** What the caller asked for, as given (strings, unchecked); the task is already text. */
export interface RunInput {
  task: string;
  project?: string;
  createProject: boolean;
  timeout?: string;
  resume?: string;
  label?: string;
  model?: string;
  output?: string;
  maxBudgetUsd?: string;
  permissionMode?: string;
  completionMode?: string;
  maxIterations?: string;
  notify: string[];
  heartbeatMode?: string;
  allowOfflineDelivery: boolean;
  waitInit: boolean;
  extraArgs: string[];
  /** Built last, so its refusals come after the others' (as they always have). */
  routing: () => RoutingPayload | null;
}

/** How each input is named in messages. */
export type RunInputNames = Record<
  | "project"
  | "createProject"
  | "timeout"
  | "resume"
  | "permissionMode"
  | "completionMode"
  | "maxIterations"
  | "maxBudgetUsd"
  | "notify"
  | "heartbeatMode"
  | "model"
  | "label",
  string
>;

export const CLI_NAMES: RunInputNames = {
  project: "--project",
  createProject: "--create-project",
  timeout: "--timeout",
  resume: "--resume",
  permissionMode: "--permission-mode",
  completionMode: "--completion-mode",
  maxIterations: "--max-iterations",
  maxBudgetUsd: "--max-budget-usd",
  notify: "--notify",
  heartbeatMode: "--heartbeat-mode",
  model: "--model",
  label: "--session-label",
};

export interface RequestContext {
  home: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function buildRunRequest(input: RunInput, n: RunInputNames, ctx: RequestContext): SubmitRequest {
  const projectRaw = input.project;
  if (projectRaw !== undefined && projectRaw.trim() === "")
    throw new UsageError(`${n.project} is empty; pass a directory, e.g. ${n.project} ~/projects/app`);
  const projectDir = projectRaw
    ? resolve(ctx.cwd, expandHome(projectRaw, ctx.env))
    : statePath(ctx.home, "scratch");
  const createProject = input.createProject || projectRaw === undefined;
  const problem = projectDirProblem(projectDir, createProject, n);
  if (problem) throw new UsageError(problem);

  const permissionMode = input.permissionMode ?? DEFAULT_PERMISSION_MODE;
  if (!(PERMISSION_MODES as readonly string[]).includes(permissionMode))
    throw new UsageError(
      `${n.permissionMode} must be one of ${PERMISSION_MODES.join(", ")}; got "${permissionMode}"`,
    );
  const resume = input.resume;
  if (resume !== undefined && resume.trim() === "")
    throw new UsageError(
      `${n.resume} is empty; pass the session id printed by an earlier run (cctask status RUN shows it)`,
    );
  if (input.model !== undefined && input.model.trim() === "")
    throw new UsageError(
      `${n.model} is empty; pass a model name, e.g. ${n.model} sonnet, or leave it out for claude's default`,
    );
  if (input.label !== undefined && input.label.trim() === "")
    throw new UsageError(
      `${n.label} is empty; pass a label to resume the session by later, e.g. ${n.label} "auth refactor", or leave it out`,
    );
  const completionMode = input.completionMode ?? "single";
  if (completionMode !== "single" && completionMode !== "iterate")
    throw new UsageError(`${n.completionMode} must be single or iterate, got "${completionMode}"`);
  const notify = input.notify.map((t) => formatTarget(parseTarget(t, n.notify)));
  const heartbeatMode = input.heartbeatMode ?? null;
  if (heartbeatMode !== null && heartbeatMode !== "edit" && heartbeatMode !== "post")
    throw new UsageError(`${n.heartbeatMode} must be edit or post, got "${heartbeatMode}"`);
  const maxIterations = wholeNumber(n.maxIterations, input.maxIterations, {
    min: 1,
    max: 10_000,
    unit: "runs",
    example: "5",
  });

  return {
    task: input.task,
    projectDir,
    projectExplicit: projectRaw !== undefined,
    createProject,
    timeoutSeconds: timeoutSeconds(n.timeout, input.timeout),
    resume: resume?.trim() ?? null,
    sessionLabel: input.label ?? null,
    model: input.model ?? null,
    outputFile: input.output ? resolve(ctx.cwd, expandHome(input.output, ctx.env)) : null,
    maxBudgetUsd: positiveNumber(n.maxBudgetUsd, input.maxBudgetUsd, "US dollars"),
    permissionMode,
    completionMode,
    maxIterations,
    notify,
    heartbeatMode,
    allowOfflineDelivery: input.allowOfflineDelivery,
    umask: process.umask(),
    extraArgs: input.extraArgs,
    claudeBin: null, // the daemon resolves it with this environment and its config
    cwd: ctx.cwd,
    env: stringEnv(ctx.env),
    waitInit: input.waitInit,
    routing: input.routing(),
    // One per launch: lets the client ask again after a reset connection without a second run.
    idempotencyKey: randomBytes(18).toString("base64url"),
  };
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === "~" || p.startsWith("~/") ? join(env.HOME ?? "", p.slice(1)) : p;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === "string") out[k] = v;
  return out;
}

/** As root, claude refuses to skip permissions outside a sandbox: say so before anything starts. */
export function refuseRootWithoutSandbox(req: SubmitRequest): void {
  const refusal = rootRefusal(req.permissionMode, req.env, process.getuid?.() ?? null);
  if (refusal) throw new UsageError(refusal);
}
