/**
 * Publishing an event: store it (events table), then tell the open streams that there is more.
 * Streams read what is new from the table after the current transaction has committed, so an
 * event that was rolled back is never sent, and none is sent twice or out of order.
 */
import type { EventBody } from "../events.js";
import { insertEvent, pruneEvents } from "../store/events.js";
import type { DaemonContext } from "./context.js";

/** How long events are kept for a client to resume from, and at most how many. */
export const EVENT_RETENTION = { days: 7, rows: 100_000 };
const PRUNE_EVERY = 1000;

let sincePrune = PRUNE_EVERY; // the first event of a daemon prunes what the last one left

/** Stores the event as part of the caller's transaction: throws if it cannot be stored. */
export function publishInTransaction(ctx: DaemonContext, body: EventBody): void {
  insertEvent(ctx.db, body, Date.now());
  ctx.events.emit("event");
}

/** Stores the event; one that cannot be stored (a full disk) is logged, never fatal. */
export function publish(ctx: DaemonContext, body: EventBody): void {
  try {
    publishInTransaction(ctx, body);
    if (++sincePrune >= PRUNE_EVERY) {
      sincePrune = 0;
      pruneOldEvents(ctx);
    }
  } catch (e) {
    ctx.log.error(`could not store a ${body.type} event${body.runId ? ` of run ${body.runId}` : ""}`, e);
  }
}

export function pruneOldEvents(ctx: DaemonContext): void {
  const removed = pruneEvents(ctx.db, {
    before: Date.now() - EVENT_RETENTION.days * 86_400_000,
    keep: EVENT_RETENTION.rows,
  });
  if (removed > 0) ctx.log.info(`events: removed ${removed} old event(s)`);
}
