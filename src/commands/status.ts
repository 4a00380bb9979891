/** `cctask status [RUN]` and `cctask list` (alias ps): what runs are doing, or how they ended. */
import { connectDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import { stateDir } from "../state-dir.js";
import { parseCommandArgs, str, wholeNumber } from "./args.js";
import { formatStatus, formatTable } from "./format.js";
import { type CommandIo, printHelp } from "./io.js";

export const STATUS_HELP = `Usage: cctask status [RUN] [--json]

With RUN (an id or a unique prefix): the run's state, elapsed time, tokens, cost, tool calls,
last activity, active subagents, outcome and reason. Without RUN: the active runs.
`;

const DEFAULT_LIST = 20;
const MAX_LIST = 1_000_000;

export const LIST_HELP = `Usage: cctask list [-n N | -a] [--active] [--json]   (alias: cctask ps)

The most recent runs, oldest first: id, state, elapsed, tokens, cost, tool calls, subagents, activity.

  -n, --limit N   show the N most recent runs (default ${DEFAULT_LIST})
  -a, --all       show every run
      --active    only runs that are queued or running
      --json      one JSON array
`;

export async function statusCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "status",
    argv,
    { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    { maxPositionals: 1 },
  );
  if (args.values.help) return printHelp(io, STATUS_HELP);
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
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
      limit: { type: "string", short: "n" },
      all: { type: "boolean", short: "a" },
      active: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    { maxPositionals: 0 },
  );
  if (args.values.help) return printHelp(io, LIST_HELP);
  const given = wholeNumber("-n", str(args.values.limit), {
    min: 1,
    max: MAX_LIST,
    unit: "runs",
    example: "50",
  });
  if (given !== null && args.values.all)
    throw new UsageError("give either -n N (the N most recent runs) or -a (all runs), not both");
  const limit = args.values.all ? MAX_LIST : (given ?? DEFAULT_LIST);
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  // One more than shown tells whether older runs exist.
  const fetched = await client.list({ limit: limit + 1, activeOnly: Boolean(args.values.active) });
  const more = fetched.length > limit;
  const views = more ? fetched.slice(fetched.length - limit) : fetched;
  if (args.values.json) {
    io.out(JSON.stringify(views));
    return 0;
  }
  io.out(
    views.length === 0 && client.lastHealth?.storageProblem
      ? "no runs in the database (it was deleted: see the warning above)"
      : formatTable(views),
  );
  if (more)
    io.out(
      `(the ${limit} most recent runs; older ones exist: cctask list -n ${limit * 5} shows more, cctask list -a shows all)`,
    );
  return 0;
}
