/**
 * Typed calls from the CLI to the daemon over its unix socket. `connectDaemon` starts a daemon
 * when none answers, and waits until it does; many CLIs starting at once converge on one daemon
 * (the others' daemons see the lock held and exit).
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { dirname } from "node:path";
import { type FollowOptions, followEvents, unreadableAnswer } from "./client-events.js";
import { ERROR_KINDS, errorMessage, UnavailableError, UsageError } from "./errors.js";
import type { CctaskEvent } from "./events.js";
import type {
  AgentUpdateReceipt,
  ApiErrorBody,
  Health,
  ImportRequest,
  ImportResult,
  JsonRouteKey,
  NotificationView,
  RouteBody,
  RouteInput,
  RouteKey,
  RouteResponse,
  RoutingReport,
  RunView,
  SessionDetail,
  SessionView,
  SubmitRequest,
  ValidateRoutingRequest,
} from "./protocol.js";
import { statePath } from "./state-dir.js";

const ATTEMPTS = 4;

/**
 * How long a launch may take before the CLI gives up on the daemon: above the slowest launch
 * that is not stuck (OpenClaw routing lookups can take ~35 s).
 */
export const SUBMIT_DEADLINE_MS = 120_000;

export class DaemonClient {
  /** The daemon's last answer to /health. */
  lastHealth: Health | null = null;

  constructor(readonly socketPath: string) {}

  /**
   * One request, untyped: `request` is the typed way in. A GET whose connection is reset before
   * its answer (a daemon with many clients at once may drop a fresh connection) is asked again:
   * reading twice changes nothing. So is a request marked `idempotent` (a launch with its key,
   * which the daemon answers once), and it also waits for a daemon that went away to be back.
   * @param timeoutMs the deadline of the whole call, every attempt included; 0: none
   */
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = 0,
    extraHeaders: Record<string, string> = {},
    idempotent = method === "GET",
  ): Promise<T> {
    const deadline = timeoutMs ? Date.now() + timeoutMs : 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const left = deadline ? Math.max(1, deadline - Date.now()) : 0;
        return await this.callOnce<T>(method, path, body, left, extraHeaders);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (!idempotent || attempt >= ATTEMPTS || !isNoDaemon(e)) throw e;
        if (code === "ECONNRESET") await new Promise((r) => setTimeout(r, 50 * attempt));
        else if (method !== "GET")
          await this.reconnect(); // the daemon is gone: wait for (or start) the next
        else throw e;
      }
    }
  }

  /** Until a daemon answers on this socket: the one restarting now, or one started here. */
  private async reconnect(): Promise<void> {
    await connectDaemon(dirname(this.socketPath), { autostart: true });
  }

  private callOnce<T>(
    method: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    extraHeaders: Record<string, string>,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = httpRequest(
        {
          // A socket of our own, without an agent: the agent would compile net.isIP's IPv6
          // pattern on every CLI's first request (~30 ms of CPU) to name a TLS server there is none of.
          createConnection: () => connect(this.socketPath),
          method,
          path,
          headers: {
            ...extraHeaders,
            ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            } catch {
              reject(unreadableAnswer(this.socketPath, method, path));
              return;
            }
            if ((res.statusCode ?? 500) < 400) resolve(parsed as T);
            else reject(toError(parsed as ApiErrorBody));
          });
        },
      );
      // A deadline on the whole answer, not on the socket's silence: it holds however the daemon stalls.
      const timer = timeoutMs
        ? setTimeout(
            () => req.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })),
            timeoutMs,
          )
        : undefined;
      req.on("close", () => clearTimeout(timer));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /**
   * One route of protocol.ts's ApiRoutes, typed by it: the path parameters and query in `input`,
   * the body and the answer as the route defines them.
   */
  request<K extends JsonRouteKey>(
    route: K,
    input: RouteInput<K>,
    body?: RouteBody<K>,
    opts: { timeoutMs?: number; headers?: Record<string, string>; idempotent?: boolean } = {},
  ): Promise<RouteResponse<K>> {
    const { method, path } = routeTarget(route, input);
    const idempotent = opts.idempotent ?? method === "GET";
    return this.call(method, path, body, opts.timeoutMs ?? 0, opts.headers ?? {}, idempotent);
  }

  async health(): Promise<Health> {
    this.lastHealth = await this.request("GET /health", {}, undefined, { timeoutMs: 3000 });
    return this.lastHealth;
  }
  /**
   * A launch. With its idempotency key it is asked again after a reset connection or a daemon
   * restart (the daemon starts one run per key); it gives up after `deadlineMs`, saying so.
   */
  async submit(req: SubmitRequest, deadlineMs = SUBMIT_DEADLINE_MS): Promise<RunView> {
    const idempotent = req.idempotencyKey !== undefined;
    try {
      return await this.request("POST /runs", {}, req, { timeoutMs: deadlineMs, idempotent });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw e;
      throw new UnavailableError(
        `the cctask daemon at ${this.socketPath} did not answer the launch within ${deadlineMs / 1000} s. ` +
          `Check it with cctask daemon status and its log ${statePath(dirname(this.socketPath), "log")}, ` +
          "or restart it (cctask daemon stop, then cctask daemon start). If it was only slow, the run " +
          "may still start: see cctask list before you launch it again.",
      );
    }
  }
  validateRouting(req: ValidateRoutingRequest): Promise<RoutingReport> {
    return this.request("POST /routing/validate", {}, req);
  }
  list(opts: { limit: number; activeOnly: boolean }): Promise<RunView[]> {
    return this.request("GET /runs", { limit: opts.limit, active: opts.activeOnly ? "1" : undefined });
  }
  get(id: string): Promise<RunView> {
    return this.request("GET /runs/:id", { id });
  }
  cancel(id: string): Promise<RunView> {
    return this.request("POST /runs/:id/cancel", { id });
  }
  /** The agent's update from inside run `id`, with that run's token (never in argv: from its env). */
  notify(id: string, token: string, text: string): Promise<AgentUpdateReceipt> {
    return this.request(
      "POST /runs/:id/notify",
      { id },
      { text },
      { headers: { authorization: `Bearer ${token}` } },
    );
  }
  notifications(id: string): Promise<NotificationView[]> {
    return this.request("GET /runs/:id/notifications", { id });
  }
  sessions(q: Record<string, string>): Promise<SessionView[]> {
    return this.request("GET /sessions", q);
  }
  session(key: string): Promise<SessionDetail> {
    return this.request("GET /sessions/:key", { key });
  }
  labelSession(key: string, label: string | null): Promise<SessionView> {
    return this.request("POST /sessions/:key/label", { key }, { label });
  }
  forgetSession(id: string): Promise<SessionView> {
    return this.request("POST /sessions/:id/forget", { id });
  }
  importSessions(req: ImportRequest): Promise<ImportResult> {
    return this.request("POST /sessions/import", {}, req);
  }
  /**
   * The daemon's events (GET /events), as they happen, until opts.signal aborts. After a
   * disconnect it connects again (starting a daemon if none runs) and resumes after the last
   * event it yielded: no gap, no repeat.
   */
  events(opts: FollowOptions = {}): AsyncGenerator<CctaskEvent> {
    const reconnect = async () => {
      await connectDaemon(dirname(this.socketPath), { autostart: true });
    };
    const path = (run: string | null) => routeTarget("GET /events", { run: run ?? undefined }).path;
    return followEvents({ socketPath: this.socketPath, path, toError, reconnect }, opts);
  }
  shutdown(): Promise<Health> {
    return this.request("POST /shutdown", {});
  }
}

