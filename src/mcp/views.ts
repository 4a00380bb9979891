/** A run as MCP results show it: the daemon's view, with its id named runId like the tools' argument. */
import { readFileSync } from "node:fs";
import type { RunView } from "../protocol.js";
import { isFinal } from "../run-state.js";

export function runSummary(v: RunView): Record<string, unknown> {
  const { id, ...rest } = v;
  return { runId: id, ...rest };
}

/** The run's final text, or null when it wrote none (the file is there once the run has ended). */
export function readResultText(v: RunView): string | null {
  try {
    return readFileSync(v.files.result, "utf8");
  } catch {
    return null;
  }
}

/** One line: id, state (and reason), and what it is doing or how it ended. */
export function describeRun(v: RunView): string {
  const state = `${v.state}${v.reason ? ` (${v.reason})` : ""}`;
  const doing = isFinal(v.state) ? v.detail : (v.detail ?? v.lastActivity);
  return `run ${v.id}: ${state}${doing ? ` — ${doing}` : ""}`;
}
