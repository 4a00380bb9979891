/** RunRow (+ live progress) → RunView, the shape every client sees. Times are ISO 8601 with offset. */
import { emptyProgress } from "../agents/claude/fold.js";
import type { RunProgress } from "../agents/claude/progress.js";
import type { NotificationView, RunView, SessionView, WakeView } from "../protocol.js";
import { isFinal } from "../run-state.js";
import { failedTargetsOfRun, type NotificationRow } from "../store/notifications.js";
import type { RunRow } from "../store/runs.js";
import type { SessionRow } from "../store/sessions.js";
import { getWakeOfRun } from "../store/wakes.js";
import { type DaemonContext, runDir, runFile } from "./context.js";

export function isoTime(ms: number | null): string | null {
  if (ms === null) return null;
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:` +
    `${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}${sign}${pad(off / 60)}:${pad(off % 60)}`
  );
}

export function toRunView(ctx: DaemonContext, row: RunRow, live?: RunProgress): RunView {
  const p = live ?? row.progress ?? emptyProgress();
  const now = Date.now();
  const end = isFinal(row.state) ? (row.endedAt ?? now) : now;
  const active = !isFinal(row.state) && row.state !== "queued";
  return {
    id: row.id,
    state: row.state,
    reason: row.reason,
    detail: row.detail,
    apiErrorStatus: row.apiErrorStatus,
    exitCode: row.exitCode,
    createdAt: isoTime(row.createdAt)!,
    startedAt: isoTime(row.startedAt),
    endedAt: isoTime(row.endedAt),
    elapsedSeconds: row.startedAt === null ? null : Math.max(0, Math.round((end - row.startedAt) / 100) / 10),
    timeoutSeconds: row.spec.timeoutSeconds,
    projectDir: row.projectDir,
    task: row.taskSummary,
    label: row.spec.sessionLabel,
    resume: row.spec.resume,
    sessionId: p.sessionId ?? row.sessionId,
    completionMode: row.spec.completionMode,
    iteration: row.spec.iteration,
    maxIterations: row.spec.maxIterations,
    promptShortenedFrom: row.spec.promptShortenedFrom,
    notify: row.spec.notify,
    deliveryFailures: row.spec.notify.length ? failedTargetsOfRun(ctx.db, row.id) : [],
    pid: row.agentPid,
    processGroup: row.pid,
    model: p.model,
    apiKeySource: p.apiKeySource,
    claudeVersion: p.claudeVersion,
    tokens: p.tokens,
    costUsd: p.costUsd,
    toolCalls: p.toolCalls,
    lastActivity: p.lastActivity,
    lastEventAt: isoTime(p.lastEventAt),
    silentSeconds: active ? Math.round((now - (p.lastEventAt ?? row.startedAt ?? now)) / 1000) : null,
    activeSubagents: p.activeSubagents.map((s) => ({ id: s.id, description: s.description })),
    filesWritten: p.filesWrittenCount,
    results: p.results.length,
    malformedLines: p.malformedLines,
    files: {
      dir: runDir(ctx, row.id),
      prompt: runFile(ctx, row.id, "prompt"),
      events: runFile(ctx, row.id, "events"),
      stderr: runFile(ctx, row.id, "stderr"),
      result: runFile(ctx, row.id, "result"),
      output: row.spec.outputFile,
    },
    wake: wakeView(ctx, row),
  };
}

function wakeView(ctx: DaemonContext, row: RunRow): WakeView | null {
  const route = row.spec.openclaw;
  if (!route) return null;
  const w = getWakeOfRun(ctx.db, row.id);
  if (!w)
    return {
      id: null,
      state: "pending",
      sessionKey: route.wakeKey,
      path: null,
      detail: null,
      attempts: [],
      doneAt: null,
    };
  return {
    id: w.id,
    state: w.state,
    sessionKey: w.sessionKey,
    path: w.path,
    detail: w.detail,
    attempts: w.attempts.map((a) => ({ path: a.path, outcome: a.outcome, detail: a.detail })),
    doneAt: isoTime(w.doneAt),
  };
}

export function toSessionView(s: SessionRow): SessionView {
  return {
    sessionId: s.sessionId,
    label: s.label,
    projectDir: s.projectDir,
    task: s.taskSummary,
    status: s.status,
    runs: s.runs,
    costUsd: s.costUsd,
    createdAt: isoTime(s.createdAt)!,
    lastUsedAt: isoTime(s.lastUsedAt)!,
    completionMode: s.completionMode,
    iterations: s.iterations,
    maxIterations: s.maxIterations,
    origin: s.origin,
    outputFile: s.outputFile,
    imported: s.importedAt !== null,
  };
}

export function toNotificationView(n: NotificationRow): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    target: n.target,
    state: n.state,
    attempts: n.attempts,
    createdAt: isoTime(n.createdAt)!,
    deliveredAt: isoTime(n.deliveredAt),
    remoteId: n.remoteId,
    error: n.lastError,
    line: n.content.line,
  };
}
