/**
 * The daemon's local API (see protocol.ts): HTTP on a unix socket that only the owner can open.
 * One handler per route of protocol.ts's ApiRoutes, in HANDLERS; the compiler holds the table to
 * the routes (none missing, none extra, each answering its route's type). Handlers are thin: they
 * validate, call the scheduler/supervisor, and answer with views.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ERROR_KINDS, errorKindOf, errorMessage, NotFoundError } from "../errors.js";
import type { ApiErrorBody, Health, RouteKey } from "../protocol.js";
import { describeStorageError } from "../storage.js";
import { notificationsOfRun } from "../store/notifications.js";
import { countActive } from "../store/runs.js";
import { VERSION } from "../version.js";
import { eventsQuery, streamEvents } from "./api-events.js";
import { type ApiDeps, type HandlerTable, matchRoute, type RouteCall, readJson } from "./api-route.js";
import { agentUpdate, cancelRun, checkRouting, listRunViews, resolveRun, submit, view } from "./api-runs.js";
import { forget, importEntries, labelSession, listSessionViews, sessionDetail } from "./api-sessions.js";
import { isoTime, toNotificationView } from "./view.js";

export const HANDLERS: HandlerTable = {
  "GET /health": (d) => health(d),
  "POST /shutdown": (d) => {
    setImmediate(d.shutdown); // after the answer is sent
    return health(d);
  },
  "POST /runs": async (d, c) => submit(d, await c.body()),
  "GET /runs": (d, c) => listRunViews(d, c),
  "GET /runs/:id": (d, c) => view(d, resolveRun(d, c.params.id)),
  "POST /runs/:id/cancel": (d, c) => cancelRun(d, c.params.id),
  "POST /runs/:id/notify": (d, c) => agentUpdate(d, c),
  "GET /runs/:id/notifications": (d, c) =>
    notificationsOfRun(d.ctx.db, resolveRun(d, c.params.id).id).map(toNotificationView),
  "POST /routing/validate": async (d, c) => checkRouting(d, await c.body()),
  "GET /sessions": (d, c) => listSessionViews(d.ctx, c.query),
  "GET /sessions/:key": (d, c) => sessionDetail(d.ctx, d.supervisor, c.params.key),
  "POST /sessions/:key/label": async (d, c) => labelSession(d.ctx, c.params.key, await c.body()),
  "POST /sessions/:id/forget": (d, c) => forget(d.ctx, c.params.id),
  "POST /sessions/import": async (d, c) => importEntries(d.ctx, await c.body()),
  "GET /events": (d, c) => {
    const q = eventsQuery(d.ctx, c.req, c.url, (id) => resolveRun(d, id).id);
    streamEvents(d.ctx, c.res, q);
    return undefined;
  },
};

export function createApi(deps: ApiDeps): Server {
  const server = createServer((req, res) => {
    deps.onActivity();
    dispatch(deps, req, res).catch((e) => sendError(res, e, deps));
  });
  server.keepAliveTimeout = 1000;
  return server;
}

async function dispatch(d: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://cctask");
  const method = req.method ?? "GET";
  // Matched on the path as sent: URL parsing would resolve "/runs/." (an id typed as ".") to "/runs".
  const pathname = (req.url ?? "/").split("?", 1)[0]!;
  const found = matchRoute(method, pathname);
  if (!found) throw new NotFoundError(`no such API route: ${method} ${pathname.slice(0, 200)}`);
  const call: RouteCall<RouteKey> = {
    params: found.params as RouteCall<RouteKey>["params"],
    query: url.searchParams,
    url,
    req,
    res,
    body: () => readJson(req),
  };
  const handler = HANDLERS[found.key] as (d: ApiDeps, c: RouteCall<RouteKey>) => unknown;
  const answer = await handler(d, call);
  if (!res.headersSent) send(res, 200, answer);
}

function health(d: ApiDeps): Health {
  return {
    pid: process.pid,
    version: VERSION,
    stateDir: d.ctx.stateDir,
    startedAt: isoTime(d.ctx.startedAt)!,
    activeRuns: countActive(d.ctx.db),
    maxConcurrent: d.ctx.config.maxConcurrent,
    configProblem: d.ctx.configProblem,
    storageProblem: d.ctx.storageProblem ?? null,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown, d: ApiDeps): void {
  let body: ApiErrorBody;
  const kind = errorKindOf(e);
  // the state directory's disk is full, read-only or gone: say so, not "internal error"
  const storage = kind === null ? describeStorageError(e, d.ctx.stateDir) : null;
  if (kind !== null) {
    if (kind === "unavailable") d.ctx.log.error(`API request failed: ${errorMessage(e)}`);
    body = { error: { kind, message: errorMessage(e) } };
  } else if (storage) {
    d.ctx.log.error(`API request failed: ${storage}`);
    body = { error: { kind: "unavailable", message: storage } };
  } else {
    d.ctx.log.error("API request failed", e);
    const message = `internal error in the cctask daemon: ${errorMessage(e)} (see daemon.log)`;
    body = { error: { kind: "internal", message } };
  }
  if (!res.headersSent) send(res, ERROR_KINDS[body.error.kind].status, body);
  else res.destroy();
}
