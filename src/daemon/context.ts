/** What every part of the daemon shares: state paths, config, the database, the log, run events. */
import { EventEmitter } from "node:events";
import { join } from "node:path";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { Db } from "../store/db.js";
import type { SpaceReserve } from "./reserve.js";
import { RUN_FILES } from "./spawn.js";

export interface DaemonContext {
  stateDir: string;
  config: Config;
  /** What is wrong with config.json5 while the daemon runs on other settings (null: nothing). */
  configProblem: { error: string; using: string } | null;
  db: Db;
  log: Logger;
  /** What is wrong with the database (deleted, …), for every client to show; null: nothing. */
  storageProblem?: string | null;
  /** Disk space set aside to record outcomes when the disk is full (absent in tests that need none). */
  reserve?: SpaceReserve;
  /**
   * In-process signals: "started" (runId) once the agent's PID is known; "session" (runId,
   * sessionId) when the agent's init names its session; "ended" (runId) after a run's outcome is
   * stored; "event" () after an event was stored for GET /events (publish.ts; the stream reads it
   * from the events table).
   */
  events: EventEmitter;
  startedAt: number;
  /**
   * Queues the final notification (and a launch still owed) of a run whose outcome was just
   * recorded, inside the same transaction (set by the notifier; absent in tests without one).
   */
  queueFinal?: (runId: string) => void;
}

export function runDir(ctx: { stateDir: string }, id: string): string {
  return join(ctx.stateDir, "runs", id);
}

export function runFile(ctx: { stateDir: string }, id: string, name: keyof typeof RUN_FILES): string {
  return join(runDir(ctx, id), RUN_FILES[name]);
}

export function createEvents(): EventEmitter {
  const e = new EventEmitter();
  e.setMaxListeners(0); // many `cctask wait` clients may listen at once
  return e;
}
