/**
 * The daemon's live event stream (GET /events): every change it makes, as one typed event with a
 * monotonically increasing id. Plain types (no zod): the CLI checks what it reads with isEvent.
 *
 *   run.state     a run was queued, or started (queued | starting | running)
 *   run.progress  the agent did something (at most one per run per second)
 *   run.session   the agent's init line named the run's Claude session
 *   run.ended     the run's outcome is stored: this, and nothing else, is the end of a run
 *   agent.update  the agent posted an update with `cctask notify`
 *   notification  a notification was sent, will be retried, failed for good, or may have arrived
 *   wake          the OpenClaw session that launched the run was woken, or could not be
 *   session       the session registry changed (a run's session seen or ended, labelled, forgotten)
 */
import type { ActiveState, FailureReason, FinalState } from "./run-state.js";

export type EventBody =
  | { type: "run.state"; runId: string; state: ActiveState; task: string | null; projectDir: string | null }
  | {
      type: "run.progress";
      runId: string;
      toolCalls: number;
      lastActivity: string | null;
      costUsd: number | null;
      filesWritten: number;
      activeSubagents: number;
      results: number;
    }
  | { type: "run.session"; runId: string; sessionId: string }
  | {
      type: "run.ended";
      runId: string;
      state: FinalState;
      reason: FailureReason | null;
      detail: string | null;
      exitCode: number | null;
    }
  | { type: "agent.update"; runId: string; text: string }
  | {
      type: "notification";
      runId: string;
      notificationId: number;
      kind: string;
      target: string;
      outcome: NotificationOutcome;
      detail: string | null;
      /** When the next attempt is due (outcome "retrying"), ISO 8601. */
      retryAt: string | null;
    }
  | {
      type: "wake";
      runId: string;
      wakeId: string;
      sessionKey: string;
      outcome: "woken" | "failed" | "uncertain";
      path: string | null;
      detail: string | null;
    }
  | {
      type: "session";
      runId: string | null;
      sessionId: string;
      change: "seen" | "ended" | "labelled" | "forgotten";
      status: string | null;
    };

/** The daemon writes a comment line at least this often; a client that hears nothing for 3× as long reconnects. */
export const EVENTS_HEARTBEAT_MS = 15_000;
/** Response header of GET /events: the id the stream starts after (to resume from, if it drops before any event). */
export const EVENTS_AFTER_HEADER = "cctask-events-after";

export type NotificationOutcome = "sent" | "retrying" | "failed" | "uncertain";
export type EventType = EventBody["type"];

/** One event as stored and streamed: the body, its id, and when it happened (ISO 8601). */
export type CctaskEvent = EventBody & { id: number; at: string };

export const EVENT_TYPES: readonly EventType[] = [
  "run.state",
  "run.progress",
  "run.session",
  "run.ended",
  "agent.update",
  "notification",
  "wake",
  "session",
];

/** A hand-written check of what came over the wire: the envelope, and the type is one we know. */
export function isEvent(v: unknown): v is CctaskEvent {
  if (typeof v !== "object" || v === null) return false;
  const e = v as Record<string, unknown>;
  return (
    Number.isSafeInteger(e.id) &&
    (e.id as number) > 0 &&
    typeof e.at === "string" &&
    typeof e.type === "string" &&
    (EVENT_TYPES as readonly string[]).includes(e.type) &&
    (e.runId === null || typeof e.runId === "string" || e.runId === undefined)
  );
}

/** The run an event is about, if any. */
export function runOf(e: EventBody): string | null {
  return e.runId ?? null;
}
