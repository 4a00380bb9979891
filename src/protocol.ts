/**
 * The local API between the CLI and the daemon: HTTP over a unix socket in the 0700 state
 * directory (the socket is 0600, so only the owner can talk to it). Bodies are JSON.
 *   POST /runs               SubmitRequest → RunView (the launch receipt)
 *   GET  /runs?all=1&limit=N → RunView[]
 *   GET  /runs/:id           → RunView (id or unique prefix)
 *   GET  /runs/:id/wait?timeoutMs=N → RunView (returns when the run has ended or on timeout)
 *   POST /runs/:id/cancel    → RunView
 *   GET  /health             → Health
 *   POST /shutdown           → Health
 * Errors: { error: { kind, message } } with 400 (usage), 404 (not found), 500 (internal).
 */
import { z } from "zod";
import type { RunState } from "./run-state.js";

export const SubmitRequestSchema = z
  .object({
    task: z.string().min(1),
    projectDir: z.string().min(1),
    createProject: z.boolean(),
    timeoutSeconds: z.number().positive().nullable(),
    resume: z.string().min(1).nullable(),
    sessionLabel: z.string().nullable(),
    model: z.string().min(1).nullable(),
    outputFile: z.string().min(1).nullable(),
    maxBudgetUsd: z.number().positive().nullable(),
    permissionMode: z.string().min(1),
    extraArgs: z.array(z.string()),
    claudeBin: z.string().min(1),
    /** The caller's environment: the agent inherits it, minus cctask's own secrets. */
    env: z.record(z.string(), z.string()),
  })
  .strict();
export type SubmitRequest = z.infer<typeof SubmitRequestSchema>;

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
}

export interface Health {
  pid: number;
  version: string;
  stateDir: string;
  startedAt: string;
  activeRuns: number;
  maxConcurrent: number;
}

export type ApiErrorKind = "usage" | "not_found" | "internal";
export interface ApiErrorBody {
  error: { kind: ApiErrorKind; message: string };
}
