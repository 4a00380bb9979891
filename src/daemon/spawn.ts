/**
 * Starts the agent so that it outlives the daemon: a tiny /bin/sh wrapper, detached in its own
 * process group, runs the agent with its prompt on stdin (never argv: no size limit, not visible
 * in ps) and its stdout/stderr in files, then records the exit status in a file. The wrapper
 * traps TERM so it survives our SIGTERM to the group long enough to write that status.
 * The run's files are created private (umask 077); the agent itself runs with the caller's
 * umask, so what it writes in the project is what the user would have written. When the agent
 * has ended, the wrapper makes sure a daemon is there to report it (one may have died meanwhile).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isStartTime, processStartTime, startTimeShell } from "../platform/process.js";

export const RUN_FILES = {
  prompt: "prompt.txt", // exactly what the agent receives on stdin
  task: "task.txt", // the task as given, when the prompt had to be shortened
  events: "events.jsonl",
  stderr: "stderr.log",
  pid: "pid",
  exit: "exit",
  result: "result.md",
  env: "env.json",
} as const;

/** The wrapper records its own start time the way processStartTime reads it (/proc or ps). */
const wrapperScript = () => `d=$1; u=$2; w=$3; shift 3
trap : TERM INT HUP
umask 077
( umask "$u"; exec "$@" ) <"$d/${RUN_FILES.prompt}" >"$d/${RUN_FILES.events}" 2>"$d/${RUN_FILES.stderr}" &
c=$!
${startTimeShell()}
echo "$$ $c $t" >"$d/pid.tmp" && mv "$d/pid.tmp" "$d/${RUN_FILES.pid}"
while :; do
  wait "$c"; s=$?
  kill -0 "$c" 2>/dev/null || break
done
echo "$s" >"$d/exit.tmp" && mv "$d/exit.tmp" "$d/${RUN_FILES.exit}"
p=$(cat "$w/daemon.pid" 2>/dev/null)
if ! kill -0 "$p" 2>/dev/null && [ -x "$w/bin/cctask" ]; then
  "$w/bin/cctask" daemon start >/dev/null 2>&1 </dev/null
fi
exit 0
`;

export interface Spawned {
  pid: number; // the wrapper: leader of the run's process group
  pidStart: string | null;
  onExit: (cb: () => void) => void;
}

export function spawnAgent(opts: {
  runDir: string;
  cwd: string;
  bin: string;
  args: string[];
  env: Record<string, string>;
  /** The caller's umask, for the agent's own files. */
  umask: number;
  /** The state directory: if its daemon is gone when the agent ends, bin/cctask starts one. */
  stateDir: string;
}): Spawned {
  const umask = (opts.umask & 0o777).toString(8).padStart(3, "0");
  const argv = [
    "-c",
    wrapperScript(),
    "cctask-run",
    opts.runDir,
    umask,
    opts.stateDir,
    opts.bin,
    ...opts.args,
  ];
  const child = spawn("/bin/sh", argv, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: "ignore",
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start /bin/sh to run the agent");
  child.unref();
  return {
    pid,
    pidStart: processStartTime(pid),
    onExit: (cb) => child.once("exit", cb),
  };
}

export interface PidFile {
  wrapper: number;
  agent: number;
  /** The wrapper's start time (see platform/process.ts), so a reused PID is never taken for it. */
  wrapperStart: string | null;
}

/** The pid file the wrapper writes as soon as the agent runs: "<wrapper pid> <agent pid> <wrapper start>". */
export function readPidFile(runDir: string): PidFile | null {
  try {
    const [w, a, t] = readFileSync(join(runDir, RUN_FILES.pid), "utf8").trim().split(" ");
    const wrapper = Number(w);
    const agent = Number(a);
    if (!(Number.isInteger(wrapper) && wrapper > 0 && Number.isInteger(agent) && agent > 0)) return null;
    return { wrapper, agent, wrapperStart: t && isStartTime(t) ? t : null };
  } catch {
    return null;
  }
}

/** The agent's own PID, once the wrapper has written it. */
export function readAgentPid(runDir: string): number | null {
  return readPidFile(runDir)?.agent ?? null;
}

/** The recorded exit status, or null if the wrapper has not written one (yet, or ever). */
export function readExitStatus(runDir: string): number | null {
  try {
    const n = Number(readFileSync(join(runDir, RUN_FILES.exit), "utf8").trim());
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}
