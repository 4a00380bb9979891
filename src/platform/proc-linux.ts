/** Process facts from /proc/<pid>/stat (Linux): exact to the clock tick, and no process to spawn. */
import { readFileSync } from "node:fs";

/** The fields after the command name; the name (field 2) may hold spaces and parentheses. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** Field 22 (start time in clock ticks since boot), or null if the process is gone. */
export function readProcStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null; // fields 3.. start at index 0, so field 22 is index 19
}

export function isProcZombie(pid: number): boolean {
  return statFields(pid)?.[0] === "Z";
}

/** The same start time, for the run wrapper (sh) to record about itself: sets $t. */
export const PROC_START_TIME_SH = `t=$(cut -d" " -f22 /proc/$$/stat 2>/dev/null)`;
