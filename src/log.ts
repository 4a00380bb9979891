/** The daemon's log: one line per event, ISO time first, appended to daemon.log (0600). Never a secret. */
import { appendFileSync } from "node:fs";
import { readableStack } from "./stack.js";

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, e?: unknown): void;
}

export function fileLogger(path: string): Logger {
  const write = (level: string, msg: string) => {
    try {
      appendFileSync(path, `${new Date().toISOString()} ${level} ${msg}\n`, { mode: 0o600 });
    } catch {
      // A full disk must not take the daemon down with it; the runs' own files still hold the truth.
    }
  };
  return {
    info: (m) => write("info", m),
    warn: (m) => write("warn", m),
    error: (m, e) => write("error", e instanceof Error ? `${m}: ${readableStack(e)}` : m),
  };
}
