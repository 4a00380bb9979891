/**
 * What each notification says, from a RunView, independent of channel. The original's messages
 * are the baseline (seed-behaviour §7); channels escape and lay them out.
 */

import type { NotificationContent } from "../notification.js";
import type { RunView } from "../protocol.js";
import { STATE_ICONS } from "../run-state.js";
import { escapeControl } from "../text.js";
import { formatCost, formatDuration, formatTokens } from "../units.js";

const PROMPT_PREVIEW = 3500;

function base(v: RunView): [string, string][] {
  const f: [string, string][] = [["Run", v.id]];
  if (v.label) f.push(["Label", escapeControl(v.label)]);
  f.push(["Project", escapeControl(v.projectDir)]);
  return f;
}

function iteration(v: RunView): [string, string][] {
  if (v.completionMode !== "iterate" || v.iteration === null) return [];
  const left = (v.maxIterations ?? v.iteration) - v.iteration;
  return [["Iteration", `${v.iteration} of ${v.maxIterations} (${left} left)`]];
}

export function launchMessage(v: RunView, task: string): NotificationContent {
  const fields = base(v);
  fields.push(
    ["Timeout", formatDuration(v.timeoutSeconds)],
    ["Resume", v.resume ?? "new session"],
    ...iteration(v),
  );
  if (v.pid !== null) fields.push(["PID", String(v.pid)]);
  const preview = task.length > PROMPT_PREVIEW ? `${task.slice(0, PROMPT_PREVIEW)}…` : task;
  return {
    kind: "launch",
    icon: "🚀",
    title: "Claude Code started",
    fields,
    quote: { label: "Prompt", text: preview },
    footer: null,
    line: `🚀 Claude Code started: run ${v.id} in ${escapeControl(v.projectDir)}`,
    silent: true,
  };
}

/** What claude's init line said about itself (known from the 📝 message on, not at 🚀). */
function agentFacts(v: RunView): [string, string][] {
  const facts: [string, string][] = [];
  if (v.model) facts.push(["Model", v.model]);
  if (v.apiKeySource) facts.push(["Auth", v.apiKeySource]);
  if (v.claudeVersion) facts.push(["Claude Code", v.claudeVersion]);
  return facts;
}

export function sessionMessage(v: RunView, sessionId: string): NotificationContent {
  return {
    kind: "session",
    icon: "📝",
    title: `Session: ${sessionId}`,
    fields: [["Run", v.id], ...agentFacts(v), ["Resume with", `cctask run --resume ${sessionId}`]],
    quote: null,
    footer: null,
    line: `📝 Session: ${sessionId} (run ${v.id})`,
    silent: true,
  };
}

/** 🟢 active within 30 s, 🟡 within 120 s, 🔴 quieter than that (the original's colours). */
export function idleDot(silentSeconds: number | null): string {
  const s = silentSeconds ?? 0;
  return s < 30 ? "🟢" : s < 120 ? "🟡" : "🔴";
}

export function heartbeatMessage(v: RunView): NotificationContent {
  const dot = idleDot(v.silentSeconds);
  const tokens = v.tokens.input + v.tokens.output;
  const activity =
    (v.silentSeconds ?? 0) > 120 ? `🧠 Thinking... (${v.silentSeconds}s)` : (v.lastActivity ?? "");
  const parts = [
    `📡 ${dot} CC (${Math.floor((v.elapsedSeconds ?? 0) / 60)}min)`,
    `sub:${v.activeSubagents.length}`,
  ];
  if (tokens > 0) parts.push(`${formatTokens(tokens)} tok`);
  if (v.costUsd !== null) parts.push(formatCost(v.costUsd));
  if (v.toolCalls > 0) parts.push(`${v.toolCalls} calls`);
  if (activity) parts.push(activity);
  const fields: [string, string][] = [
    ["Run", v.id],
    ["Elapsed", formatDuration(v.elapsedSeconds)],
    ["Subagents", String(v.activeSubagents.length)],
    ["Tokens", formatTokens(tokens)],
    ["Cost", formatCost(v.costUsd)],
    ["Tool calls", String(v.toolCalls)],
  ];
  if (activity) fields.push(["Activity", activity]);
  return {
    kind: "heartbeat",
    icon: "📡",
    title: `${dot} Claude Code working`,
    fields,
    quote: null,
    footer: null,
    line: parts.join(" | "),
    silent: true,
  };
}

export function updateMessage(v: RunView, text: string): NotificationContent {
  return {
    kind: "update",
    icon: "📡",
    title: "Update from Claude Code",
    fields: [["Run", v.id]],
    quote: { label: "Message", text },
    footer: null,
    line: `📡 🟢 CC: ${text}`,
    silent: true,
  };
}

export function finalTitle(v: RunView): string {
  switch (v.state) {
    case "succeeded":
      return "Claude Code task complete!";
    case "failed":
      return v.reason === "resume_not_found"
        ? "Claude Code resume failed"
        : `Claude Code failed (${v.reason}${v.apiErrorStatus ? ` ${v.apiErrorStatus}` : ""})`;
    case "timed_out":
      return `Claude Code timed out after ${formatDuration(v.elapsedSeconds)} (limit: ${formatDuration(v.timeoutSeconds)})`;
    case "cancelled":
      return "Claude Code cancelled";
    case "interrupted":
      return "Claude Code interrupted";
    default:
      return `Claude Code ${v.state}`;
  }
}

export function finalMessage(v: RunView, result: string, opts: { silent: boolean }): NotificationContent {
  const fields = base(v);
  fields.push(["Elapsed", formatDuration(v.elapsedSeconds)], ["Tool calls", String(v.toolCalls)]);
  const tokens = v.tokens.input + v.tokens.output;
  if (tokens > 0) fields.push(["Tokens", formatTokens(tokens)]);
  if (v.costUsd !== null) fields.push(["Cost", formatCost(v.costUsd)]);
  if (v.sessionId) fields.push(["Session", v.sessionId]);
  fields.push(...iteration(v));
  if (v.state !== "succeeded" && v.detail) fields.push(["Why", v.detail]);
  if (v.reason === "resume_not_found") fields.push(["Suggestion", "Start a fresh session without --resume."]);
  const partial = v.state === "timed_out" || v.state === "cancelled" || v.state === "interrupted";
  const icon = STATE_ICONS[v.state];
  return {
    kind: "final",
    icon,
    title: finalTitle(v),
    fields,
    quote: { label: `${partial ? "Partial result" : "Result"} (${result.length} chars)`, text: result },
    footer: `Full result: ${escapeControl(v.files.output ?? v.files.result)}`,
    line: `${icon} ${finalTitle(v)}: run ${v.id}${v.detail && v.state !== "succeeded" ? ` — ${v.detail}` : ""}`,
    silent: opts.silent,
  };
}
