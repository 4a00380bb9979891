/**
 * The event stream below the CLI: the events table (order, filter, pruning, ids never reused),
 * publishing inside a transaction, GET /events served from a real HTTP server on a unix socket,
 * and the client's parser and follower (resume after a disconnect without gaps or repeats).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { routeTarget } from "../../../src/client.js";
import { followEvents, parseStream } from "../../../src/client-events.js";
import { eventsQuery, streamEvents } from "../../../src/daemon/api-events.js";
import { createEvents, type DaemonContext } from "../../../src/daemon/context.js";
import { publish, publishInTransaction } from "../../../src/daemon/publish.js";
import { UsageError } from "../../../src/errors.js";
import type { CctaskEvent, EventBody } from "../../../src/events.js";
import { type Db, migrate } from "../../../src/store/db.js";
import { eventsAfter, insertEvent, lastEventId, pruneEvents } from "../../../src/store/events.js";

const quietLog = { info() {}, warn() {}, error() {} };
const iso = (ms: number) => new Date(ms).toISOString();
let db: Db | undefined;
let server: Server | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
  }
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = server = dir = undefined;
});

function openDb(): Db {
  db = new Database(":memory:");
  migrate(db);
  return db;
}

function update(runId: string, text: string): EventBody {
  return { type: "agent.update", runId, text };
}

function texts(events: CctaskEvent[]): string[] {
  return events.map((e) => (e.type === "agent.update" ? e.text : e.type));
}

describe("the events table", () => {
  it("returns the events after an id in order, all or one run's", () => {
    const d = openDb();
    for (const [run, t] of [
      ["a", "1"],
      ["b", "2"],
      ["a", "3"],
      ["b", "4"],
    ] as const)
      insertEvent(d, update(run, t), 1000);
    expect(texts(eventsAfter(d, 0, { runId: null, limit: 10, isoTime: iso }))).toEqual(["1", "2", "3", "4"]);
    expect(texts(eventsAfter(d, 1, { runId: "a", limit: 10, isoTime: iso }))).toEqual(["3"]);
    expect(eventsAfter(d, 2, { runId: null, limit: 1, isoTime: iso }).map((e) => e.id)).toEqual([3]);
    expect(eventsAfter(d, 0, { runId: null, limit: 1, isoTime: iso })[0]).toEqual({
      type: "agent.update",
      runId: "a",
      text: "1",
      id: 1,
      at: "1970-01-01T00:00:01.000Z",
    });
  });

  it("prunes by age and by count, and never gives a pruned id to a new event", () => {
    const d = openDb();
    for (let i = 1; i <= 5; i++) insertEvent(d, update("a", String(i)), i * 1000);
    expect(pruneEvents(d, { before: 2500, keep: 100 })).toBe(2);
    expect(pruneEvents(d, { before: 0, keep: 2 })).toBe(1);
    expect(texts(eventsAfter(d, 0, { runId: null, limit: 10, isoTime: iso }))).toEqual(["4", "5"]);
    pruneEvents(d, { before: Number.MAX_SAFE_INTEGER, keep: 100 });
    expect(lastEventId(d)).toBe(5);
    expect(insertEvent(d, update("a", "6"), 6000)).toBe(6);
  });

  it("an event published in a transaction that rolls back is never stored", () => {
    const ctx = context(openDb());
    publish(ctx, update("a", "kept"));
    expect(() =>
      ctx.db.transaction(() => {
        publishInTransaction(ctx, update("a", "rolled back"));
        throw new Error("the outcome could not be stored");
      })(),
    ).toThrow("the outcome could not be stored");
    publish(ctx, update("a", "after"));
    expect(texts(eventsAfter(ctx.db, 0, { runId: null, limit: 10, isoTime: iso }))).toEqual([
      "kept",
      "after",
    ]);
  });
});

function context(d: Db): DaemonContext {
  return { db: d, events: createEvents(), log: quietLog } as unknown as DaemonContext;
}

/** GET /events the way the daemon serves it, on a unix socket in a temp dir. */
async function serve(ctx: DaemonContext): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), "cctask-events-"));
  const socketPath = join(dir, "s.sock");
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://cctask");
    try {
      streamEvents(
        ctx,
        res,
        eventsQuery(ctx, req, url, (id) => id),
      );
    } catch (e) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { kind: "usage", message: (e as Error).message } }));
    }
  });
  await new Promise<void>((r) => server!.listen(socketPath, r));
  return socketPath;
}

