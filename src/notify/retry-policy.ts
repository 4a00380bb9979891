/**
 * When to try a failed delivery again, as a pure function of the failure and the history.
 * Permanent refusals are final; 429 waits exactly what the service asked; 5xx and network
 * failures back off exponentially, up to a cap, until the notification is too old to matter;
 * an answer that may be for good (attemptsAllowed) is tried that many times in a row, then final.
 * The exponent counts only the consecutive failures of the same kind: a run of 429s (each already
 * waited out) does not make the first 500 after it wait as if it were the sixth.
 */
import type { DeliveryFailure } from "../notification.js";

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  giveUpAfterMs: number;
}

/** The first wait after an answer that does not say whether a retry can help (then doubled). */
export const BOUNDED_BASE_DELAY_MS = 10_000;

export type RetryDecision = { retry: true; atMs: number } | { retry: false; why: string };

/** Failures of the same kind share one backoff streak: the same HTTP status, or no answer at all. */
export function failureKind(failure: DeliveryFailure): string {
  return failure.kind === "remote" ? `status ${failure.status}` : "network";
}

/** The streak after `failure`, given the previous failure's kind and streak (if any). */
export function nextStreak(failure: DeliveryFailure, previous: { kind: string; streak: number } | undefined) {
  const kind = failureKind(failure);
  return { kind, streak: previous?.kind === kind ? previous.streak + 1 : 1 };
}

export function decideRetry(
  failure: DeliveryFailure,
  ctx: {
    /** Attempts so far, this one included (for the message when giving up). */
    attempts: number;
    /** Consecutive failures of this failure's kind, this one included (for the backoff). */
    streak: number;
    createdAtMs: number;
    nowMs: number;
    policy: RetryPolicy;
    jitter?: number;
  },
): RetryDecision {
  const fix = failure.kind === "remote" && failure.fix ? `. ${failure.fix}` : "";
  if (failure.kind === "remote" && failure.permanent)
    return { retry: false, why: `refused by the service (${failure.status}: ${failure.description})${fix}` };
  const { policy, nowMs } = ctx;
  const bounded = failure.kind === "remote" ? failure.attemptsAllowed : undefined;
  const what = failure.kind === "network" ? failure.message : `${failure.status}: ${failure.description}`;
  const giveUp = (): RetryDecision => ({
    retry: false,
    why: `gave up after ${ctx.attempts} attempt(s) over ${Math.round((nowMs - ctx.createdAtMs) / 1000)}s (last: ${what})${fix}`,
  });
  if (bounded !== undefined && ctx.streak >= bounded) return giveUp();
  let delay: number;
  if (failure.kind === "remote" && failure.retryAfterSeconds !== null) {
    delay = failure.retryAfterSeconds * 1000 + 50; // honour retry_after exactly, plus a hair
  } else {
    // An answer that may be for good is retried a few times, spread over a minute or less.
    const base = bounded !== undefined ? BOUNDED_BASE_DELAY_MS : policy.baseDelayMs;
    const exp = base * 2 ** Math.max(0, ctx.streak - 1);
    delay = Math.min(policy.maxDelayMs, exp) * (1 + (ctx.jitter ?? 0));
  }
  const at = nowMs + delay;
  if (at - ctx.createdAtMs > policy.giveUpAfterMs) return giveUp();
  return { retry: true, atMs: at };
}
