/**
 * Where a run launched from an OpenClaw session reports about its wake: the route's own chat
 * (a Telegram chat or topic directly, any other channel through the gateway), else the run's
 * targets. And the original's trace markers (--trace-live) for that chat.
 */
import { basename } from "node:path";
import { routeTargets } from "../openclaw/routing/resolve.js";
import type { OpenClawRoute, WakePathName } from "../route.js";
import type { RunRow } from "../store/runs.js";

/** The chat the wake notices and trace markers go to: the route's own (as routing made it), else the run's targets. */
export function wakeTargets(row: RunRow): string[] {
  const route = row.spec.openclaw;
  const own = route ? routeTargets(route) : [];
  return own.length > 0 ? own : row.spec.notify;
}

/** The original's channel tag: [TELEGRAM], [WHATSAPP], …; [OPENCLAW] when the route names none. */
function channelTag(route: OpenClawRoute): string {
  return `[${(route.channel ?? "openclaw").toUpperCase()}]`;
}

const PATH_WORDS: Record<WakePathName, string> = {
  "openclaw-agent": "openclaw agent",
  "hooks-agent": "hooks/agent",
  "sessions-send": "sessions_send",
};

/** Fixed outbox sequence numbers, so each marker is posted at most once per run. */
export const TRACE_SEQ = { start: 1, complete: 2, skip: 3, wake: 10 } as const;

export interface TraceFacts {
  row: RunRow;
  route: OpenClawRoute;
  output: string;
}

export function startMarker(row: RunRow): [tag: string, text: string] {
  const mode = row.spec.completionMode;
  const limit = mode === "iterate" ? (row.spec.maxIterations ?? 1) : 1;
  return ["[RUN_TASK][START]", `project=${row.projectDir} mode=${mode} limit=${limit} run_id=${row.id}`];
}

export function completeMarker(f: TraceFacts, size: number, wakeId: string): [string, string] {
  return [
    "[RUN_TASK][COMPLETE]",
    `exit=${f.row.exitCode ?? "unknown"} output=${f.output} size=${size} run_id=${f.row.id} wake_id=${wakeId}`,
  ];
}

export function wakeMarker(f: TraceFacts, path: WakePathName, wakeId: string): [string, string] {
  return [
    `${channelTag(f.route)}[WAKE]`,
    `dispatching ${PATH_WORDS[path]} wake (project=${basename(f.row.projectDir)}, output=${f.output}, wake_id=${wakeId})`,
  ];
}

export function skipMarker(f: TraceFacts, wakeId: string): [string, string] {
  return [
    `${channelTag(f.route)}[WAKE][SKIP]`,
    `duplicate/stale wake ignored (project=${basename(f.row.projectDir)}, output=${f.output}, wake_id=${wakeId})`,
  ];
}
