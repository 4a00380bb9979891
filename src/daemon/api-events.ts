/**
 * GET /events[?run=ID][&after=N]: the event stream as server-sent events. Each event is
 * `id: <id>`, `event: <type>`, `data: <CctaskEvent as JSON>`. A client resumes after a disconnect
 * with the Last-Event-ID header (or ?after=): it gets every stored event after that id, in order,
 * then the live ones. Without either, the stream starts with the next event. A comment line every
 * EVENTS_HEARTBEAT_MS lets a client notice a connection that died without closing.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { UsageError } from "../errors.js";
import { EVENTS_AFTER_HEADER, EVENTS_HEARTBEAT_MS } from "../events.js";
import { eventsAfter, lastEventId } from "../store/events.js";
import type { DaemonContext } from "./context.js";
import { isoTime } from "./view.js";

const BATCH = 500;

export interface EventsQuery {
  /** Send events with an id above this one. */
  after: number;
  runId: string | null;
}

/** Reads the resume point and the filter; `resolveRun` turns an id or prefix into a run id (or throws). */
export function eventsQuery(
  ctx: DaemonContext,
  req: IncomingMessage,
  url: URL,
  resolveRun: (idOrPrefix: string) => string,
): EventsQuery {
  const header = req.headers["last-event-id"];
  const raw = typeof header === "string" && header !== "" ? header : url.searchParams.get("after");
  const run = url.searchParams.get("run");
  return {
    after: raw === null ? lastEventId(ctx.db) : parseEventId(raw, header ? "Last-Event-ID" : "after"),
    runId: run === null ? null : resolveRun(run),
  };
}

function parseEventId(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw))
    throw new UsageError(
      `invalid ${what} "${raw}": give the id of an event, a whole number (0: from the oldest kept)`,
    );
  return Number(raw);
}

export function streamEvents(ctx: DaemonContext, res: ServerResponse, q: EventsQuery): void {
  let cursor = q.after;
  let scheduled = false;
  let waitingDrain = false;
  let closed = false;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    [EVENTS_AFTER_HEADER]: String(cursor),
  });
  res.write(`: events after ${cursor}${q.runId ? ` of run ${q.runId}` : ""}\n\n`);

  const flush = () => {
    scheduled = false;
    if (closed || waitingDrain) return;
    try {
      for (;;) {
        const batch = eventsAfter(ctx.db, cursor, {
          runId: q.runId,
          limit: BATCH,
          isoTime: (ms) => isoTime(ms)!,
        });
        for (const e of batch) {
          res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
          cursor = e.id;
        }
        if (batch.length < BATCH) return;
        if (res.writableNeedDrain) {
          waitingDrain = true;
          res.once("drain", () => {
            waitingDrain = false;
            schedule();
          });
          return;
        }
      }
    } catch (e) {
      ctx.log.error("GET /events: could not read the stored events; closing the stream", e);
      res.destroy();
    }
  };
  // after the publishing transaction has committed, and once for many events published together
  const schedule = () => {
    if (scheduled || closed) return;
    scheduled = true;
    setImmediate(flush);
  };
  const beat = setInterval(() => res.write(": ping\n\n"), EVENTS_HEARTBEAT_MS);
  ctx.events.on("event", schedule);
  res.on("close", () => {
    closed = true;
    clearInterval(beat);
    ctx.events.off("event", schedule);
  });
  schedule();
}
