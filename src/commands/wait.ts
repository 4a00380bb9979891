/** `cctask wait RUN…`, `cctask cancel RUN`, `cctask result RUN`. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { connectDaemon, type DaemonClient, isNoDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import { LineTail } from "../line-tail.js";
import type { RunView } from "../protocol.js";
import { isFinal } from "../run-state.js";
import { RUN_FILES, stateDir } from "../state-dir.js";
import { parseCommandArgs } from "./args.js";
import { exitCodeFor } from "./exit-status.js";
import { stateLabel } from "./format.js";
import { type CommandIo, printHelp } from "./io.js";

export const WAIT_HELP = `Usage: cctask wait RUN… [--json]

Blocks until every run has ended. Exit code: 0 if all succeeded, otherwise that of the first run
(in the order given) that did not: 1 failed, 42 resume not found, 124 timed out, 130 cancelled.
`;
export const CANCEL_HELP = `Usage: cctask cancel RUN [--json]

Stops the run: SIGTERM to its whole process group, SIGKILL after the grace period. State: cancelled.
`;
export const RESULT_HELP = `Usage: cctask result RUN [--json]

Prints the run's final text (for a run that timed out or was cancelled: the partial result).
`;

const FLAGS = { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

/** How long `run --wait` waits, after the run ended, for its final console notification to be written. */
const CONSOLE_FINAL_WAIT_MS = 10_000;

/**
 * Waits for the run's run.ended event (GET /events), across daemon restarts: a daemon that went
 * away is started again, it re-adopts the run, and the stream resumes where it was.
 */
export async function waitUntilEnded(client: DaemonClient, id: string): Promise<RunView> {
  const before = await getAcrossRestarts(client, id);
  if (isFinal(before.state)) return before;
  for await (const e of client.events({ runId: id, after: 0 })) if (e.type === "run.ended") break;
  return getAcrossRestarts(client, id);
}

async function getAcrossRestarts(client: DaemonClient, id: string): Promise<RunView> {
  for (let reconnects = 0; ; reconnects++) {
    try {
      return await client.get(id);
    } catch (e) {
      if (!isNoDaemon(e) || reconnects >= 5) throw e;
      await connectDaemon(dirname(client.socketPath), { autostart: true });
    }
  }
}

/**
 * Waits for the run to end while printing its console notifications as they are delivered
 * (runs/<id>/console.log), for `cctask run --wait` with a console target. The run has ended at
 * its run.ended event; its last console lines are written when the final notification's outcome
 * to the console target is published.
 */
export async function followConsole(
  client: DaemonClient,
  v: RunView,
  print: (line: string) => void,
): Promise<RunView> {
  const tail = new LineTail(join(v.files.dir, RUN_FILES.console), 0);
  const pump = () => tail.drain(print).catch(() => 0);
  const toConsole = v.notify.includes("console");
  const stop = new AbortController();
  let grace: NodeJS.Timeout | null = null;
  try {
    for await (const e of client.events({ runId: v.id, after: 0, signal: stop.signal })) {
      if (e.type === "notification" && e.target === "console") {
        await pump();
        if (e.kind === "final" && e.outcome !== "retrying") break;
      }
      if (e.type !== "run.ended") continue;
      if (!toConsole) break;
      grace = setTimeout(() => stop.abort(), CONSOLE_FINAL_WAIT_MS);
    }
    await pump();
    return await getAcrossRestarts(client, v.id);
  } finally {
    if (grace) clearTimeout(grace);
    await tail.close();
  }
}

/** Runs followed at once by one `wait`: each holds a connection to the daemon until its run ends. */
const FOLLOW_AT_ONCE = 8;

/** fn over items, at most `limit` at a time, results in the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function waitCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs("wait", argv, FLAGS, { maxPositionals: Number.POSITIVE_INFINITY });
  if (args.values.help) return printHelp(io, WAIT_HELP);
  if (args.positionals.length === 0)
    throw new UsageError("cctask wait needs at least one run id (see cctask list)");
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  const ids: string[] = [];
  for (const id of args.positionals) ids.push((await client.get(id)).id); // fail fast on a bad id
  const views = await mapLimited(ids, FOLLOW_AT_ONCE, (id) => waitUntilEnded(client, id));
  if (args.values.json) io.out(JSON.stringify(views.length === 1 ? views[0] : views));
  else for (const v of views) io.out(`run ${v.id}: ${stateLabel(v)}${v.detail ? ` — ${v.detail}` : ""}`);
  return views.map(exitCodeFor).find((c) => c !== 0) ?? 0;
}

export async function cancelCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs("cancel", argv, FLAGS, { maxPositionals: 1 });
  if (args.values.help) return printHelp(io, CANCEL_HELP);
  const id = args.positionals[0];
  if (id === undefined) throw new UsageError("cctask cancel needs a run id (see cctask list)");
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  const before = await client.get(id);
  if (isFinal(before.state)) {
    if (args.values.json) io.out(JSON.stringify(before));
    else io.out(`run ${before.id} had already ended: ${stateLabel(before)}; nothing to cancel`);
    return 0;
  }
  await client.cancel(before.id);
  const v = await waitUntilEnded(client, before.id);
  if (args.values.json) io.out(JSON.stringify(v));
  else io.out(`run ${v.id}: ${stateLabel(v)}${v.detail ? ` — ${v.detail}` : ""}`);
  return 0;
}

export async function resultCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs("result", argv, FLAGS, { maxPositionals: 1 });
  if (args.values.help) return printHelp(io, RESULT_HELP);
  const id = args.positionals[0];
  if (id === undefined) throw new UsageError("cctask result needs a run id (see cctask list)");
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  const v = await client.get(id);
  if (!isFinal(v.state))
    throw new UsageError(
      `run ${v.id} is still ${v.state}; its result is not there yet. Wait for it with: cctask wait ${v.id}`,
    );
  let text: string | null = null;
  try {
    text = readFileSync(v.files.result, "utf8");
  } catch {
    text = null;
  }
  if (args.values.json) {
    io.out(JSON.stringify({ id: v.id, state: v.state, reason: v.reason, detail: v.detail, result: text }));
  } else if (text === null) {
    io.out(
      `run ${v.id} ended before producing any output: ${stateLabel(v)}${v.detail ? ` — ${v.detail}` : ""}`,
    );
  } else {
    io.out(text);
  }
  return exitCodeFor(v);
}
