/**
 * The one-daemon lock on Linux: an abstract unix socket named after the state directory. Binding
 * it is atomic, and the kernel releases it when the process dies, however it dies — so there is no
 * stale lock to judge and no race between two starting daemons.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:net";

export function lockName(stateDir: string): string {
  const h = createHash("sha256").update(stateDir).digest("hex").slice(0, 24);
  return `\0cctask-daemon-${h}`;
}

/** Resolves with the held lock, or null if another process holds it. */
export function acquireSocketLock(stateDir: string): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => sock.destroy());
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE") resolve(null);
      else reject(e);
    });
    server.listen(lockName(stateDir), () => {
      server.unref();
      resolve(server);
    });
  });
}
