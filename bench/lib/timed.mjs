/**
 * Runs a command under `bash -c '"$@"; times'` so its CPU time can be read: bash's `times` prints
 * the user and system time of its waited-for children (getrusage RUSAGE_CHILDREN), i.e. of the
 * command and whatever it waited for, but not of processes it left running (a daemon it started).
 * Node cannot read a child's rusage itself. The wrapper costs one bash fork; `bashFloor` measures it.
 */
import { spawn } from "node:child_process";

const WRAPPER = '"$@"; s=$?; times >&2; exit $s';
const TIMES = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/;

const live = new Set();

const seconds = (m) => Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);

/** The children's line of `times` (the last two stderr lines are bash's own, then its children's). */
function splitTimes(stderr) {
  const lines = stderr.trimEnd().split("\n");
  const children = TIMES.exec(lines.at(-1) ?? "");
  const own = TIMES.exec(lines.at(-2) ?? "");
  if (!children || !own) return { stderr, cpuS: Number.NaN };
  return { stderr: lines.slice(0, -2).join("\n"), cpuS: seconds(children) };
}

/**
 * Spawns `cmd ...args` under the wrapper. `t0` (performance.now() just before spawn) is the
 * invocation time; `ms` runs to the wrapper's exit; `cpuS` is utime + stime of the command.
 * Never rejects on a non-zero exit. The wrapper leads its own process group (as a launch from a
 * shell does), which killTimed() and the timeout (`timeoutMs`) SIGKILL whole.
 */
export function runTimed(cmd, args, { env, cwd, timeoutMs = 180_000 } = {}) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    let ms = 0;
    const child = spawn("bash", ["-c", WRAPPER, "bash", cmd, ...args], {
      env,
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(child.pid);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
    child.on("error", fail);
    child.on("exit", () => {
      ms = performance.now() - t0;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      live.delete(child.pid);
      done({ code: code ?? -1, stdout, ...splitTimes(stderr), t0, ms });
    });
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** SIGKILLs the process group of every command still running. */
export function killTimed() {
  for (const pid of live) killGroup(pid);
}