function follow(socketPath: string, opts: Parameters<typeof followEvents>[1], reconnect = async () => {}) {
  const toError = (b: { error: { message: string } }) => new UsageError(b.error.message);
  const path = (run: string | null) => routeTarget("GET /events", { run: run ?? undefined }).path;
  return followEvents({ socketPath, path, toError, reconnect }, opts);
}

/** The next n events, leaving the stream open (stream.return() closes it). */
async function take(stream: AsyncGenerator<CctaskEvent>, n: number): Promise<CctaskEvent[]> {
  const got: CctaskEvent[] = [];
  while (got.length < n) {
    const r = await stream.next();
    if (r.done) break;
    got.push(r.value);
  }
  return got;
}

describe("GET /events and the client", () => {
  it("resumes after a disconnect from the last id it saw: no gap, no repeat", async () => {
    const ctx = context(openDb());
    const socketPath = await serve(ctx);
    for (let i = 1; i <= 3; i++) publish(ctx, update("a", String(i)));
    const gone = follow(socketPath, { after: 0 });
    const first = await take(gone, 2);
    await gone.return(undefined); // the client goes away
    for (let i = 4; i <= 6; i++) publish(ctx, update("a", String(i)));
    const rest = follow(socketPath, { after: first.at(-1)!.id });
    const second = await take(rest, 4);
    setTimeout(() => publish(ctx, update("a", "7")), 50); // a live one, after the stored ones
    second.push(...(await take(rest, 1)));
    expect(texts([...first, ...second])).toEqual(["1", "2", "3", "4", "5", "6", "7"]);
    expect([...first, ...second].map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await rest.return(undefined);
  });

  it("without a resume point, starts with the next event; with a run, only that run's", async () => {
    const ctx = context(openDb());
    const socketPath = await serve(ctx);
    publish(ctx, update("a", "old"));
    const stream = follow(socketPath, { runId: "b" });
    const got = take(stream, 2);
    await new Promise((r) => setTimeout(r, 100));
    for (const [run, t] of [
      ["a", "x"],
      ["b", "y"],
      ["a", "z"],
      ["b", "w"],
    ] as const)
      publish(ctx, update(run, t));
    expect(texts(await got)).toEqual(["y", "w"]);
    await stream.return(undefined);
  });

  it("reconnects by itself when the connection drops, and goes on after the last event", async () => {
    const ctx = context(openDb());
    const socketPath = await serve(ctx);
    let reconnects = 0;
    const stream = follow(socketPath, { after: 0 }, async () => {
      reconnects++;
    });
    publish(ctx, update("a", "1"));
    const got = await take(stream, 1);
    server!.closeAllConnections(); // as a daemon that stops does
    publish(ctx, update("a", "2"));
    publish(ctx, update("a", "3"));
    got.push(...(await take(stream, 2)));
    expect(texts(got)).toEqual(["1", "2", "3"]);
    expect(reconnects).toBe(0); // the daemon was still there: connecting again was enough
    await stream.return(undefined);
  });

  it("a bad resume point is refused with what was wrong", async () => {
    const socketPath = await serve(context(openDb()));
    const req = fetchRaw(socketPath, "/events?after=soon");
    expect(await req).toContain('invalid after \\"soon\\": give the id of an event');
  });
});

function fetchRaw(socketPath: string, path: string): Promise<string> {
  return import("node:http").then(
    ({ request }) =>
      new Promise<string>((resolve, reject) => {
        const r = request({ socketPath, path, agent: false }, (res) => {
          let body = "";
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () => resolve(body));
        });
        r.on("error", reject);
        r.end();
      }),
  );
}

describe("parseStream", () => {
  it("reads events split anywhere, with CRLF or LF, skipping comments and other fields", async () => {
    const e1 = { type: "agent.update", runId: "a", text: "x", id: 1, at: "t" };
    const e2 = { type: "run.session", runId: "a", sessionId: "s", id: 2, at: "t" };
    const text = `: hello\r\nid: 1\r\nevent: agent.update\r\ndata: ${JSON.stringify(e1)}\r\n\r\n: ping\n\nretry: 5\nid: 2\ndata: ${JSON.stringify(e2)}\n\n`;
    async function* bytes() {
      for (const ch of text) yield ch;
    }
    const got: CctaskEvent[] = [];
    for await (const e of parseStream(bytes())) got.push(e);
    expect(got).toEqual([e1, e2]);
  });

  it("an event it cannot read is an error that shows it", async () => {
    async function* bad() {
      yield 'data: {"type":"nonsense","id":1,"at":"t"}\n\n';
    }
    await expect(async () => {
      for await (const _ of parseStream(bad())) {
      }
    }).rejects.toThrow('the cctask daemon sent an event this cctask cannot read: {"type":"nonsense"');
  });
});
