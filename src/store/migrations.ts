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
];
