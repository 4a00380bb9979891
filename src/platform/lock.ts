/**
 * One daemon per state directory. On Linux the abstract socket (released by the kernel however the
 * daemon dies) is always taken; elsewhere the portable lock file judged by PID and start time.
 * When the portable way is forced on Linux, the lock file decides first and the socket is taken
 * too, so a daemon started with the override and one started without can never both run.
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
  const file = acquireFileLock(stateDir);
  if (file === null || process.platform !== "linux") return file;
  const socket = await acquireSocketLock(stateDir);
  if (socket === null) return null; // a daemon without the override holds the state directory
  return {
    ...file,
    close: () => {
      socket.close();
      file.close();
    },
  };
}
