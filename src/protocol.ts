/**
 * The local API between the CLI and the daemon: HTTP over a unix socket in the 0700 state
 * directory (the socket is 0600, so only the owner can talk to it). Bodies are JSON.
 *
 * Every route is defined once, in ApiRoutes: its method and path (":name" is a path parameter),
 * the query it reads, the body it takes and what it answers. The daemon has one handler per
 * route (daemon/api.ts, a table typed by ApiRoutes) and the client one typed `request` (client.ts).
 * Every route answers an error as ApiErrorBody: its kind gives the HTTP status and, on the
 * client, the error (and so the exit code), from one table (ERROR_KINDS in errors.ts).
 *
 * Types and one small constant (the daemon's): the client imports types only, so this costs the
 * CLI nothing at start-up. The body checks, which need zod, are in protocol-schemas.ts.
 */
import type { ErrorKind } from "./errors.js";
import type { CctaskEvent } from "./events.js";
import type {
  ImportRequest,
  RoutingPayload,
  SubmitRequest,
  ValidateRoutingRequest,
} from "./protocol-schemas.js";
import type { OpenClawRoute, WakePreview } from "./route.js";
import type { RunState } from "./run-state.js";

export type { ImportRequest, RoutingPayload, SubmitRequest, ValidateRoutingRequest };

/** What a route takes besides its path parameters, and what it answers. */
interface Route<Body, Response, Query extends object = Record<never, never>> {
  body: Body;
  response: Response;
  query: Query;
}

/** GET /events answers not one JSON body but server-sent events, each a CctaskEvent (events.ts). */
export type EventStream = AsyncIterable<CctaskEvent>;

export interface ApiRoutes {
  "GET /health": Route<undefined, Health>;
  /** Answers, then stops the daemon. */
  "POST /shutdown": Route<undefined, Health>;
  /** The launch receipt, once the agent's PID is alive (or its init line is seen, with waitInit). */
  "POST /runs": Route<SubmitRequest, RunView>;
  /** The newest runs first; active=1: only those that have not ended. */
  "GET /runs": Route<undefined, RunView[], { limit?: number; active?: "1" }>;
  /** :id is a run id or a unique prefix of one. */
  "GET /runs/:id": Route<undefined, RunView>;
  "POST /runs/:id/cancel": Route<undefined, RunView>;
  /** `cctask notify` inside a run: needs `authorization: Bearer <the run's token>`. */
  "POST /runs/:id/notify": Route<AgentUpdate, AgentUpdateReceipt>;
  "GET /runs/:id/notifications": Route<undefined, NotificationView[]>;
  /** --validate-only: resolves the routing, starts nothing. */
  "POST /routing/validate": Route<ValidateRoutingRequest, RoutingReport>;
  "GET /sessions": Route<undefined, SessionView[], SessionsQuery>;
  /** :key is a session id or a label. */
  "GET /sessions/:key": Route<undefined, SessionDetail>;
  "POST /sessions/:key/label": Route<{ label: string | null }, SessionView>;
  /** :id is the exact session id, never a label. */
  "POST /sessions/:id/forget": Route<undefined, SessionView>;
  "POST /sessions/import": Route<ImportRequest, ImportResult>;
  /** The event stream; the `last-event-id` header (or after=) resumes after that event. */
  "GET /events": Route<undefined, EventStream, { run?: string; after?: number }>;
}

export type RouteKey = keyof ApiRoutes;

/**
 * Every route, at run time (for the daemon's router and the tests that hold it to ApiRoutes).
 * The check below fails to compile when a route of ApiRoutes is missing here.
 */
export const ROUTE_KEYS = [
  "GET /health",
  "POST /shutdown",
  "POST /runs",
  "GET /runs",
  "GET /runs/:id",
  "POST /runs/:id/cancel",
  "POST /runs/:id/notify",
  "GET /runs/:id/notifications",
  "POST /routing/validate",
  "GET /sessions",
  "GET /sessions/:key",
  "POST /sessions/:key/label",
  "POST /sessions/:id/forget",
  "POST /sessions/import",
  "GET /events",
] as const satisfies readonly RouteKey[];
const allRoutesListed: Exclude<RouteKey, (typeof ROUTE_KEYS)[number]> extends never ? true : false = true;
void allRoutesListed;

type PathOf<K extends RouteKey> = K extends `${string} ${infer P}` ? P : never;
type ParamsOfPath<P extends string> = P extends `${string}/:${infer Name}/${infer Rest}`
  ? { [N in Name]: string } & ParamsOfPath<`/${Rest}`>
  : P extends `${string}/:${infer Name}`
    ? { [N in Name]: string }
    : Record<never, never>;

