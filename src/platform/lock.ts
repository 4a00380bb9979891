/**
 * One daemon per state directory: the Linux abstract socket where there is one (released by the
 * kernel however the daemon dies), else the portable lock file judged by PID and start time.
 */
import { acquireFileLock } from "./lock-file.js";
import { acquireSocketLock } from "./lock-socket.js";
import { platformMode } from "./mode.js";

export interface HeldLock {
  close(): void;
}

/** Resolves with the held lock, or null if another live process holds it. */
export async function acquireLock(stateDir: string): Promise<HeldLock | null> {
  if (platformMode() === "linux") return acquireSocketLock(stateDir);
  return acquireFileLock(stateDir);
}
