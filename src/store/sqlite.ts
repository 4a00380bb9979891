/**
 * The one way this program opens an SQLite database, so that none of better-sqlite3's objects
 * is ever garbage. On Node 24 (from 24.19; the addon builds Node's ObjectWrap in from its
 * headers) the collector freeing a Database or a Statement aborts the whole process on a failed
 * CHECK in RemoveEnvironmentCleanupHook: a daemon that had answered a burst of launches died that
 * way. So every database opened here, and every statement it prepares, stays reachable until the
 * process exits: each distinct SQL text is prepared once and reused (the queries are a fixed set),
 * and closed databases are kept too (they are few and small: the native handles are freed by
 * close()). better-sqlite3's own statements (transactions' BEGIN and COMMIT) live with their
 * database already; pragma() prepares a new one on each call, so PRAGMAs go through prepare().
 */
import Database from "better-sqlite3";

const KEPT: Database.Database[] = [];

export function openSqlite(path: string, options?: Database.Options): Database.Database {
  const db = new Database(path, options);
  KEPT.push(db);
  const statements = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = prepare(sql);
      statements.set(sql, s);
    }
    return s;
  }) as typeof db.prepare;
  return db;
}
