/**
 * The daemon's local API (see protocol.ts): HTTP on a unix socket that only the owner can open.
 * Handlers are thin: they validate, call the scheduler/supervisor, and answer with RunViews.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isCctaskError, NotFoundError, RoutingRefusal, UnavailableError, UsageError } from "../errors.js";
import { isAlive } from "../platform/process.js";
import {
  type ApiErrorBody,
  type Health,
  type RunView,
  SubmitRequestSchema,
  ValidateRoutingSchema,
} from "../protocol.js";
import { isFinal } from "../run-state.js";
import { secretsOf } from "../secret-env.js";
import { describeStorageError } from "../storage.js";
import { notificationsOfRun } from "../store/notifications.js";
import { countActive, findRunsByPrefix, getRun, listRuns, type RunRow } from "../store/runs.js";
import { VERSION } from "../version.js";
import { eventsQuery, streamEvents } from "./api-events.js";
import { forget, importEntries, labelSession, listSessionViews, sessionDetail } from "./api-sessions.js";
import type { DaemonContext } from "./context.js";
import type { Notifier } from "./notifier.js";
import { routeForRun, validateRouting } from "./routing.js";
import { endUnstarted, kick } from "./scheduler.js";
import { submitRun, tokenMatches } from "./submit.js";
import type { Supervisor } from "./supervisor.js";
import { isoTime, toNotificationView, toRunView } from "./view.js";

const MAX_BODY = 64 * 1024 * 1024;

export interface ApiDeps {
  ctx: DaemonContext;
  supervisor: Supervisor;
  notifier: Notifier;
  onActivity: () => void;
  shutdown: () => void;
}

export function createApi(deps: ApiDeps): Server {
  const server = createServer((req, res) => {
    deps.onActivity();
    route(deps, req, res).catch((e) => sendError(res, e, deps));
  });
  server.keepAliveTimeout = 1000;
  return server;
}

async function route(d: ApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://cctask");
  const parts = url.pathname.split("/").filter(Boolean);
  const method = req.method ?? "GET";
  if (method === "GET" && url.pathname === "/health") return send(res, 200, health(d));
  if (method === "POST" && url.pathname === "/shutdown") {
    send(res, 200, health(d));
    setImmediate(d.shutdown);
    return;
  }
  if (parts[0] === "sessions") return send(res, 200, await sessionsRoute(d, method, parts, url, req));
  if (method === "POST" && url.pathname === "/routing/validate") {
    const parsed = ValidateRoutingSchema.safeParse(await readJson(req));
    if (!parsed.success) throw invalid("routing check", parsed.error.issues[0]);
    d.notifier.acceptLaunchCredentials(secretsOf(parsed.data.secrets ?? {}));
    return send(res, 200, await validateRouting(d.ctx, d.notifier, parsed.data));
  }
  if (method === "GET" && url.pathname === "/events")
    return streamEvents(
      d.ctx,
      res,
      eventsQuery(d.ctx, req, url, (id) => resolveRun(d, id).id),
    );
  if (parts[0] !== "runs") throw new NotFoundError(`no such API route: ${method} ${url.pathname}`);
  if (parts.length === 1 && method === "POST") return send(res, 200, await submit(d, await readJson(req)));
  if (parts.length === 1 && method === "GET") {
    const limit = Number(url.searchParams.get("limit") ?? "50");
    const rows = listRuns(d.ctx.db, {
      limit: Number.isFinite(limit) && limit > 0 ? limit : 50,
      activeOnly: url.searchParams.get("active") === "1",
    });
    return send(
      res,
      200,
      rows.map((r) => view(d, r)),
    );
  }
  const row = resolveRun(d, decodeURIComponent(parts[1] ?? ""));
  if (parts.length === 2 && method === "GET") return send(res, 200, view(d, row));
  if (parts[2] === "wait" && method === "GET") {
    const timeoutMs = Number(url.searchParams.get("timeoutMs") ?? "30000");
    return send(res, 200, await waitForEnd(d, row.id, Number.isFinite(timeoutMs) ? timeoutMs : 30000));
  }
  if (parts[2] === "notify" && method === "POST")
    return send(res, 200, agentUpdate(d, row, req, await readJson(req)));
  if (parts[2] === "notifications" && method === "GET")
    return send(res, 200, notificationsOfRun(d.ctx.db, row.id).map(toNotificationView));
  if (parts[2] === "cancel" && method === "POST") {
    if (row.state === "queued")
      endUnstarted(d.ctx, row, { state: "cancelled", detail: "cancelled while queued; it never started" });
    else if (!isFinal(row.state)) d.supervisor.stop(row.id, "cancel");
    return send(res, 200, view(d, getRun(d.ctx.db, row.id)!));
  }
  throw new NotFoundError(`no such API route: ${method} ${url.pathname}`);
}

async function sessionsRoute(
  d: ApiDeps,
  method: string,
  parts: string[],
  url: URL,
  req: IncomingMessage,
): Promise<unknown> {
  const key = parts[1] === undefined ? undefined : decodeURIComponent(parts[1]);
  if (key === undefined && method === "GET") return listSessionViews(d.ctx, url.searchParams);
  if (key === "import" && method === "POST") return importEntries(d.ctx, await readJson(req));
  if (key !== undefined && parts.length === 2 && method === "GET")
    return sessionDetail(d.ctx, d.supervisor, key);
  if (key !== undefined && parts[2] === "label" && method === "POST")
    return labelSession(d.ctx, key, await readJson(req));
  if (key !== undefined && parts[2] === "forget" && method === "POST") return forget(d.ctx, key);
  throw new NotFoundError(`no such API route: ${method} ${url.pathname}`);
}

const MAX_UPDATE_CHARS = 3500;

/** `cctask notify` from inside a run: only with that run's own token, only to that run's targets. */
function agentUpdate(d: ApiDeps, row: RunRow, req: IncomingMessage, body: unknown): { targets: number } {
  const auth = req.headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (!tokenMatches(token, row.notifyTokenHash))
    throw new UsageError(
      `not allowed: cctask notify posts only for the run it runs in (this token is not run ${row.id}'s)`,
    );
  if (isFinal(row.state))
    throw new UsageError(`run ${row.id} has already ended (${row.state}); its updates are closed`);
  const text = (body as { text?: unknown })?.text;
  if (typeof text !== "string" || text.trim() === "")
    throw new UsageError('the update is empty; usage: cctask notify "your message"');
  const clipped = text.length > MAX_UPDATE_CHARS ? `${text.slice(0, MAX_UPDATE_CHARS)}…` : text;
  return { targets: d.notifier.update(row, clipped.trim()) };
}

