/** Numbered schema migrations: index i brings the schema from version i to i+1. Never edit a released one. */
export const MIGRATIONS: readonly string[] = [
  // 1: runs
  `CREATE TABLE runs (
     seq               INTEGER PRIMARY KEY AUTOINCREMENT,
     id                TEXT NOT NULL UNIQUE,
     state             TEXT NOT NULL,
     reason            TEXT,
     detail            TEXT,
     api_error_status  INTEGER,
     created_at        INTEGER NOT NULL,
     started_at        INTEGER,
     ended_at          INTEGER,
     updated_at        INTEGER NOT NULL,
     project_dir       TEXT NOT NULL,
     task_summary      TEXT NOT NULL,
     spec              TEXT NOT NULL,
     resume_id         TEXT,
     session_id        TEXT,
     pid               INTEGER,
     pid_start         TEXT,
     agent_pid         INTEGER,
     progress          TEXT,
     events_offset     INTEGER NOT NULL DEFAULT 0,
     stop_request      TEXT,
     stop_requested_at INTEGER,
     exit_code         INTEGER,
     silence_warned_at INTEGER
   );
   CREATE INDEX runs_state ON runs(state);
   CREATE INDEX runs_session ON runs(session_id);`,
  // 2: the session registry, and each run's own cost (a session's cost is the sum of its runs')
  `ALTER TABLE runs ADD COLUMN cost_usd REAL;
   CREATE TABLE sessions (
     session_id        TEXT PRIMARY KEY,
     label             TEXT,
     project_dir       TEXT NOT NULL,
     task_summary      TEXT NOT NULL,
     status            TEXT NOT NULL,
     created_at        INTEGER NOT NULL,
     last_used_at      INTEGER NOT NULL,
     origin            TEXT,
     output_file       TEXT,
     completion_mode   TEXT NOT NULL DEFAULT 'single',
     max_iterations    INTEGER,
     iterations        INTEGER NOT NULL DEFAULT 0,
     imported_cost_usd REAL,
     imported_at       INTEGER
   );
   CREATE INDEX sessions_last_used ON sessions(last_used_at);`,
];
