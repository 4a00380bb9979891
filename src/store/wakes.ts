/**
 * The wakes table: one row per run launched from an OpenClaw session. The row is claimed before
 * the first wake attempt and committed after the last, so the wake happens at most once per run:
 *   claimed → woken | failed | uncertain
 * A claim is the insert itself (run_id is UNIQUE), so two callers can never both wake a run. A row
 * still `claimed` when a daemon starts was cut off mid-wake: it becomes `uncertain` (the agent may
 * or may not have been woken) and is reported, never repeated.
 */
import type { Db } from "./db.js";

export type WakeState = "claimed" | "woken" | "failed" | "uncertain";
/** woken: confirmed; failed: definitely did not wake (the next path is tried); no_answer: may have woken. */
export type WakeAttemptOutcome = "woken" | "failed" | "no_answer";

export interface WakeAttempt {
  path: string;
  startedAt: number;
  /** null while the attempt is in flight. */
  outcome: WakeAttemptOutcome | null;
  detail: string | null;
}

export interface WakeRow {
  id: string;
  runId: string;
  sessionKey: string;
  state: WakeState;
  /** The path that woke the agent (or was in flight when the outcome became uncertain). */
  path: string | null;
  attempts: WakeAttempt[];
  detail: string | null;
  createdAt: number;
  claimedAt: number | null;
  doneAt: number | null;
}

interface Raw {
  id: string;
  run_id: string;
  session_key: string;
  state: string;
  path: string | null;
  attempts: string;
  detail: string | null;
  created_at: number;
  claimed_at: number | null;
  done_at: number | null;
}

function fromRaw(r: Raw): WakeRow {
  return {
    id: r.id,
    runId: r.run_id,
    sessionKey: r.session_key,
    state: r.state as WakeState,
    path: r.path,
    attempts: JSON.parse(r.attempts) as WakeAttempt[],
    detail: r.detail,
    createdAt: r.created_at,
    claimedAt: r.claimed_at,
    doneAt: r.done_at,
  };
}

/** Claims the run's wake; null when it was claimed before (by this daemon or an earlier one). */
export function claimWake(
  db: Db,
  w: { id: string; runId: string; sessionKey: string; now: number },
): WakeRow | null {
  const changes = db
    .prepare(
      `INSERT INTO wakes (id, run_id, session_key, state, created_at, claimed_at)
       VALUES (?, ?, ?, 'claimed', ?, ?) ON CONFLICT(run_id) DO NOTHING`,
    )
    .run(w.id, w.runId, w.sessionKey, w.now, w.now).changes;
  return changes === 1 ? (getWakeOfRun(db, w.runId) ?? null) : null;
}

export function getWakeOfRun(db: Db, runId: string): WakeRow | undefined {
  const r = db.prepare("SELECT * FROM wakes WHERE run_id = ?").get(runId) as Raw | undefined;
  return r ? fromRaw(r) : undefined;
}

/** Stores the attempts so far (an attempt is recorded before it starts); only while still claimed. */
export function saveAttempts(db: Db, id: string, attempts: WakeAttempt[]): void {
  db.prepare("UPDATE wakes SET attempts = ? WHERE id = ? AND state = 'claimed'").run(
    JSON.stringify(attempts),
    id,
  );
}

/** Commits a claimed wake; false when it was no longer claimed (already committed elsewhere). */
export function commitWake(
  db: Db,
  id: string,
  c: {
    state: Exclude<WakeState, "claimed">;
    path: string | null;
    attempts: WakeAttempt[];
    detail: string | null;
    now: number;
  },
): boolean {
  return (
    db
      .prepare(
        `UPDATE wakes SET state = ?, path = ?, attempts = ?, detail = ?, done_at = ?
         WHERE id = ? AND state = 'claimed'`,
      )
      .run(c.state, c.path, JSON.stringify(c.attempts), c.detail, c.now, id).changes === 1
  );
}

/**
 * At daemon start: every wake still claimed was cut off by the previous daemon's end. Each becomes
 * uncertain (with the path that was in flight, if any); returns them so they can be reported.
 */
export function markUnconfirmedUncertain(db: Db, now: number): WakeRow[] {
  const rows = (db.prepare("SELECT * FROM wakes WHERE state = 'claimed'").all() as Raw[]).map(fromRaw);
  const update = db.prepare(
    `UPDATE wakes SET state = 'uncertain', path = ?, detail = ?, done_at = ? WHERE id = ? AND state = 'claimed'`,
  );
  db.transaction(() => {
    for (const w of rows) {
      const inFlight = w.attempts.find((a) => a.outcome === null);
      w.state = "uncertain";
      w.path = inFlight?.path ?? null;
      w.detail = inFlight
        ? `cctask stopped while waking through ${inFlight.path}; the agent may or may not have been woken, so the wake was not repeated`
        : "cctask stopped after claiming the wake and before confirming it; the wake was not repeated";
      w.doneAt = now;
      update.run(w.path, w.detail, now, w.id);
    }
  })();
  return rows;
}

/**
 * Ended runs launched from an OpenClaw session that have no wake row: the daemon stopped between
 * recording their outcome and claiming the wake, so nothing was attempted and waking them is safe.
 */
export function endedRunsAwaitingWake(db: Db, since: number): string[] {
  return (
    db
      .prepare(
        `SELECT r.id FROM runs r
         WHERE r.ended_at IS NOT NULL AND r.ended_at >= ?
           AND json_extract(r.spec, '$.openclaw') IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM wakes w WHERE w.run_id = r.id)
         ORDER BY r.ended_at`,
      )
      .all(since) as { id: string }[]
  ).map((r) => r.id);
}
