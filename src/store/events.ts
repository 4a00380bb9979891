/**
 * The events table: what GET /events streams. Ids only grow (AUTOINCREMENT: never reused, even
 * after pruning), so "everything after id N" is the whole resume protocol.
 */
import type { CctaskEvent, EventBody } from "../events.js";
import type { Db } from "./db.js";

interface Raw {
  id: number;
  at: number;
  body: string;
}

/** Stores one event (inside the caller's transaction, if any) and returns its id. */
export function insertEvent(db: Db, body: EventBody, now: number): number {
  const r = db
    .prepare("INSERT INTO events (at, run_id, type, body) VALUES (?, ?, ?, ?)")
    .run(now, body.runId ?? null, body.type, JSON.stringify(body));
  return Number(r.lastInsertRowid);
}

/** Events with an id above `after`, oldest first; only those of one run when `runId` is given. */
export function eventsAfter(
  db: Db,
  after: number,
  opts: { runId: string | null; limit: number; isoTime: (ms: number) => string },
): CctaskEvent[] {
  const rows = (
    opts.runId === null
      ? db.prepare("SELECT id, at, body FROM events WHERE id > ? ORDER BY id LIMIT ?").all(after, opts.limit)
      : db
          .prepare("SELECT id, at, body FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?")
          .all(opts.runId, after, opts.limit)
  ) as Raw[];
  return rows.map((r) => ({ ...(JSON.parse(r.body) as EventBody), id: r.id, at: opts.isoTime(r.at) }));
}

/** The id of the newest event ever stored (0 when none was), pruned ones included. */
export function lastEventId(db: Db): number {
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get() as
    | { seq: number }
    | undefined;
  return seq?.seq ?? 0;
}

/** Drops events older than `before` (ms) and all but the newest `keep`; returns how many went. */
export function pruneEvents(db: Db, opts: { before: number; keep: number }): number {
  const old = db.prepare("DELETE FROM events WHERE at < ?").run(opts.before).changes;
  const over = db
    .prepare("DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)")
    .run(opts.keep).changes;
  return old + over;
}
