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
  // 3: the outbox — every notification is stored before it is sent
  `CREATE TABLE notifications (
     id              INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id          TEXT NOT NULL,
     target          TEXT NOT NULL,
     kind            TEXT NOT NULL,
     seq             INTEGER NOT NULL,
     idem_key        TEXT NOT NULL UNIQUE,
     content         TEXT NOT NULL,
     state           TEXT NOT NULL,
     attempts        INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     created_at      INTEGER NOT NULL,
     sent_at         INTEGER,
     delivered_at    INTEGER,
     remote_id       TEXT,
     last_error      TEXT,
     edit_of         INTEGER
   );
   CREATE INDEX notifications_due ON notifications(state, next_attempt_at);
   CREATE INDEX notifications_run_target ON notifications(run_id, target, id);
   ALTER TABLE runs ADD COLUMN notify_token_hash TEXT;`,
  // 4: wakes — one per run launched from an OpenClaw session, claimed before and committed after
  // the wake, so a restarted daemon never wakes twice and reports an unconfirmed claim as uncertain
  `CREATE TABLE wakes (
     id          TEXT PRIMARY KEY,
     run_id      TEXT NOT NULL UNIQUE,
     session_key TEXT NOT NULL,
     state       TEXT NOT NULL,
     path        TEXT,
     attempts    TEXT NOT NULL DEFAULT '[]',
     detail      TEXT,
     created_at  INTEGER NOT NULL,
     claimed_at  INTEGER,
     done_at     INTEGER
   );
   CREATE INDEX wakes_state ON wakes(state);`,
  // 5: each part of a notification sent as several messages (a split final) is its own unit of
  // delivery: how many parts the service accepted, so a retry or a restart goes on from there
  `ALTER TABLE notifications ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE notifications ADD COLUMN parts_total INTEGER;`,
  // 6: the event stream (GET /events): every change, kept a while so a client can resume
  `CREATE TABLE events (
     id      INTEGER PRIMARY KEY AUTOINCREMENT,
     at      INTEGER NOT NULL,
     run_id  TEXT,
     type    TEXT NOT NULL,
     body    TEXT NOT NULL
   );
   CREATE INDEX events_run ON events(run_id, id);
   CREATE INDEX events_at ON events(at);`,
  // 7: the idempotency key a launch was sent with, so a launch asked again (its connection reset,
  // the daemon restarted in between) is answered with the run it started, not a second one
  `ALTER TABLE runs ADD COLUMN submit_key TEXT;
   CREATE UNIQUE INDEX runs_submit_key ON runs(submit_key);`,
];
