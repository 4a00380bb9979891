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
}

export const DEFAULT_PERMISSION_MODE = "bypassPermissions";
export const PERMISSION_MODES = ["bypassPermissions", "acceptEdits", "default", "plan", "dontAsk", "auto"] as const;
