/**
 * Process facts the daemon and the CLI rely on: is a PID still the process we started (PID *and*
 * start time, so a reused PID is never mistaken for our run), and signalling a process group.
 * On Linux they come from /proc; elsewhere (and when forced, see mode.ts) from ps(1).
 * A recorded start time says which way it was taken — clock ticks are all digits, a ps start time
 * never is — so a run recorded one way is still recognised after the daemon switches ways.
 */
import { platformMode } from "./mode.js";
import { isProcZombie, PROC_START_TIME_SH, readProcStartTime } from "./proc-linux.js";
import { PS_START_TIME_SH, readPs, readPsStartTime } from "./proc-ps.js";

/** ps costs a process spawn: a PID confirmed this recently, and still signalable, is not asked again. */
const PS_CONFIRM_MS = 3000;
const confirmed = new Map<number, { startTime: string; at: number }>();

/** The start time to record for pid, or null if it is gone (or cannot be read). */
export function processStartTime(pid: number): string | null {
  return platformMode() === "linux" ? readProcStartTime(pid) : readPsStartTime(pid);
}

/** Shell code for the run wrapper: sets $t to its own start time, the same way processStartTime does. */
export function startTimeShell(): string {
  return platformMode() === "linux" ? PROC_START_TIME_SH : PS_START_TIME_SH;
}

/** A recorded start time is one word: clock ticks (/proc) or a ps start time ("Wed_Dec_2_02:18:30_2026"). */
export function isStartTime(text: string): boolean {
  return /^[\w:]+$/.test(text);
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Exists and is not a zombie (a zombie has ended; only its exit status waits to be collected). */
export function isAlive(pid: number): boolean {
  if (!signalable(pid)) return false;
  return platformMode() === "linux" ? !isProcZombie(pid) : readPs(pid)?.zombie === false;
}

/** Alive and still the same process: start time matches what we recorded (when we could record it). */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  if (startTime === null) return isAlive(pid);
  if (!signalable(pid)) {
    confirmed.delete(pid);
    return false;
  }
  if (/^\d+$/.test(startTime)) return !isProcZombie(pid) && readProcStartTime(pid) === startTime;
  const seen = confirmed.get(pid);
  if (seen && seen.startTime === startTime && Date.now() - seen.at < PS_CONFIRM_MS) return true;
  const facts = readPs(pid);
  const same = facts !== null && !facts.zombie && facts.startTime === startTime;
  if (same) confirmed.set(pid, { startTime, at: Date.now() });
  else confirmed.delete(pid);
  return same;
}

/** Signal every process in the group led by pgid; true if the group existed. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
