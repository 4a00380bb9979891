/** One readable line per event, for `cctask events` (--json prints the events themselves). */
import type { CctaskEvent } from "../events.js";
import { escapeControl } from "../text.js";
import { formatCost } from "./format.js";

export function formatEvent(e: CctaskEvent): string {
  const time = e.at.slice(11, 19);
  return `${time} #${e.id} ${describe(e)}`;
}

function describe(e: CctaskEvent): string {
  const run = e.runId ? `run ${e.runId}` : "";
  switch (e.type) {
    case "run.state":
      return `${run} ${e.state}${e.task ? `: ${escapeControl(oneLine(e.task))}` : ""}`;
    case "run.progress":
      return (
        `${run} progress: ${e.toolCalls} tool call(s), ${e.filesWritten} file(s) written, ${formatCost(e.costUsd)}` +
        (e.lastActivity ? ` — ${escapeControl(oneLine(e.lastActivity))}` : "")
      );
    case "run.session":
      return `${run} session ${e.sessionId}`;
    case "run.ended":
      return (
        `${run} ended ${e.state}${e.reason ? ` (${e.reason})` : ""}` +
        (e.detail ? ` — ${escapeControl(oneLine(e.detail))}` : "")
      );
    case "agent.update":
      return `${run} update: ${escapeControl(oneLine(e.text))}`;
    case "notification":
      return (
        `${run} ${e.kind} to ${escapeControl(e.target)}: ${e.outcome}` +
        (e.retryAt ? ` (next try ${e.retryAt.slice(11, 19)})` : "") +
        (e.detail ? ` — ${escapeControl(oneLine(e.detail))}` : "")
      );
    case "wake":
      return (
        `${run} wake of ${escapeControl(e.sessionKey)}${e.path ? ` via ${e.path}` : ""}: ${e.outcome}` +
        (e.detail ? ` — ${escapeControl(oneLine(e.detail))}` : "")
      );
    case "session":
      return `session ${e.sessionId} ${e.change}${e.status ? ` (${e.status})` : ""}${e.runId ? `, run ${e.runId}` : ""}`;
    default:
      return unknownType(e);
  }
}

function unknownType(e: never): string {
  return `event ${(e as { type: string }).type}`;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
