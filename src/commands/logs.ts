/** `cctask logs RUN [-f] [--raw]`: the run's events as they happen, readable or as raw JSONL. */
import { parseLine } from "../agents/claude/parse.js";
import { connectDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import { LineTail } from "../line-tail.js";
import { isFinal } from "../run-state.js";
import { stateDir } from "../state-dir.js";
import { parseCommandArgs } from "./args.js";
import { stateLabel } from "./format.js";
import { type CommandIo, printHelp } from "./io.js";
import { describeEvent } from "./log-format.js";

export const LOGS_HELP = `Usage: cctask logs RUN [-f|--follow] [--raw]

The run's events, readable: tool calls, text, subagents, results. -f keeps following until the
run ends; --raw prints the agent's stream-json lines unchanged.
`;

export async function logsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "logs",
    argv,
    {
      follow: { type: "boolean", short: "f" },
      raw: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    { maxPositionals: 1 },
  );
  if (args.values.help) return printHelp(io, LOGS_HELP);
  const id = args.positionals[0];
  if (id === undefined) throw new UsageError("cctask logs needs a run id (see cctask list)");
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  let view = await client.get(id);
  const tail = new LineTail(view.files.events, 0);
  const print = (line: string) => {
    if (args.values.raw) io.out(line);
    else for (const l of describeEvent(parseLine(line))) io.out(l);
  };
  try {
    await tail.drain(print);
    if (args.values.follow && !isFinal(view.state)) {
      // what the agent wrote is read when the daemon has read it too (run.progress), until run.ended
      for await (const e of client.events({ runId: view.id, after: 0 })) {
        if (e.type === "run.ended") break;
        if (e.type === "run.progress") await tail.drain(print);
      }
      view = await client.get(view.id);
    }
    await tail.drain(print);
    const last = isFinal(view.state) ? tail.takePartial() : null; // never print half a line that is still being written
    if (last) print(last);
  } finally {
    await tail.close();
  }
  if (args.values.follow && !args.values.raw)
    io.out(`— run ${view.id} ${stateLabel(view)}${view.detail ? `: ${view.detail}` : ""}`);
  return 0;
}
