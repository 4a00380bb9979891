/** Reading a process's memory and CPU from /proc, and sampling them on a timer. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** VmRSS and VmHWM (peak RSS, kept by the kernel) in kB, or null if the process is gone. */
export function memOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1]), hwmKb: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1]) };
  } catch {
    return null;
  }
}

/** utime + stime in clock ticks (fields 14 and 15 of /proc/<pid>/stat), or null. */
export function cpuTicks(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

/** Samples RSS and CPU ticks of `pid` every `everyMs`; stop() returns [{ t, rssKb, ticks }]. */
export function sampleProcess(pid, everyMs) {
  const samples = [];
  const take = () => {
    const m = memOf(pid);
    const ticks = cpuTicks(pid);
    if (m && ticks !== null) samples.push({ t: Date.now(), rssKb: m.rssKb, ticks });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Samples within [from, to], and the CPU used there as % of one core. */
export function windowOf(samples, from, to) {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  if (inside.length < 2) return { samples: inside, cpuPct: Number.NaN, seconds: 0 };
  const first = inside[0];
  const last = inside[inside.length - 1];
  const seconds = (last.t - first.t) / 1000;
  return { samples: inside, seconds, cpuPct: ((last.ticks - first.ticks) / CLK_TCK / seconds) * 100 };
}

/** Voluntary + involuntary context switches of `pid` (its wake-ups, roughly), or null. */
export function contextSwitches(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    return (
      Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(s)?.[1]) +
      Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(s)?.[1])
    );
  } catch {
    return null;
  }
}
