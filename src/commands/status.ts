/** `cctask status [RUN]` and `cctask list` (alias ps): what runs are doing, or how they ended. */
import { connectDaemon } from "../client.js";
import { stateDir } from "../state-dir.js";
import { parseCommandArgs, positiveNumber, str } from "./args.js";
import { formatStatus, formatTable } from "./format.js";
import { type CommandIo, printHelp } from "./io.js";

export const STATUS_HELP = `Usage: cctask status [RUN] [--json]

With RUN (an id or a unique prefix): the run's state, elapsed time, tokens, cost, tool calls,
last activity, active subagents, outcome and reason. Without RUN: the active runs.
`;

export const LIST_HELP = `Usage: cctask list [--limit N] [--active] [--json]   (alias: cctask ps)

The most recent runs, oldest first: id, state, elapsed, tokens, cost, tool calls, subagents, activity.
`;

export async function statusCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "status",
    argv,
    { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    { maxPositionals: 1 },
  );
  if (args.values.help) return printHelp(io, STATUS_HELP);
  const client = await connectDaemon(stateDir(io.env), { autostart: true });
  const id = args.positionals[0];
  if (id === undefined) {
    const views = await client.list({ limit: 1000, activeOnly: true });
    io.out(args.values.json ? JSON.stringify(views) : views.length ? formatTable(views) : "no active runs");
    return 0;
  }
  const view = await client.get(id);
  io.out(args.values.json ? JSON.stringify(view) : formatStatus(view));
  return 0;
}

export async function listCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "list",
    argv,
    {
      json: { type: "boolean" },
      limit: { type: "string" },
      active: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    { maxPositionals: 0 },
  );
  if (args.values.help) return printHelp(io, LIST_HELP);
  const limit = positiveNumber("--limit", str(args.values.limit), "runs") ?? 20;
  const client = await connectDaemon(stateDir(io.env), { autostart: true });
  const views = await client.list({ limit: Math.floor(limit), activeOnly: Boolean(args.values.active) });
  io.out(args.values.json ? JSON.stringify(views) : formatTable(views));
  return 0;
}
