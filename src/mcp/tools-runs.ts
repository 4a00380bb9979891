/** The tools that read or stop runs and sessions: each is one or two calls to the daemon's API. */
import { resolve } from "node:path";
import { wholeNumber } from "../commands/args.js";
import { formatTable } from "../commands/format.js";
import { formatNotification } from "../commands/notify.js";
import { formatSessions } from "../commands/sessions.js";
import { waitUntilEnded } from "../commands/wait.js";
import { UsageError } from "../errors.js";
import { isFinal } from "../run-state.js";
import { optionalNumberText, optionalString, runIdArg, type ToolArgs } from "./arguments.js";
import { getRunView, type McpContext, type ToolAnswer } from "./context.js";
import { RUN_STATES, STATE_SCAN } from "./tool-schemas.js";
import { describeRun, readResultText, runSummary } from "./views.js";

export async function getRun(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const v = await getRunView(await ctx.connect(), runIdArg(args));
  return { structured: runSummary(v), text: describeRun(v) };
}

export async function listRuns(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const limit =
    wholeNumber("limit", optionalNumberText(args, "limit", 20), {
      min: 1,
      max: 500,
      unit: "runs",
      example: "20",
    }) ?? 20;
  const state = optionalString(args, "state", "running");
  const states: readonly string[] = ["active", ...RUN_STATES];
  if (state !== undefined && !states.includes(state))
    throw new UsageError(`state must be one of ${states.join(", ")}; got "${state}"`);
  const client = await ctx.connect();
  const active = state === "active";
  const all = await client.list({ limit: state && !active ? STATE_SCAN : limit, activeOnly: active });
  const runs = (state && !active ? all.filter((v) => v.state === state) : all).slice(0, limit);
  const text = runs.length === 0 ? (state ? `no ${state} runs` : "no runs yet") : formatTable(runs);
  return { structured: { runs: runs.map(runSummary) }, text };
}

export async function getResult(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const v = await getRunView(await ctx.connect(), runIdArg(args));
  if (!isFinal(v.state))
    throw new UsageError(
      `run ${v.id} is still ${v.state}; its result is not there yet. Wait for it with wait_for_run`,
    );
  const result = readResultText(v);
  const structured = { runId: v.id, state: v.state, reason: v.reason, detail: v.detail, result };
  return { structured, text: result ?? `run ${v.id} ended before producing any output: ${describeRun(v)}` };
}

export async function cancelRun(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const client = await ctx.connect();
  const before = await getRunView(client, runIdArg(args));
  if (isFinal(before.state))
    return {
      structured: { ...runSummary(before), alreadyEnded: true },
      text: `run ${before.id} had already ended: ${before.state}; nothing to cancel`,
    };
  await client.cancel(before.id);
  const v = await waitUntilEnded(client, before.id);
  return { structured: { ...runSummary(v), alreadyEnded: false }, text: describeRun(v) };
}

export async function listSessions(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const q: Record<string, string> = { hours: "0" }; // every session kept, not only recent ones
  const label = optionalString(args, "label", "auth refactor");
  const project = optionalString(args, "project", "/home/me/src/app");
  if (label) q.label = label;
  if (project) q.project = resolve(ctx.cwd, project);
  const sessions = await (await ctx.connect()).sessions(q);
  return {
    structured: { sessions },
    text: sessions.length === 0 ? "no sessions match" : formatSessions(sessions),
  };
}

export async function getNotifications(ctx: McpContext, args: ToolArgs): Promise<ToolAnswer> {
  const client = await ctx.connect();
  const run = await getRunView(client, runIdArg(args));
  const list = await client.notifications(run.id);
  const text =
    list.length > 0
      ? list.map(formatNotification).join("\n")
      : run.notify.length
        ? `run ${run.id}: nothing sent yet`
        : `run ${run.id} has no notification targets (notify)`;
  return { structured: { runId: run.id, notifications: list }, text };
}
