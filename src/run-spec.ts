import type { OpenClawRoute } from "./route.js";

/** What a run was asked to do: fixed at submission, stored with the run as JSON. */
export interface RunSpec {
  projectDir: string; // absolute
  timeoutSeconds: number;
  resume: string | null; // Claude session id to continue
  sessionLabel: string | null;
  model: string | null;
  outputFile: string | null; // absolute; the final text is also written there
  maxBudgetUsd: number | null;
  permissionMode: string; // "bypassPermissions" means --dangerously-skip-permissions
  extraArgs: string[]; // passed to claude after ours
  claudeBin: string; // absolute path, resolved with the caller's PATH
  includePartialMessages: boolean;
  completionMode: "single" | "iterate";
  /** Iterate mode: this run's place in the session's chain, and the chain's budget. */
  iteration: number | null;
  maxIterations: number | null;
  /** Set when a long resume prompt was shortened: the original length in characters. */
  promptShortenedFrom: number | null;
  /** Canonical delivery targets (see notify/targets.ts). */
  notify: string[];
  heartbeatMode: "edit" | "post";
  /** The caller's umask: the agent writes the user's project with it. */
  umask: number;
  /** Set when launched with --session: where to report and whom to wake (route.ts). */
  openclaw: OpenClawRoute | null;
}

/** Fields added after the first schema: stored specs without them read as these. */
export const SPEC_DEFAULTS = {
  completionMode: "single",
  iteration: null,
  maxIterations: null,
  promptShortenedFrom: null,
  notify: [] as string[],
  heartbeatMode: "edit",
  umask: 0o022,
  openclaw: null,
} as const satisfies Partial<RunSpec>;

export const DEFAULT_PERMISSION_MODE = "bypassPermissions";
export const PERMISSION_MODES = [
  "bypassPermissions",
  "acceptEdits",
  "default",
  "plan",
  "dontAsk",
  "auto",
] as const;
