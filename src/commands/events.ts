/** `cctask events [--run RUN] [--after ID] [--json]`: the daemon's event stream, for scripts. */
import { connectDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import { stateDir } from "../state-dir.js";
import { parseCommandArgs } from "./args.js";
import { formatEvent } from "./event-format.js";
import { type CommandIo, printHelp } from "./io.js";

export const EVENTS_HELP = `Usage: cctask events [--run RUN] [--after ID] [--json]

Prints what the daemon does as it happens, one line per event, until interrupted (Ctrl-C):
runs queued, started and ended, the agent's progress (at most once a second per run) and its
own updates, each notification's outcome (sent, retrying, failed, uncertain), wakes of OpenClaw
sessions, and changes to the session registry (seen, ended, labelled, forgotten).

  --run RUN   only this run's events (an id or a unique prefix)
  --after ID  first the stored events after this id (0: all kept, up to 7 days), then the new ones
  --json      one JSON object per line (JSON Lines): {id, at, type, runId, …}

Each event has an id that only grows. A script that stops can go on where it left off with
--after LAST_ID; if the daemon restarts, cctask events reconnects and misses nothing.
`;

export async function eventsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "events",
    argv,
    {
      run: { type: "string" },
      after: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    { maxPositionals: 0 },
  );
  if (args.values.help) return printHelp(io, EVENTS_HELP);
  const after = parseAfter(args.values.after as string | undefined);
  const run = args.values.run as string | undefined;
  if (run !== undefined && run.trim() === "")
    throw new UsageError("--run is empty; give a run id (see cctask list)");
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  for await (const e of client.events({ runId: run ?? null, after }))
    io.out(args.values.json ? JSON.stringify(e) : formatEvent(e));
  return 0;
}

function parseAfter(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d{1,15}$/.test(raw))
    throw new UsageError(
      `--after "${raw}" is not an event id; give a whole number, e.g. the id of the last event you saw (0: from the oldest kept)`,
    );
  return Number(raw);
}
