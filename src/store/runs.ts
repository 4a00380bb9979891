/** Typed queries on the runs table. Every final transition goes through finishRunRow, once. */
import type { RunProgress } from "../agents/claude/progress.js";
import { type RunSpec, SPEC_DEFAULTS } from "../run-spec.js";
import type { ActiveState, Outcome, RunState, StopRequest } from "../run-state.js";
import type { Db } from "./db.js";

export interface RunRow {
  seq: number;
  id: string;
  state: RunState;
  reason: string | null;
  detail: string | null;
  apiErrorStatus: number | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  updatedAt: number;
  projectDir: string;
  taskSummary: string;
  spec: RunSpec;
  resumeId: string | null;
  sessionId: string | null;
  pid: number | null;
  pidStart: string | null;
  agentPid: number | null;
  progress: RunProgress | null;
  eventsOffset: number;
  stopRequest: StopRequest | null;
  stopRequestedAt: number | null;
  exitCode: number | null;
  silenceWarnedAt: number | null;
  notifyTokenHash: string | null;
}

interface RawRow {
  seq: number;
  id: string;
  state: string;
  reason: string | null;
  detail: string | null;
  api_error_status: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  updated_at: number;
  project_dir: string;
  task_summary: string;
  spec: string;
  resume_id: string | null;
  session_id: string | null;
  pid: number | null;
  pid_start: string | null;
  agent_pid: number | null;
  progress: string | null;
  events_offset: number;
  stop_request: string | null;
  stop_requested_at: number | null;
  exit_code: number | null;
  silence_warned_at: number | null;
  notify_token_hash: string | null;
}

function fromRaw(r: RawRow): RunRow {
  return {
    seq: r.seq,
    id: r.id,
    state: r.state as RunState,
    reason: r.reason,
    detail: r.detail,
    apiErrorStatus: r.api_error_status,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    updatedAt: r.updated_at,
    projectDir: r.project_dir,
    taskSummary: r.task_summary,
    spec: { ...SPEC_DEFAULTS, ...(JSON.parse(r.spec) as RunSpec) },
    resumeId: r.resume_id,
    sessionId: r.session_id,
    pid: r.pid,
    pidStart: r.pid_start,
    agentPid: r.agent_pid,
    progress: r.progress ? (JSON.parse(r.progress) as RunProgress) : null,
    eventsOffset: r.events_offset,
    stopRequest: r.stop_request as StopRequest | null,
    stopRequestedAt: r.stop_requested_at,
    exitCode: r.exit_code,
    silenceWarnedAt: r.silence_warned_at,
    notifyTokenHash: r.notify_token_hash,
  };
}

const ACTIVE = "('queued','starting','running')";

