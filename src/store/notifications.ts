/**
 * The outbox. A row is written before anything is sent; its idempotency key (run, target, kind,
 * sequence) makes a second enqueue of the same notification a no-op. States:
 *   pending → sending → delivered | failed
 *   sending → uncertain       (progress whose outcome is unknown: a lost answer, a daemon killed mid-send)
 *   sending → pending         (a final whose outcome is unknown: sent again, at least once)
 *   pending → superseded      (an older heartbeat a newer one replaces)
 * A notification sent as several messages records each accepted part (parts_sent), so a retry or
 * the next daemon goes on with the next part.
 */
import type { NotificationContent, NotificationKind } from "../notification.js";
import type { Db } from "./db.js";

export type NotificationState = "pending" | "sending" | "delivered" | "failed" | "superseded" | "uncertain";

export interface NotificationRow {
  id: number;
  runId: string;
  target: string;
  kind: NotificationKind;
  seq: number;
  idemKey: string;
  content: NotificationContent;
  state: NotificationState;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
  deliveredAt: number | null;
  remoteId: string | null;
  lastError: string | null;
  editOf: number | null;
  /** Parts (messages) the service accepted so far, and how many there are (null: not yet known). */
  partsSent: number;
  partsTotal: number | null;
}

interface Raw {
  id: number;
  run_id: string;
  target: string;
  kind: string;
  seq: number;
  idem_key: string;
  content: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  delivered_at: number | null;
  remote_id: string | null;
  last_error: string | null;
  edit_of: number | null;
  parts_sent: number;
  parts_total: number | null;
}

function fromRaw(r: Raw): NotificationRow {
  return {
    id: r.id,
    runId: r.run_id,
    target: r.target,
    kind: r.kind as NotificationKind,
    seq: r.seq,
    idemKey: r.idem_key,
    content: JSON.parse(r.content) as NotificationContent,
    state: r.state as NotificationState,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    remoteId: r.remote_id,
    lastError: r.last_error,
    editOf: r.edit_of,
    partsSent: r.parts_sent,
    partsTotal: r.parts_total,
  };
}

/** Enqueues one notification per target; returns how many rows were new. */
export function enqueue(
  db: Db,
  n: {
    runId: string;
    targets: string[];
    kind: NotificationKind;
    seq: number;
    content: NotificationContent;
    now: number;
  },
): number {
  const insert = db.prepare(
    `INSERT INTO notifications (run_id, target, kind, seq, idem_key, content, state, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT(idem_key) DO NOTHING`,
  );
  const supersede = db.prepare(
    `UPDATE notifications SET state = 'superseded' WHERE run_id = ? AND target = ? AND kind = 'heartbeat' AND state = 'pending'`,
  );
  let added = 0;
  const json = JSON.stringify(n.content);
  db.transaction(() => {
    for (const target of n.targets) {
      // A newer heartbeat, or the final message, makes older unsent heartbeats pointless.
      if (n.kind === "heartbeat" || n.kind === "final") supersede.run(n.runId, target);
      const key = `${n.runId}:${target}:${n.kind}:${n.seq}`;
      added += insert.run(n.runId, target, n.kind, n.seq, key, json, n.now, n.now).changes;
    }
  })();
  return added;
}

/**
 * For each (run, target), its oldest unfinished notification when that one is waiting to be sent
 * (a lane whose head is being sent has no head here): order within a run is kept.
 */
export function laneHeads(db: Db, limit: number): NotificationRow[] {
  const rows = db
    .prepare(
      `SELECT n.* FROM notifications n
       WHERE n.state = 'pending'
         AND n.id = (SELECT min(m.id) FROM notifications m
                     WHERE m.run_id = n.run_id AND m.target = n.target AND m.state IN ('pending', 'sending'))
       ORDER BY n.next_attempt_at, n.id LIMIT ?`,
    )
    .all(limit) as Raw[];
  return rows.map(fromRaw);
}

export function markSending(db: Db, id: number, now: number): void {
  db.prepare(
    "UPDATE notifications SET state = 'sending', attempts = attempts + 1, sent_at = ? WHERE id = ?",
  ).run(now, id);
}

export function markDelivered(db: Db, id: number, remoteId: string | null, now: number): void {
  db.prepare(
    "UPDATE notifications SET state = 'delivered', delivered_at = ?, remote_id = coalesce(?, remote_id), last_error = NULL WHERE id = ?",
  ).run(now, remoteId, id);
}

export function markRetry(db: Db, id: number, error: string, at: number): void {
  db.prepare(
    "UPDATE notifications SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?",
  ).run(at, error, id);
}

export function markFailed(db: Db, id: number, error: string): void {
  db.prepare("UPDATE notifications SET state = 'failed', last_error = ? WHERE id = ?").run(error, id);
}

