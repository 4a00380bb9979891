/** `cctask daemon start|stop|status|run` — normally never needed: any command starts the daemon. */
import { connectDaemon, DaemonClient, socketPath } from "../client.js";
import { ExitCode, UnavailableError, UsageError } from "../errors.js";
import { stateDir } from "../state-dir.js";
import { describeStorageError } from "../storage.js";
import { parseCommandArgs } from "./args.js";
import { type CommandIo, printHelp } from "./io.js";

export const DAEMON_HELP = `Usage: cctask daemon start|stop|status|run [--json]

  start   start the daemon in the background (any cctask command does this when needed)
  stop    stop it; running tasks keep running and the next daemon re-adopts them
  status  whether it runs, its pid and how many runs are active
  run     run it in the foreground (for a service manager)
`;

/** The daemon's entry point, loaded by cli.ts and handed in: commands never import the daemon. */
export interface DaemonEntry {
  runDaemon(home: string): Promise<void>;
  DaemonAlreadyRunning: new (...args: never[]) => Error;
}

export async function daemonCommand(
  argv: string[],
  io: CommandIo,
  loadDaemon: () => Promise<DaemonEntry>,
): Promise<number> {
  const args = parseCommandArgs(
    "daemon",
    argv,
    { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    { maxPositionals: 1 },
  );
  const sub = args.positionals[0];
  if (args.values.help) return printHelp(io, DAEMON_HELP);
  if (sub === undefined) {
    io.err(DAEMON_HELP);
    return 2;
  }
  const home = stateDir(io.env);
  const json = Boolean(args.values.json);
  switch (sub) {
    case "run": {
      const { DaemonAlreadyRunning, runDaemon } = await loadDaemon(); // only the daemon pays for loading it
      try {
        await runDaemon(home);
      } catch (e) {
        if (e instanceof DaemonAlreadyRunning) {
          io.err(`cctask daemon: ${e.message}. Nothing to do; stop it first with: cctask daemon stop`);
          return 3;
        }
        const storage = describeStorageError(e, home);
        if (storage) {
          io.err(`cctask daemon: cannot start: ${storage}`);
          return ExitCode.internal;
        }
        throw e;
      }
      return -1; // keep the process alive: the daemon runs until it decides to exit
    }
    case "start": {
      const client = await connectDaemon(home, { autostart: true, warn: io.err });
      const h = await client.health();
      io.out(json ? JSON.stringify(h) : `cctask daemon running (pid ${h.pid}) for ${h.stateDir}`);
      return 0;
    }
    case "status": {
      try {
        const h = await new DaemonClient(socketPath(home)).health();
        const problem = h.configProblem
          ? `\n⚠ ${h.configProblem.error}\n  running with ${h.configProblem.using}`
          : "";
        io.out(
          json
            ? JSON.stringify({ running: true, ...h })
            : `cctask daemon running (pid ${h.pid}) for ${h.stateDir}: ${h.activeRuns} active run(s), at most ${h.maxConcurrent} at once${problem}`,
        );
        return 0;
      } catch {
        io.out(
          json ? JSON.stringify({ running: false, stateDir: home }) : `no cctask daemon running for ${home}`,
        );
        return 3;
      }
    }
    case "stop": {
      let client: DaemonClient;
      try {
        client = await connectDaemon(home, { autostart: false });
      } catch (e) {
        if (!(e instanceof UnavailableError)) throw e;
        io.out(
          json ? JSON.stringify({ running: false, stateDir: home }) : `no cctask daemon running for ${home}`,
        );
        return 0;
      }
      const h = await client.shutdown();
      io.out(
        json
          ? JSON.stringify({ stopped: true, ...h })
          : `cctask daemon ${h.pid} stopped; ${h.activeRuns} active run(s) keep running`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown daemon action "${sub}"; use start, stop, status or run`);
  }
}