function view(d: ApiDeps, row: RunRow): RunView {
  return toRunView(d.ctx, row, d.supervisor.progressOf(row.id));
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

export function resolveRun(d: { ctx: DaemonContext }, idOrPrefix: string): RunRow {
  if (!/^[0-9a-z]{1,16}$/.test(idOrPrefix))
    throw new UsageError(`"${idOrPrefix}" is not a run id; run ids look like 3f9a1c2b (see cctask list)`);
  const exact = getRun(d.ctx.db, idOrPrefix);
  if (exact) return exact;
  const found = findRunsByPrefix(d.ctx.db, idOrPrefix);
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new NotFoundError(`no run with id "${idOrPrefix}"; see cctask list for the runs there are`);
  throw new UsageError(
    `"${idOrPrefix}" matches several runs (${found.map((r) => r.id).join(", ")}); give more of the id`,
  );
}

/**
 * The launch receipt: returns as soon as the agent's process is alive (its PID checked), or with
 * `waitInit` once its init line names the session, model and auth; or when the run is queued or
 * has already ended.
 */
async function submit(d: ApiDeps, body: unknown): Promise<RunView> {
  const parsed = SubmitRequestSchema.safeParse(body);
  if (!parsed.success) throw invalid("run request", parsed.error.issues[0]);
  const req = parsed.data;
  // A launch is held to the config as it is on disk now (onActivity reloaded it for this request).
  if (d.ctx.configProblem) throw new UsageError(d.ctx.configProblem.error);
  d.notifier.acceptLaunchCredentials(secretsOf(req.env));
  // With --session, the route decides; the config's default targets would post where no one asked.
  const routed = req.routing
    ? await routeForRun(d.ctx, d.notifier, req.routing, req.notify.length > 0)
    : null;
  const asked = req.notify.length > 0 || routed ? req.notify : d.ctx.config.notify.defaultTargets;
  const targets = await d.notifier.validateTargets(
    [...asked, ...(routed?.targets ?? [])],
    req.allowOfflineDelivery,
  );
  const created = submitRun(d.ctx, req, targets, routed?.route ?? req.openclaw ?? null);
  kick(d.ctx, d.supervisor);
  return await awaitLaunch(d, created.id, req.waitInit === true);
}

async function awaitLaunch(d: ApiDeps, id: string, waitInit: boolean): Promise<RunView> {
  const initDeadline = Date.now() + (waitInit ? d.ctx.config.launchWaitSeconds * 1000 : 0);
  const forkDeadline = Math.max(initDeadline, Date.now()) + 5000; // never hang a launch on a slow fork
  for (;;) {
    const agentPid = d.supervisor.recordAgentPid(id);
    const row = getRun(d.ctx.db, id)!;
    if (row.state === "queued" || isFinal(row.state)) return view(d, row);
    const initSeen = (d.supervisor.progressOf(id)?.initCount ?? 0) > 0;
    // isAlive last: where it is read from ps (macOS) it costs a process spawn.
    if (agentPid !== null && (initSeen || Date.now() >= initDeadline) && isAlive(agentPid))
      return view(d, row);
    if (Date.now() >= forkDeadline) return view(d, row);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function invalid(what: string, issue: { path: PropertyKey[]; message: string } | undefined): UsageError {
  return new UsageError(`invalid ${what}: ${issue?.path.map(String).join(".")}: ${issue?.message}`);
}

async function waitForEnd(d: ApiDeps, id: string, timeoutMs: number): Promise<RunView> {
  const current = getRun(d.ctx.db, id)!;
  if (isFinal(current.state)) return view(d, current);
  await new Promise<void>((resolve) => {
    const onEnded = (endedId: string) => {
      if (endedId === id) done();
    };
    const timer = setTimeout(done, Math.max(0, Math.min(timeoutMs, 600_000)));
    function done() {
      clearTimeout(timer);
      d.ctx.events.off("ended", onEnded);
      resolve();
    }
    d.ctx.events.on("ended", onEnded);
  });
  return view(d, getRun(d.ctx.db, id)!);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new UsageError(`request body larger than ${MAX_BODY} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new UsageError("request body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, e: unknown, d: ApiDeps): void {
  let status = 500;
  let body: ApiErrorBody;
  if (e instanceof RoutingRefusal) {
    status = 400;
    body = { error: { kind: "routing", message: e.message } };
  } else if (isCctaskError(e) && e instanceof UsageError) {
    status = 400;
    body = { error: { kind: "usage", message: e.message } };
  } else if (e instanceof NotFoundError) {
    status = 404;
    body = { error: { kind: "not_found", message: e.message } };
  } else if (e instanceof UnavailableError || describeStorageError(e, d.ctx.stateDir)) {
    // the state directory's disk is full, read-only or gone: say so, not "internal error"
    status = 503;
    const message = e instanceof UnavailableError ? e.message : describeStorageError(e, d.ctx.stateDir)!;
    d.ctx.log.error(`API request failed: ${message}`);
    body = { error: { kind: "unavailable", message } };
  } else {
    d.ctx.log.error("API request failed", e);
    body = {
      error: {
        kind: "internal",
        message: `internal error in the cctask daemon: ${(e as Error)?.message ?? e} (see daemon.log)`,
      },
    };
  }
  if (!res.headersSent) send(res, status, body);
  else res.destroy();
}
