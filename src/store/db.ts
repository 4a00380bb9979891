/**
 * Opens cctask.db (SQLite, WAL) and applies the numbered migrations in order.
 * Only the daemon writes; the schema version lives in PRAGMA user_version.
 */
import { chmodSync } from "node:fs";
import type Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations.js";
import { openSqlite } from "./sqlite.js";

export type Db = Database.Database;

export function openDb(path: string): Db {
  const db = openSqlite(path);
  chmodSync(path, 0o600);
  // prepare(), not pragma(): see sqlite.ts
  db.prepare("PRAGMA journal_mode = WAL").run();
  db.prepare("PRAGMA synchronous = NORMAL").run();
  db.prepare("PRAGMA busy_timeout = 5000").run();
  db.prepare("PRAGMA foreign_keys = ON").run();
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = (db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the state database has schema version ${current}, newer than this cctask knows (${MIGRATIONS.length}). Upgrade cctask, or point CCTASK_HOME elsewhere.`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v]!;
    db.transaction(() => {
      db.exec(sql);
      db.prepare(`PRAGMA user_version = ${v + 1}`).run();
    })();
  }
}
