/**
 * The local API between the CLI and the daemon: HTTP over a unix socket in the 0700 state
 * directory (the socket is 0600, so only the owner can talk to it). Bodies are JSON.
 *   POST /runs               SubmitRequest → RunView (the launch receipt, once the agent's PID is alive)
 *   GET  /runs?active=1&limit=N → RunView[]
 *   GET  /runs/:id           → RunView (id or unique prefix)
 *   GET  /runs/:id/wait?timeoutMs=N → RunView (returns when the run has ended or on timeout)
 *   POST /runs/:id/cancel    → RunView
 *   GET  /sessions?hours=&label=&project=&status= → SessionView[]
 *   GET  /sessions/:idOrLabel → SessionDetail
 *   POST /sessions/:id/label {label} · POST /sessions/:id/forget · POST /sessions/import ImportRequest
 *   POST /runs/:id/notify {text} (Authorization: Bearer <run token>) → {targets}
 *   GET  /runs/:id/notifications → NotificationView[]
 *   POST /routing/validate   ValidateRoutingRequest → RoutingReport (--validate-only; starts nothing)
 *   GET  /events?run=ID&after=N → text/event-stream of CctaskEvent (events.ts; Last-Event-ID resumes)
 *   GET  /health             → Health
 *   POST /shutdown           → Health
 * Errors: { error: { kind, message } } with 400 (usage), 404 (not found), 500 (internal).
 */
import { z } from "zod";
import type { OpenClawRoute, WakePreview } from "./route.js";
import type { RunState } from "./run-state.js";

const nullableText = z.string().min(1).nullable();
export const OpenClawRouteSchema = z
  .object({
    sessionKey: z.string().min(1),
    agentId: z.string().min(1),
    family: z.string().min(1),
    channel: nullableText,
    target: nullableText,
    threadId: nullableText,
    accountId: z.string().min(1).optional(),
    replyTo: nullableText,
    sessionId: nullableText,
    wakeKey: z.string().min(1),
    resolvedFrom: z.string().min(1),
    traceLive: z.boolean(),
    execShell: z.boolean(),
    launchEnv: z.record(z.string(), z.string()),
  })
  .strict() satisfies z.ZodType<OpenClawRoute>;

/** The original skill's routing flags (route.ts RoutingRequest), checked again by the daemon. */
export const RoutingRequestSchema = z
  .object({
    session: z.string().min(1),
    notifyChannel: z.string().min(1).nullable(),
    notifyThreadId: z
      .string()
      .regex(/^\d{1,10}$/)
      .nullable(),
    notifySessionId: z.string().min(1).nullable(),
    replyToMessageId: z
      .string()
      .regex(/^\d{1,12}$/)
      .nullable(),
    allowMainTelegram: z.boolean(),
    telegramRoutingMode: z.enum(["auto", "thread-only", "allow-non-thread"]),
    allowNoDelivery: z.boolean(),
    traceLive: z.boolean(),
  })
  .strict();

/** --session routing as the CLI sends it: the flags, and the launcher's non-secret OpenClaw environment. */
export const RoutingPayloadSchema = z
  .object({ request: RoutingRequestSchema, launchEnv: z.record(z.string(), z.string()) })
  .strict();
export type RoutingPayload = z.infer<typeof RoutingPayloadSchema>;

export const SubmitRequestSchema = z
  .object({
    task: z.string().min(1),
    projectDir: z.string().min(1),
    /** false when --project was not given: a resumed session then runs in its recorded project. */
    projectExplicit: z.boolean(),
    createProject: z.boolean(),
    timeoutSeconds: z.number().positive().nullable(),
    resume: z.string().min(1).nullable(),
    sessionLabel: z.string().nullable(),
    model: z.string().min(1).nullable(),
    outputFile: z.string().min(1).nullable(),
    maxBudgetUsd: z.number().positive().nullable(),
    permissionMode: z.string().min(1),
    completionMode: z.enum(["single", "iterate"]),
    /** Targets as given (--notify); an empty list means the config's defaultTargets. */
    notify: z.array(z.string()),
    heartbeatMode: z.enum(["edit", "post"]).nullable(),
    allowOfflineDelivery: z.boolean(),
    umask: z.number().int().min(0).max(0o777),
    maxIterations: z.number().int().positive().nullable(),
    extraArgs: z.array(z.string()),
    /** null: the daemon resolves it (CCTASK_CLAUDE_BIN, claude.bin in config, PATH) from env and cwd. */
    claudeBin: z.string().min(1).nullable(),
    /** The caller's working directory, for relative entries of its PATH. */
    cwd: z.string().min(1).optional(),
    /** The caller's environment: the agent inherits it, minus cctask's own secrets. */
    env: z.record(z.string(), z.string()),
    /** Return the receipt only once claude's init line is seen (session id, model, auth). */
    waitInit: z.boolean().optional(),
    /** Launched from an OpenClaw session (--session): where to report and whom to wake. */
    openclaw: OpenClawRouteSchema.nullable().optional(),
    /** --session: resolved by the daemon into RunSpec.openclaw and delivery targets. */
    routing: RoutingPayloadSchema.nullable().optional(),
  })
  .strict();
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>;

/** POST /routing/validate: what --validate-only asks. */
export const ValidateRoutingSchema = z
  .object({
    routing: RoutingPayloadSchema,
    completionMode: z.enum(["single", "iterate"]),
    maxIterations: z.number().int().positive().nullable(),
    /** --notify targets given with --session. */
    notify: z.array(z.string()),
    allowOfflineDelivery: z.boolean(),
    /** The credentials in the launcher's environment, handed to the daemon as a launch does. */
    secrets: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type ValidateRoutingRequest = z.infer<typeof ValidateRoutingSchema>;

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

/** One entry of the original skill's ~/.openclaw/claude_sessions.json, normalised by the CLI. */
export const ImportEntrySchema = z
  .object({
    sessionId: z.string().min(1),
    label: z.string().nullable(),
    projectDir: z.string().min(1),
    taskSummary: z.string(),
    status: z.string().min(1),
    createdAt: z.number().int(),
    lastUsedAt: z.number().int(),
    origin: z.string().nullable(),
    outputFile: z.string().nullable(),
    costUsd: z.number().nullable(),
  })
  .strict();
export const ImportRequestSchema = z.object({ entries: z.array(ImportEntrySchema) }).strict();
export type ImportRequest = z.infer<typeof ImportRequestSchema>;
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

/** "routing": a routing refusal, printed verbatim (❌ Invalid routing: … / ❌ Unsafe routing blocked: …). */
export type ApiErrorKind = "usage" | "routing" | "not_found" | "unavailable" | "internal";
export interface ApiErrorBody {
  error: { kind: ApiErrorKind; message: string };
}
