/**
 * The state directory's layout, in one place: where cctask keeps its state (CCTASK_HOME, default
 * ~/.cctask, 0700) and the name of everything in it. Kept apart from config.ts so commands that
 * only need a path do not load the config validator.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** The files and folders directly in the state directory. */
export const STATE_FILES = {
  config: "config.json5",
  /** The last config.json5 that parsed, used while the file is broken (0600: it may hold secrets). */
  lastGoodConfig: "config.last-good.json5",
  /** Credentials handed over by launching CLIs, kept for the next daemon (0600). */
  credentials: "credentials.json",
  socket: "daemon.sock",
  pid: "daemon.pid",
  log: "daemon.log",
  /** The daemon's standard error: what Node itself says when it dies (a fatal error, an abort). */
  daemonStderr: "daemon.stderr.log",
  db: "cctask.db",
  /** Claimed by the one CLI that starts a daemon while others wait for it. */
  starting: "daemon.starting",
  /** The daemon's lock where no abstract socket exists (src/platform/lock-file.ts). */
  lock: "daemon.lock",
  /** Space set aside to record outcomes on a full disk. */
  reserve: "space.reserve",
  /** `cctask` for the agents' PATH (for `cctask notify`). */
  bin: "bin",
  runs: "runs",
  /** The default project directory. */
  scratch: "scratch",
  /** Node's compiled code of cctask's modules (Node 22+), for a faster start. */
  compileCache: "compile-cache",
} as const;

/** The files of one run, in runs/<id>/. */
export const RUN_FILES = {
  prompt: "prompt.txt", // exactly what the agent receives on stdin
  task: "task.txt", // the task as given, when the prompt had to be shortened
  events: "events.jsonl",
  stderr: "stderr.log",
  pid: "pid",
  exit: "exit",
  result: "result.md",
  env: "env.json",
  console: "console.log",
} as const;

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CCTASK_HOME;
  return home && home.length > 0 ? resolve(home) : join(homedir(), ".cctask");
}

export function statePath(dir: string, name: keyof typeof STATE_FILES): string {
  return join(dir, STATE_FILES[name]);
}

export function runDirOf(dir: string, id: string): string {
  return join(dir, STATE_FILES.runs, id);
}

export function runPath(dir: string, id: string, name: keyof typeof RUN_FILES): string {
  return join(runDirOf(dir, id), RUN_FILES[name]);
}

export function configPath(dir: string): string {
  return statePath(dir, "config");
}