export function insertRun(
  db: Db,
  r: {
    id: string;
    projectDir: string;
    taskSummary: string;
    spec: RunSpec;
    notifyTokenHash: string | null;
    /** The launch's idempotency key (SubmitRequest.idempotencyKey), if it was sent one. */
    submitKey?: string | null;
    now: number;
  },
): RunRow {
  db.prepare(
    `INSERT INTO runs (id, state, created_at, updated_at, project_dir, task_summary, spec, resume_id, notify_token_hash, submit_key)
     VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.now,
    r.now,
    r.projectDir,
    r.taskSummary,
    JSON.stringify(r.spec),
    r.spec.resume,
    r.notifyTokenHash,
    r.submitKey ?? null,
  );
  return getRun(db, r.id)!;
}

/** The run a launch with this idempotency key started, if any. */
export function findRunBySubmitKey(db: Db, key: string): RunRow | null {
  const r = db.prepare("SELECT * FROM runs WHERE submit_key = ?").get(key) as RawRow | undefined;
  return r ? fromRaw(r) : null;
}

export function getRun(db: Db, id: string): RunRow | undefined {
  const raw = db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RawRow | undefined;
  return raw ? fromRaw(raw) : undefined;
}

/** Runs whose id starts with the given prefix (at most a few, for ambiguity messages). */
export function findRunsByPrefix(db: Db, prefix: string): RunRow[] {
  const rows = db
    .prepare("SELECT * FROM runs WHERE substr(id, 1, ?) = ? ORDER BY seq LIMIT 5")
    .all(prefix.length, prefix) as RawRow[];
  return rows.map(fromRaw);
}

export function listRuns(db: Db, opts: { limit: number; activeOnly: boolean }): RunRow[] {
  const where = opts.activeOnly ? `WHERE state IN ${ACTIVE}` : "";
  const rows = db
    .prepare(`SELECT * FROM (SELECT * FROM runs ${where} ORDER BY seq DESC LIMIT ?) ORDER BY seq`)
    .all(opts.limit) as RawRow[];
  return rows.map(fromRaw);
}

/** Runs that ended at or after `sinceMs` without any final notification row (oldest first). */
export function endedWithoutFinal(db: Db, sinceMs: number): RunRow[] {
  return (
    db
      .prepare(
        `SELECT * FROM runs r WHERE r.state NOT IN ${ACTIVE} AND r.ended_at >= ?
           AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.run_id = r.id AND n.kind = 'final')
         ORDER BY r.seq`,
      )
      .all(sinceMs) as RawRow[]
  ).map(fromRaw);
}

export function activeRuns(db: Db): RunRow[] {
  return (db.prepare(`SELECT * FROM runs WHERE state IN ${ACTIVE} ORDER BY seq`).all() as RawRow[]).map(
    fromRaw,
  );
}

export function countActive(db: Db): number {
  return (db.prepare(`SELECT count(*) AS n FROM runs WHERE state IN ${ACTIVE}`).get() as { n: number }).n;
}

export function markStarted(
  db: Db,
  id: string,
  p: { state: ActiveState; pid: number; pidStart: string | null; agentPid: number | null; now: number },
): void {
  db.prepare(
    `UPDATE runs SET state = ?, pid = ?, pid_start = ?, agent_pid = ?, started_at = coalesce(started_at, ?), updated_at = ?
     WHERE id = ? AND state IN ${ACTIVE}`,
  ).run(p.state, p.pid, p.pidStart, p.agentPid, p.now, p.now, id);
}

export function saveProgress(
  db: Db,
  id: string,
  p: { progress: RunProgress; offset: number; now: number },
): void {
  db.prepare(
    `UPDATE runs SET progress = ?, events_offset = ?, session_id = coalesce(?, session_id), cost_usd = ?, updated_at = ?
     WHERE id = ? AND state IN ${ACTIVE}`,
  ).run(JSON.stringify(p.progress), p.offset, p.progress.sessionId, p.progress.costUsd, p.now, id);
}

export function setAgentPid(db: Db, id: string, agentPid: number): void {
  db.prepare("UPDATE runs SET agent_pid = ? WHERE id = ?").run(agentPid, id);
}

/** Records why we are stopping a run; the first request wins (a cancel after a timeout stays a timeout). */
export function requestStop(db: Db, id: string, req: StopRequest, now: number): boolean {
  const r = db
    .prepare(
      `UPDATE runs SET stop_request = ?, stop_requested_at = ?, updated_at = ?
       WHERE id = ? AND stop_request IS NULL AND state IN ${ACTIVE}`,
    )
    .run(req, now, now, id);
  return r.changes === 1;
}

export function markSilenceWarned(db: Db, id: string, now: number): void {
  db.prepare("UPDATE runs SET silence_warned_at = ? WHERE id = ?").run(now, id);
}

/**
 * The one final transition. Returns false if the run had already ended, so a run can never get
 * two outcomes, whichever path (exit, reconcile, cancel of a queued run) gets there first.
 */
export function finishRunRow(
  db: Db,
  id: string,
  f: { outcome: Outcome; exitCode: number | null; progress: RunProgress | null; offset: number; now: number },
): boolean {
  const o = f.outcome;
  const reason = o.state === "failed" ? o.reason : null;
  const apiStatus = o.state === "failed" ? (o.apiErrorStatus ?? null) : null;
  const r = db
    .prepare(
      `UPDATE runs SET state = ?, reason = ?, detail = ?, api_error_status = ?, exit_code = ?,
              progress = coalesce(?, progress), events_offset = ?, session_id = coalesce(?, session_id),
              cost_usd = coalesce(?, cost_usd), ended_at = ?, updated_at = ?
       WHERE id = ? AND state IN ${ACTIVE}`,
    )
    .run(
      o.state,
      reason,
      o.detail ?? null,
      apiStatus,
      f.exitCode,
      f.progress ? JSON.stringify(f.progress) : null,
      f.offset,
      f.progress?.sessionId ?? null,
      f.progress?.costUsd ?? null,
      f.now,
      f.now,
      id,
    );
  return r.changes === 1;
}

/** Runs waiting for or holding a session (queued resumes included). */
export function activeRunsOnSession(db: Db, sessionId: string): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM runs WHERE state IN ${ACTIVE} AND (session_id = ? OR resume_id = ?)`,
      )
      .get(sessionId, sessionId) as { n: number }
  ).n;
}

export function runsOfSession(db: Db, sessionId: string): RunRow[] {
  return (
    db
      .prepare("SELECT * FROM runs WHERE session_id = ? OR resume_id = ? ORDER BY seq")
      .all(sessionId, sessionId) as RawRow[]
  ).map(fromRaw);
}