/**
 * The method and the path (with its query) of one request: ":name" segments are filled in from
 * `input` (encoded), the other defined values of `input` become the query, in their order.
 */
export function routeTarget<K extends RouteKey>(
  route: K,
  input: RouteInput<K>,
): { method: string; path: string } {
  const space = route.indexOf(" ");
  const values = { ...(input as Record<string, string | number | undefined>) };
  const path = route
    .slice(space + 1)
    .split("/")
    .map((seg) => {
      if (!seg.startsWith(":")) return seg;
      const value = String(values[seg.slice(1)]);
      delete values[seg.slice(1)];
      return encodeSegment(value);
    })
    .join("/");
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined) query.set(k, String(v));
  return { method: route.slice(0, space), path: query.size ? `${path}?${query}` : path };
}

/** Longest id, key or label a path can carry; longer ones would overflow the daemon's request line. */
export const MAX_PATH_PARAM = 1000;

/** "." and ".." are encoded too: left as they are, URL rules would turn them into another path. */
function encodeSegment(value: string): string {
  if (value.length > MAX_PATH_PARAM) {
    throw new UsageError(
      `"${value.slice(0, 40)}…" (${value.length} characters) is not an id, key or label cctask knows: those are at most ${MAX_PATH_PARAM} characters. cctask list and cctask sessions show them.`,
    );
  }
  return /^\.{1,2}$/.test(value) ? value.replaceAll(".", "%2E") : encodeURIComponent(value);
}

function toError(body: ApiErrorBody): Error {
  const msg = body?.error?.message ?? "unknown error from the cctask daemon";
  const kind = ERROR_KINDS[body?.error?.kind] ?? ERROR_KINDS.internal;
  return kind.rebuild(msg);
}

/** The daemon is not there (any more): no socket, refused, or the connection dropped mid-answer. */
export function isNoDaemon(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ECONNREFUSED" || code === "ECONNRESET";
}

export function socketPath(stateDir: string): string {
  return statePath(stateDir, "socket");
}

/** The state dir must exist and be ours to write, before any daemon is started for it. */
export function ensureStateDir(stateDir: string): void {
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    accessSync(stateDir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new UsageError(
      `the state directory ${stateDir} is not writable (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}). ` +
        "Fix its permissions, or set CCTASK_HOME to a directory you own.",
    );
  }
}

/**
 * A client for a daemon that answers: the running one, or one started now.
 * @param opts.warn where to say that config.json5 is broken (the daemon then runs on other settings)
 */
export async function connectDaemon(
  stateDir: string,
  opts: { autostart: boolean; warn?: (text: string) => void },
): Promise<DaemonClient> {
  const client = new DaemonClient(socketPath(stateDir));
  try {
    warnConfigProblem(await client.health(), opts.warn);
    return client;
  } catch (e) {
    if (!isNoDaemon(e))
      throw new UnavailableError(`the cctask daemon for ${stateDir} does not answer: ${errorMessage(e)}`);
    if (!opts.autostart) throw new UnavailableError(`no cctask daemon is running for ${stateDir}`);
  }
  ensureStateDir(stateDir);
  await (await import("./daemon-start.js")).startDaemon(stateDir, client); // child_process only when needed
  if (opts.warn) warnConfigProblem(await client.health(), opts.warn);
  return client;
}

function warnConfigProblem(h: Health, warn: ((text: string) => void) | undefined): void {
  if (!warn) return;
  if (h.storageProblem) warn(`cctask: warning: ${h.storageProblem}.`);
  const p = h.configProblem;
  if (p) warn(`cctask: warning: ${p.error}\ncctask: until it is fixed, the daemon runs with ${p.using}.`);
}
