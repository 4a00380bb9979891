/**
 * The states a run moves through, as data. Each variant carries only what is valid in it.
 * queued → starting → running → succeeded | failed | timed_out | cancelled | interrupted
 */

export type FailureReason =
  | "agent_error" // the agent reported is_error (not an API error)
  | "api_error" // the Messages API refused after retries; carries the HTTP status when known
  | "resume_not_found" // --resume named a session the agent could not find
  | "crashed" // no result line, and a non-zero exit or a signal we did not send
  | "spawn_failed" // the agent could not be started, or refused to start
  | "budget_exceeded" // --max-budget-usd was reached
  | "stalled" // the silence watchdog killed a run that printed nothing for too long
  | "not_logged_in"; // claude has no credentials: no login and no ANTHROPIC_API_KEY

export type StopRequest = "timeout" | "cancel" | "post_result_limbo" | "silence";

export type Outcome =
  | { state: "succeeded"; detail?: string }
  | { state: "failed"; reason: FailureReason; detail: string; apiErrorStatus?: number | null }
  | { state: "timed_out"; detail: string }
  | { state: "cancelled"; detail: string }
  | { state: "interrupted"; detail: string };

export type FinalState = Outcome["state"];
export type ActiveState = "queued" | "starting" | "running";
export type RunState = ActiveState | FinalState;

export const FINAL_STATES: readonly FinalState[] = [
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
  "interrupted",
];

/** One icon per state, in the terminal and in every notification; a new state must name its own. */
export const STATE_ICONS: Record<RunState, string> = {
  queued: "⏳",
  starting: "🚀",
  running: "🟢",
  succeeded: "✅",
  failed: "❌",
  timed_out: "⏰",
  cancelled: "🛑",
  interrupted: "💥",
};

export function isFinal(state: RunState): state is FinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}

/** How the agent process ended, as recorded by the wrapper (exit file) or seen by the daemon. */
export type ExitInfo =
  | { kind: "code"; code: number } // 128+N from the wrapper means signal N
  | { kind: "unknown" }; // the process is gone and no exit status was recorded

/** The same outcome, with a note added to what it says. */
export function withNote(outcome: Outcome, note: string): Outcome {
  const detail = outcome.detail ? `${outcome.detail} (${note})` : note;
  return { ...outcome, detail } as Outcome;
}