/** A send whose outcome is unknown and that must not be repeated (at most once). */
export function markUncertain(db: Db, id: number, error: string): void {
  db.prepare("UPDATE notifications SET state = 'uncertain', last_error = ? WHERE id = ?").run(error, id);
}

/** Part `index` (0-based) of `total` was accepted; the first part's remote id is the notification's. */
export function markPartSent(
  db: Db,
  id: number,
  p: { index: number; total: number; remoteId: string | null },
): void {
  db.prepare(
    "UPDATE notifications SET parts_sent = ?, parts_total = ?, remote_id = coalesce(remote_id, ?) WHERE id = ?",
  ).run(p.index + 1, p.total, p.index === 0 ? p.remoteId : null, id);
}

/**
 * After a crash, the part that was in flight may or may not have arrived. A final goes on from
 * that part (at least once: that one part may arrive twice); progress is never resent (at most
 * once). Returns how many of each.
 */
export function markInterruptedSends(db: Db, now: number): { resent: number; uncertain: number } {
  const resent = db
    .prepare(
      `UPDATE notifications SET state = 'pending', next_attempt_at = ?,
         last_error = 'the daemon stopped during this send; sent again from the part in flight, which may arrive twice'
       WHERE state = 'sending' AND kind = 'final'`,
    )
    .run(now).changes;
  const uncertain = db
    .prepare(
      "UPDATE notifications SET state = 'uncertain', last_error = 'the daemon stopped during this send; it may or may not have arrived' WHERE state = 'sending'",
    )
    .run().changes;
  return { resent, uncertain };
}

/** Sends that were in flight (state "sending"): after a daemon stopped, those it cut off. */
export function inFlightSends(db: Db): NotificationRow[] {
  return (db.prepare("SELECT * FROM notifications WHERE state = 'sending' ORDER BY id").all() as Raw[]).map(
    fromRaw,
  );
}

/** The live card of a (run, target): the first delivered heartbeat, which later heartbeats edit. */
export function heartbeatCard(db: Db, runId: string, target: string): NotificationRow | undefined {
  const r = db
    .prepare(
      `SELECT * FROM notifications WHERE run_id = ? AND target = ? AND kind = 'heartbeat' AND state = 'delivered'
         AND remote_id IS NOT NULL AND edit_of IS NULL ORDER BY id DESC LIMIT 1`,
    )
    .get(runId, target) as Raw | undefined;
  return r ? fromRaw(r) : undefined;
}

export function markEditOf(db: Db, id: number, cardId: number | null): void {
  db.prepare("UPDATE notifications SET edit_of = ? WHERE id = ?").run(cardId, id);
}

export function notificationsOfRun(db: Db, runId: string): NotificationRow[] {
  return (db.prepare("SELECT * FROM notifications WHERE run_id = ? ORDER BY id").all(runId) as Raw[]).map(
    fromRaw,
  );
}

export function nextSeq(db: Db, runId: string, kind: NotificationKind): number {
  const r = db
    .prepare("SELECT max(seq) AS s FROM notifications WHERE run_id = ? AND kind = ?")
    .get(runId, kind) as {
    s: number | null;
  };
  return (r.s ?? 0) + 1;
}

export function failedTargetsOfRun(db: Db, runId: string): { target: string; error: string }[] {
  return db
    .prepare(
      "SELECT target, last_error AS error FROM notifications WHERE run_id = ? AND state = 'failed' GROUP BY target ORDER BY min(id)",
    )
    .all(runId) as { target: string; error: string }[];
}

export function countUndelivered(db: Db): number {
  return (
    db.prepare("SELECT count(*) AS n FROM notifications WHERE state IN ('pending', 'sending')").get() as {
      n: number;
    }
  ).n;
}

/** A heartbeat that failed is not worth retrying once a newer heartbeat or the final exists. */
export function supersedeIfStale(
  db: Db,
  row: { id: number; runId: string; target: string; kind: string },
): boolean {
  if (row.kind !== "heartbeat") return false;
  const newer = db
    .prepare(
      "SELECT 1 FROM notifications WHERE run_id = ? AND target = ? AND id > ? AND kind IN ('heartbeat', 'final') LIMIT 1",
    )
    .get(row.runId, row.target, row.id);
  if (!newer) return false;
  db.prepare("UPDATE notifications SET state = 'superseded' WHERE id = ?").run(row.id);
  return true;
}

/**
 * Makes every waiting notification of a destination due now (it answers again after failing).
 * Returns how many were held back.
 */
export function releaseHeld(db: Db, scope: { target: string; prefix: string | null }, now: number): number {
  const prefix = scope.prefix ?? scope.target;
  return db
    .prepare(
      `UPDATE notifications SET next_attempt_at = ?
       WHERE state = 'pending' AND next_attempt_at > ?
         AND (target = ? OR (? AND substr(target, 1, length(?)) = ?))`,
    )
    .run(now, now, scope.target, scope.prefix === null ? 0 : 1, prefix, prefix).changes;
}
