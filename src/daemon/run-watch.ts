/**
 * One supervised run as the supervisor holds it: the stored row, the live progress folded from
 * its events file, and the phase it is in. The supervisor changes it; the watchdogs only read it.
 */
import type { FSWatcher } from "node:fs";
import { emptyProgress } from "../agents/claude/fold.js";
import type { RunProgress } from "../agents/claude/progress.js";
import { LineTail } from "../line-tail.js";
import type { StopRequest } from "../run-state.js";
import type { RunRow } from "../store/runs.js";
import type { WatchdogView } from "./watchdog.js";

/**
 * Where a supervised run is, each phase with only what it needs. A run watched while alive owns
 * its process group when it ends (not after a long absence): only then is the group reaped.
 */
export type Phase =
  | {
      kind: "watching";
      /** One read of the events file at a time; a wake during a read asks for one more after it. */
      reading: "idle" | "busy" | "busy_then_again";
      poll: NodeJS.Timeout;
      watcher: FSWatcher | null;
      timeoutTimer: NodeJS.Timeout | null;
    }
  /** Its process ended while no daemon was watching: finished from its files alone. */
  | { kind: "gone" }
  | { kind: "ending" }
  /** Its end could not be recorded: tried again after END_RETRY_MS (the group reaped or not yet). */
  | { kind: "end_retry"; ownsGroup: boolean };

export interface Watch {
  row: RunRow;
  progress: RunProgress;
  tail: LineTail;
  phase: Phase;
  stop: { request: StopRequest; at: number } | null;
  silenceWarned: boolean;
  sessionRecorded: string | null;
  /** Progress folded since it was last stored, and when that was. */
  dirty: boolean;
  lastPersist: number;
}

/** A new watch of a run, in phase "gone" until the supervisor starts watching it. */
export function newWatch(row: RunRow, eventsPath: string): Watch {
  return {
    row,
    progress: row.progress ? { ...emptyProgress(), ...row.progress } : emptyProgress(), // fields added since it was stored
    tail: new LineTail(eventsPath, row.eventsOffset),
    phase: { kind: "gone" },
    // Both are written together (requestStop); a stop without its time counts its grace from now.
    stop: row.stopRequest ? { request: row.stopRequest, at: row.stopRequestedAt ?? Date.now() } : null,
    silenceWarned: row.silenceWarnedAt !== null,
    sessionRecorded: null,
    dirty: false,
    lastPersist: 0,
  };
}

/** What the watchdogs look at, from a watch. */
export function watchdogView(w: Watch): WatchdogView {
  return {
    startedAt: w.row.startedAt,
    timeoutSeconds: w.row.spec.timeoutSeconds,
    stop: w.stop,
    lastResultAt: w.progress.lastResultAt,
    lastEventAt: w.progress.lastEventAt,
    silenceWarned: w.silenceWarned,
  };
}
