/**
 * The registry of Claude sessions: one row per session id, written in transactions by the daemon
 * only. Run counts and costs are not stored here but summed from the runs that used the session.
 */
import type { Db } from "./db.js";

export type CompletionMode = "single" | "iterate";

export interface SessionRow {
  sessionId: string;
  label: string | null;
  projectDir: string;
  taskSummary: string;
  status: string; // running | completed | failed | timeout | cancelled | interrupted
  createdAt: number;
  lastUsedAt: number;
  origin: string | null;
  outputFile: string | null;
  completionMode: CompletionMode;
  maxIterations: number | null;
  iterations: number;
  importedCostUsd: number | null;
  importedAt: number | null;
  /** Derived: runs recorded with this session, and the sum of their own costs. */
  runs: number;
  costUsd: number | null;
}

interface RawSession {
  session_id: string;
  label: string | null;
  project_dir: string;
  task_summary: string;
  status: string;
  created_at: number;
  last_used_at: number;
  origin: string | null;
  output_file: string | null;
  completion_mode: string;
  max_iterations: number | null;
  iterations: number;
  imported_cost_usd: number | null;
  imported_at: number | null;
  runs: number;
  cost_usd: number | null;
}

const SELECT = `SELECT s.*,
  (SELECT count(*) FROM runs r WHERE r.session_id = s.session_id) AS runs,
  (SELECT sum(r.cost_usd) FROM runs r WHERE r.session_id = s.session_id) AS cost_usd
  FROM sessions s`;

function fromRaw(r: RawSession): SessionRow {
  const own = r.cost_usd;
  const imported = r.imported_cost_usd;
  return {
    sessionId: r.session_id,
    label: r.label,
    projectDir: r.project_dir,
    taskSummary: r.task_summary,
    status: r.status,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    origin: r.origin,
    outputFile: r.output_file,
    completionMode: r.completion_mode === "iterate" ? "iterate" : "single",
    maxIterations: r.max_iterations,
    iterations: r.iterations,
    importedCostUsd: imported,
    importedAt: r.imported_at,
    runs: r.runs,
    costUsd: own === null && imported === null ? null : (own ?? 0) + (imported ?? 0),
  };
}

export function getSession(db: Db, id: string): SessionRow | undefined {
  const raw = db.prepare(`${SELECT} WHERE s.session_id = ?`).get(id) as RawSession | undefined;
  return raw ? fromRaw(raw) : undefined;
}

/** Label lookup as the original did it, case-insensitive: exact matches if any, else substrings. */
/**
 * The one session lookup (`sessions show/label`, `run --resume`): by exact id, else by label —
 * `matches` are the labelled sessions it names (exact first, then substring); each caller words
 * a miss and an ambiguity for what it was asked.
 */
export function lookupSession(
  db: Db,
  key: string,
): { session: SessionRow; matches: [] } | { session: null; matches: SessionRow[] } {
  const byId = getSession(db, key);
  if (byId) return { session: byId, matches: [] };
  const matches = matchSessionLabel(db, key);
  return matches.length === 1 ? { session: matches[0]!, matches: [] } : { session: null, matches };
}

export function matchSessionLabel(db: Db, label: string): SessionRow[] {
  const rows = (
    db.prepare(`${SELECT} WHERE s.label IS NOT NULL ORDER BY s.last_used_at DESC`).all() as RawSession[]
  ).map(fromRaw);
  const want = label.toLowerCase();
  const exact = rows.filter((r) => r.label!.toLowerCase() === want);
  return exact.length > 0 ? exact : rows.filter((r) => r.label!.toLowerCase().includes(want));
}

export interface SessionFilter {
  sinceMs: number | null;
  label: string | null;
  projectDir: string | null;
  status: string | null;
}

