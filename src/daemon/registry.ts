/**
 * Keeps the session registry in step with runs: a session is recorded as soon as the run's init
 * line names it (not only at the end), and its status follows the run's outcome.
 */
import type { FinalState } from "../run-state.js";
import type { RunRow } from "../store/runs.js";
import { cleanupSessions, setSessionStatus, touchSessionForRun } from "../store/sessions.js";
import type { DaemonContext } from "./context.js";
import { publish } from "./publish.js";

const STATUS_OF: Record<FinalState, string> = {
  succeeded: "completed",
  failed: "failed",
  timed_out: "timeout",
  cancelled: "cancelled",
  interrupted: "interrupted",
};

export function recordSessionSeen(ctx: DaemonContext, row: RunRow, sessionId: string): void {
  touchSessionForRun(ctx.db, {
    sessionId,
    label: row.spec.sessionLabel,
    projectDir: row.spec.projectDir,
    taskSummary: row.taskSummary,
    origin: null,
    outputFile: row.spec.outputFile,
    completionMode: row.spec.completionMode,
    maxIterations: row.spec.maxIterations,
    iteration: row.spec.iteration,
    now: Date.now(),
  });
  ctx.log.info(`run ${row.id}: session ${sessionId} recorded`);
  publish(ctx, { type: "run.session", runId: row.id, sessionId });
  publish(ctx, { type: "session", runId: row.id, sessionId, change: "seen", status: "running" });
}

export function recordSessionEnded(
  ctx: DaemonContext,
  f: { runId: string; sessionId: string; state: FinalState },
): void {
  setSessionStatus(ctx.db, f.sessionId, STATUS_OF[f.state], Date.now());
  publish(ctx, {
    type: "session",
    runId: f.runId,
    sessionId: f.sessionId,
    change: "ended",
    status: STATUS_OF[f.state],
  });
}

export function cleanupRegistry(ctx: DaemonContext): void {
  const days = ctx.config.sessions.retentionDays;
  const removed = cleanupSessions(ctx.db, Date.now() - days * 86_400_000);
  if (removed > 0) ctx.log.info(`sessions: removed ${removed} entr(ies) unused for more than ${days} days`);
}
