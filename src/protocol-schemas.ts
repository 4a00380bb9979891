/**
 * The checks the daemon runs on the JSON bodies it is sent (the CLI's values are never trusted);
 * the request types of protocol.ts are what these accept. Kept apart from protocol.ts so that the
 * CLI, which imports the route table at run time, never loads zod.
 */

import { z } from "zod";
import type { OpenClawRoute } from "./route.js";

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
    /**
     * Random, one per launch: the same key again (a retry after a reset connection) is answered
     * with the run the first one started, never a second run.
     */
    idempotencyKey: z
      .string()
      .regex(/^[0-9A-Za-z_-]{16,128}$/, "16 to 128 letters, digits, - or _")
      .optional(),
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
