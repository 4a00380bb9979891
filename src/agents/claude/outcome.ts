import { type ExitInfo, type Outcome, type StopRequest, withNote } from "../../run-state.js";
import { ROOT_REFUSAL } from "./command.js";
import {
  describeApiError,
  describeExit,
  isNotLoggedIn,
  isRootRefusal,
  isUsageLimitBanner,
  lastLine,
  resumeFailure,
} from "./diagnose.js";
import type { ResultSummary, RunProgress } from "./progress.js";

export { extractFinalText } from "./final-text.js";

export interface OutcomeInput {
  progress: RunProgress;
  exit: ExitInfo;
  /** Why cctask stopped the process, if it did. */
  stopRequest: StopRequest | null;
  stderrTail: string;
  resumeRequested: boolean;
  timeoutSeconds?: number;
}

/**
 * How a run ended (claude-code-headless §7). Our own stop wins over the exit code (143/137
 * after our SIGTERM/SIGKILL is not a crash); otherwise the LAST result line decides, and only
 * without one do exit status and stderr speak.
 */
export function classifyOutcome(input: OutcomeInput): Outcome {
  const { progress, exit, stopRequest } = input;
  const last = progress.results[progress.results.length - 1];
  // The work was done before we stopped it (a result, nothing left running): the result decides.
  const answered = last !== undefined && !last.isError && progress.activeSubagents.length === 0;
  if (answered && (stopRequest === "cancel" || stopRequest === "timeout"))
    return withNote(classifyResult(last, input), `the process was stopped (${stopRequest}) after its result`);
  switch (stopRequest) {
    case "cancel":
      return { state: "cancelled", detail: "cancelled on request; the partial output is kept" };
    case "timeout":
      return { state: "timed_out", detail: describeTimeout(input.timeoutSeconds) };
    case "silence":
      return {
        state: "failed",
        reason: "stalled",
        detail: "the agent printed nothing for too long and was stopped by the silence watchdog",
      };
    case "post_result_limbo":
      if (last) return withNote(classifyResult(last, input), "the process was terminated after its result");
      break;
    case null:
      break;
  }
  if (last) return classifyResult(last, input);
  return classifyWithoutResult(exit, input);
}

function classifyResult(r: ResultSummary, input: OutcomeInput): Outcome {
  const errorText = r.text || r.errors.join("\n");
  if (!r.isError) {
    // Usage-limit banners come back as successful results on some versions.
    if (r.text !== null && isUsageLimitBanner(r.text)) return apiError(429, `usage limit reached: ${r.text}`);
    return { state: "succeeded" };
  }
  // A resume failure has no init and no turn; its reason is in errors[] (and on stderr).
  const noInit = input.progress.initCount === 0;
  const resume = resumeFailure(errorText) ?? (noInit ? resumeFailure(input.stderrTail) : null);
  if (resume && (noInit || (input.resumeRequested && r.numTurns === 0))) return resumeNotFound(resume);
  if (isNotLoggedIn(errorText)) return notLoggedIn(errorText);
  if (r.apiErrorStatus !== null || r.terminalReason === "api_error") {
    return apiError(r.apiErrorStatus, `${describeApiError(r.apiErrorStatus)}: ${errorText || "no message"}`);
  }
  if (r.subtype === "error_max_budget_usd") {
    return {
      state: "failed",
      reason: "budget_exceeded",
      detail: `the --max-budget-usd limit was reached${suffix(errorText)}`,
    };
  }
  if (isUsageLimitBanner(errorText)) return apiError(429, `usage limit reached: ${errorText}`);
  const what = r.subtype === "success" ? "the agent reported an error" : `the agent ended with ${r.subtype}`;
  return { state: "failed", reason: "agent_error", detail: `${what}${suffix(errorText)}` };
}

function classifyWithoutResult(exit: ExitInfo, input: OutcomeInput): Outcome {
  const stderr = input.stderrTail;
  if (isRootRefusal(stderr)) {
    return {
      state: "failed",
      reason: "spawn_failed",
      detail: ROOT_REFUSAL,
    };
  }
  const resume = resumeFailure(stderr);
  if (resume) return resumeNotFound(resume);
  if (exit.kind === "unknown") {
    return { state: "interrupted", detail: "the agent process disappeared without recording an exit status" };
  }
  const stderrLine = lastLine(stderr);
  const tail = stderrLine ? `; last stderr line: ${stderrLine}` : "";
  if (exit.code === 0)
    return { state: "failed", reason: "crashed", detail: `the agent exited without a result line${tail}` };
  return {
    state: "failed",
    reason: "crashed",
    detail: `the agent ${describeExit(exit.code)} without a result line${tail}`,
  };
}

function apiError(status: number | null, detail: string): Outcome {
  return { state: "failed", reason: "api_error", apiErrorStatus: status, detail };
}

function notLoggedIn(message: string): Outcome {
  return {
    state: "failed",
    reason: "not_logged_in",
    detail: `claude is not logged in (it said: ${lastLine(message)}). Log in once by running claude and then /login, as the user cctask runs as, or set ANTHROPIC_API_KEY in the environment you run cctask from`,
  };
}

function resumeNotFound(message: string): Outcome {
  return {
    state: "failed",
    reason: "resume_not_found",
    detail: `the session to resume was not found (${message}). Start a fresh run without --resume, or check the session id and resume from the project directory it was recorded in`,
  };
}

function describeTimeout(seconds: number | undefined): string {
  const limit = seconds === undefined ? "its time limit" : `the ${formatSeconds(seconds)} time limit`;
  return `stopped after reaching ${limit}; the partial output is kept`;
}

function formatSeconds(s: number): string {
  if (s % 3600 === 0 && s >= 3600) return `${s / 3600} h`;
  if (s % 60 === 0 && s >= 60) return `${s / 60} min`;
  return `${s} s`;
}

function suffix(text: string): string {
  return text ? `: ${text}` : "";
}
