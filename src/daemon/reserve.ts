/**
 * A little disk space set aside in the state directory (space.reserve). When the disk fills up,
 * the daemon gives it back so that it can still record how runs ended and settle its sends
 * instead of leaving them "running" or "sending" forever; it sets it aside again once the disk
 * has room.
 */
import { closeSync, openSync, rmSync, statfsSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log.js";

export const RESERVE_FILE = "space.reserve";
const RESERVE_BYTES = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024);

export interface SpaceReserve {
  /** Sets the space aside if it is not, and the disk has room for it and some more. */
  ensure(): void;
  /** Gives the space back (a write failed for lack of it). True if there was any to give. */
  release(): boolean;
  /** Whether the disk ran full since the space was last set aside. */
  readonly exhausted: boolean;
}

export function createReserve(stateDir: string, log: Logger): SpaceReserve {
  const path = join(stateDir, RESERVE_FILE);
  let exhausted = false;
  return {
    get exhausted() {
      return exhausted;
    },
    ensure() {
      if (hasReserve(path)) return;
      try {
        const fs = statfsSync(stateDir);
        if (fs.bavail * fs.bsize < 4 * RESERVE_BYTES) return;
        writeReserve(path);
        if (exhausted) log.info("the disk has room again; space set aside for recording outcomes");
        exhausted = false;
      } catch {
        rmSync(path, { force: true });
      }
    },
    release() {
      exhausted = true;
      if (!hasReserve(path)) return false;
      rmSync(path, { force: true });
      log.error(`the disk holding ${stateDir} is full: released the space set aside to record outcomes`);
      return true;
    },
  };
}

function hasReserve(path: string): boolean {
  try {
    return statSync(path).size >= RESERVE_BYTES;
  } catch {
    return false;
  }
}

/** Real blocks, not a sparse file: the space must actually be taken. */
function writeReserve(path: string): void {
  const fd = openSync(path, "w", 0o600);
  try {
    for (let n = 0; n < RESERVE_BYTES; n += CHUNK.length) writeSync(fd, CHUNK);
  } finally {
    closeSync(fd);
  }
}
