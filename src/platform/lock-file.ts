/**
 * The one-daemon lock where there are no abstract unix sockets (macOS): a directory of numbered
 * lock files, each naming its holder ("<pid> <start time>"). The holder is whoever wrote the
 * highest number and is still that same process (PID and start time, so a reused PID is not
 * taken for it). To take over from a holder that is gone, a daemon creates the next number with
 * link(2), which fails if that number exists: of two daemons racing for it, one gets it. After
 * creating its number a daemon looks again, and yields to any higher number (one that raced past
 * it); it then removes the lower numbers. The highest file is never removed — not even by its
 * holder on exit — so a number can never be reused under a daemon that still believes in it.
 */
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isSameProcess, processStartTime } from "./process.js";

export const LOCK_DIR = "daemon.lock";
const MAX_ATTEMPTS = 100;

export interface FileLock {
  generation: number;
  close(): void;
}

interface Holder {
  pid: number;
  startTime: string | null;
}

export function acquireFileLock(stateDir: string): FileLock | null {
  const dir = join(stateDir, LOCK_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const me = `${process.pid} ${processStartTime(process.pid) ?? "-"}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const top = highestGeneration(dir);
    if (top > 0) {
      const holder = readHolder(join(dir, String(top)));
      if (holder === "gone") continue; // replaced meanwhile: look again
      if (holder !== null && isSameProcess(holder.pid, holder.startTime)) return null;
    }
    const mine = top + 1;
    if (!createGeneration(dir, mine, me)) continue; // another daemon got this number: judge it
    if (highestGeneration(dir) > mine) {
      rmSync(join(dir, String(mine)), { force: true }); // one raced past us: judge it instead
      continue;
    }
    for (const n of generations(dir)) if (n < mine) rmSync(join(dir, String(n)), { force: true });
    return { generation: mine, close: () => {} };
  }
  throw new Error(
    `could not take the daemon lock in ${dir}: it kept changing over ${MAX_ATTEMPTS} attempts. ` +
      "Stop the other cctask daemons for this state directory and try again.",
  );
}

function generations(dir: string): number[] {
  return readdirSync(dir)
    .filter((name) => /^[1-9]\d*$/.test(name))
    .map(Number)
    .filter(Number.isSafeInteger);
}

function highestGeneration(dir: string): number {
  return generations(dir).reduce((a, b) => Math.max(a, b), 0);
}

/** null when the file does not name a holder (so it is stale); "gone" when it no longer exists. */
function readHolder(file: string): Holder | null | "gone" {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw e;
  }
  const [p, t] = text.trim().split(" ");
  const pid = Number(p);
  if (!(Number.isInteger(pid) && pid > 0)) return null;
  return { pid, startTime: t && t !== "-" ? t : null };
}

/** Creates generation n with its whole content at once (written aside, then linked), or false if it exists. */
function createGeneration(dir: string, n: number, content: string): boolean {
  const tmp = join(dir, `.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, join(dir, String(n)));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new Error(
      `could not create the daemon lock ${join(dir, String(n))}: ${(e as Error).message}. ` +
        "The state directory must be on a file system that supports hard links (set CCTASK_HOME to a local directory).",
    );
  } finally {
    rmSync(tmp, { force: true });
  }
}