/** The path parameters of a route, by name (e.g. { id } for "GET /runs/:id"). */
export type RouteParams<K extends RouteKey> = ParamsOfPath<PathOf<K>>;
export type RouteQuery<K extends RouteKey> = ApiRoutes[K]["query"];
/** What a caller gives for a route: its path parameters and its query, in one object. */
export type RouteInput<K extends RouteKey> = RouteParams<K> & RouteQuery<K>;
export type RouteBody<K extends RouteKey> = ApiRoutes[K]["body"];
export type RouteResponse<K extends RouteKey> = ApiRoutes[K]["response"];
/** The routes that answer one JSON body (all but the event stream). */
export type JsonRouteKey = {
  [K in RouteKey]: RouteResponse<K> extends EventStream ? never : K;
}[RouteKey];

/** GET /sessions: the registry's filters (hours: 0 for all time; 72 when absent). */
export interface SessionsQuery {
  hours?: string;
  label?: string;
  project?: string;
  status?: string;
}

/** POST /runs/:id/notify: the agent's update, and how many targets it was queued for. */
export interface AgentUpdate {
  text: string;
}
export interface AgentUpdateReceipt {
  targets: number;
}

/** The --validate-only report: the original's fields (seed-behaviour.md §4), then cctask's own. */
export interface RoutingReport {
  session: string | null;
  thread_id: string | null;
  channel: string | null;
  target: string | null;
  notify_session_id: string | null;
  allow_main_telegram: boolean;
  completion_mode: "single" | "iterate";
  max_iterations: number;
  /** Present only when a lookup found the session (the original's "metadata"). */
  resolved_session_id?: string | null;
  resolved_telegram_target?: string | null;
  key_family: string | null;
  resolved_from: string | null;
  wake_key: string | null;
  /** Where notifications will go (targets syntax). */
  delivery: string[];
  /** Lookups that failed or found nothing, with the reason. */
  lookups: string[];
  route: OpenClawRoute | null;
  wake: WakePreview;
}

export interface RunFiles {
  dir: string;
  prompt: string;
  events: string;
  stderr: string;
  result: string;
  output: string | null;
}

export interface RunView {
  id: string;
  state: RunState;
  reason: string | null;
  detail: string | null;
  apiErrorStatus: number | null;
  exitCode: number | null;
  createdAt: string; // ISO 8601 with offset
  startedAt: string | null;
  endedAt: string | null;
  elapsedSeconds: number | null;
  timeoutSeconds: number;
  projectDir: string;
  task: string; // summary: the first 200 characters
  label: string | null;
  resume: string | null;
  sessionId: string | null;
  completionMode: "single" | "iterate";
  iteration: number | null;
  maxIterations: number | null;
  /** When a long --resume prompt was shortened: its original length. */
  promptShortenedFrom: number | null;
  notify: string[];
  /** Targets that refused delivery for this run, with the service's reason. */
  deliveryFailures: { target: string; error: string }[];
  pid: number | null; // the agent (claude) process
  processGroup: number | null;
  model: string | null;
  apiKeySource: string | null;
  claudeVersion: string | null;
  tokens: { input: number; output: number; cacheRead: number; cacheCreation: number };
  costUsd: number | null;
  toolCalls: number;
  lastActivity: string | null;
  lastEventAt: string | null;
  silentSeconds: number | null;
  activeSubagents: { id: string; description: string }[];
  filesWritten: number;
  results: number;
  malformedLines: number;
  files: RunFiles;
  /** Runs launched from an OpenClaw session: the wake of that session; null for other runs. */
  wake: WakeView | null;
}

/** pending: the run has not ended; claimed: waking now; then woken, failed or uncertain. */
export interface WakeView {
  id: string | null;
  state: "pending" | "claimed" | "woken" | "failed" | "uncertain";
  sessionKey: string;
  path: string | null;
  detail: string | null;
  attempts: { path: string; outcome: string | null; detail: string | null }[];
  doneAt: string | null;
}

export interface SessionView {
  sessionId: string;
  label: string | null;
  projectDir: string;
  task: string;
  status: string;
  runs: number;
  costUsd: number | null;
  createdAt: string;
  lastUsedAt: string;
  completionMode: "single" | "iterate";
  iterations: number;
  maxIterations: number | null;
  origin: string | null;
  outputFile: string | null;
  imported: boolean;
}

export interface SessionDetail extends SessionView {
  runList: RunView[];
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
}

export interface NotificationView {
  id: number;
  kind: string;
  target: string;
  state: string;
  attempts: number;
  createdAt: string;
  deliveredAt: string | null;
  remoteId: string | null;
  error: string | null;
  line: string;
}

export interface Health {
  pid: number;
  version: string;
  stateDir: string;
  startedAt: string;
  activeRuns: number;
  maxConcurrent: number;
  /** config.json5 is broken: what is wrong and which settings the daemon uses instead. */
  configProblem?: { error: string; using: string } | null;
  /** The database was deleted (or is otherwise not what it was): what happened and what it means. */
  storageProblem?: string | null;
}

/**
 * What every route answers on failure. "routing": a routing refusal, printed verbatim
 * (❌ Invalid routing: … / ❌ Unsafe routing blocked: …).
 */
export type ApiErrorKind = ErrorKind;
export interface ApiErrorBody {
  error: { kind: ApiErrorKind; message: string };
}
