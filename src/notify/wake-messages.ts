/**
 * What the chat sees about the wake: the original's `[TRACE][TECH]…` markers (--trace-live,
 * seed-behaviour.md §7.9) and a visible notice when the agent could not be woken, or may not have
 * been, saying where the result is.
 */
import type { NotificationContent } from "../notification.js";

export function traceMessage(tag: string, text: string): NotificationContent {
  const line = `[TRACE][TECH]${tag} ${text}`;
  return { kind: "trace", icon: "", title: line, fields: [], quote: null, footer: null, line, silent: true };
}

export interface WakeNoticeInput {
  runId: string;
  wakeId: string;
  sessionKey: string;
  /** failed: no path woke the agent; uncertain: one may have, and it was not repeated. */
  state: "failed" | "uncertain";
  /** Each path and what happened (or why it was not used). */
  reasons: string[];
  resultPath: string;
}

export function wakeNoticeMessage(n: WakeNoticeInput): NotificationContent {
  const failed = n.state === "failed";
  const title = failed
    ? "The OpenClaw agent could not be woken"
    : "The OpenClaw agent may not have been woken";
  const next = failed
    ? "Read the result there, or ask the agent to read it."
    : "It was not woken again, to avoid a second wake; if it does not answer, ask it to read the result.";
  return {
    kind: "wake",
    icon: "⚠️",
    title,
    fields: [
      ["Run", n.runId],
      ["Session", n.sessionKey],
      ["Wake", n.wakeId],
      ...n.reasons.map((r, i): [string, string] => [`Path ${i + 1}`, r]),
      ["Next", next],
    ],
    quote: null,
    footer: `Result: ${n.resultPath}`,
    line: `⚠️ ${title} (session ${n.sessionKey}, run ${n.runId}); the result is in ${n.resultPath}`,
    silent: false,
  };
}