export function listSessions(db: Db, f: SessionFilter): SessionRow[] {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (f.sinceMs !== null) {
    where.push("s.last_used_at >= ?");
    params.push(f.sinceMs);
  }
  if (f.label !== null) {
    where.push("lower(s.label) LIKE ? ESCAPE '\\'");
    params.push(`%${f.label.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (f.projectDir !== null) {
    where.push("s.project_dir = ?");
    params.push(f.projectDir);
  }
  if (f.status !== null) {
    where.push("s.status = ?");
    params.push(f.status);
  }
  const sql = `${SELECT}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY s.last_used_at DESC`;
  return (db.prepare(sql).all(...params) as RawSession[]).map(fromRaw);
}

/** A run named its session (its init line): create the entry, or mark it in use again. */
export function touchSessionForRun(
  db: Db,
  s: {
    sessionId: string;
    label: string | null;
    projectDir: string;
    taskSummary: string;
    origin: string | null;
    outputFile: string | null;
    completionMode: CompletionMode;
    maxIterations: number | null;
    iteration: number | null;
    now: number;
  },
): void {
  db.prepare(
    `INSERT INTO sessions (session_id, label, project_dir, task_summary, status, created_at, last_used_at, origin,
                           output_file, completion_mode, max_iterations, iterations)
     VALUES (@sessionId, @label, @projectDir, @taskSummary, 'running', @now, @now, @origin, @outputFile,
             @completionMode, @maxIterations, coalesce(@iteration, 0))
     ON CONFLICT(session_id) DO UPDATE SET
       status = 'running',
       last_used_at = @now,
       label = coalesce(@label, label),
       output_file = coalesce(@outputFile, output_file),
       origin = coalesce(@origin, origin),
       completion_mode = @completionMode,
       max_iterations = coalesce(@maxIterations, max_iterations),
       iterations = max(iterations, coalesce(@iteration, iterations))`,
  ).run(s);
}

export function setSessionStatus(db: Db, id: string, status: string, now: number): void {
  db.prepare("UPDATE sessions SET status = ?, last_used_at = ? WHERE session_id = ?").run(status, now, id);
}

export function setSessionLabel(db: Db, id: string, label: string | null): boolean {
  return db.prepare("UPDATE sessions SET label = ? WHERE session_id = ?").run(label, id).changes === 1;
}

export function forgetSession(db: Db, id: string): boolean {
  return db.prepare("DELETE FROM sessions WHERE session_id = ?").run(id).changes === 1;
}

/** Removes entries unused for longer than the retention, except sessions with an active run. */
export function cleanupSessions(db: Db, olderThanMs: number): number {
  return db
    .prepare(
      `DELETE FROM sessions WHERE last_used_at < ? AND session_id NOT IN
         (SELECT coalesce(session_id, '') FROM runs WHERE state IN ('queued','starting','running')
          UNION SELECT coalesce(resume_id, '') FROM runs WHERE state IN ('queued','starting','running'))`,
    )
    .run(olderThanMs).changes;
}

export interface ImportedSession {
  sessionId: string;
  label: string | null;
  projectDir: string;
  taskSummary: string;
  status: string;
  createdAt: number;
  lastUsedAt: number;
  origin: string | null;
  outputFile: string | null;
  costUsd: number | null;
}

/** Idempotent: an entry already known keeps its newer local data; only missing facts are filled in. */
export function importSessions(
  db: Db,
  entries: ImportedSession[],
  now: number,
): { added: number; updated: number } {
  let added = 0;
  let updated = 0;
  const insert = db.prepare(
    `INSERT INTO sessions (session_id, label, project_dir, task_summary, status, created_at, last_used_at, origin,
                           output_file, imported_cost_usd, imported_at)
     VALUES (@sessionId, @label, @projectDir, @taskSummary, @status, @createdAt, @lastUsedAt, @origin, @outputFile,
             @costUsd, @now)
     ON CONFLICT(session_id) DO NOTHING`,
  );
  const fill = db.prepare(
    `UPDATE sessions SET label = coalesce(label, @label), origin = coalesce(origin, @origin),
            output_file = coalesce(output_file, @outputFile), created_at = min(created_at, @createdAt),
            last_used_at = max(last_used_at, @lastUsedAt), imported_cost_usd = coalesce(imported_cost_usd, @costUsd),
            imported_at = coalesce(imported_at, @now)
     WHERE session_id = @sessionId AND imported_at IS NULL`,
  );
  db.transaction(() => {
    for (const e of entries) {
      if (insert.run({ ...e, now }).changes === 1) added++;
      else if (fill.run({ ...e, now }).changes === 1) updated++;
    }
  })();
  return { added, updated };
}
