/**
 * The database file going away under the daemon. Deleted while the daemon runs: the daemon still
 * holds it open, so it writes it back from that copy and stops; the next daemon opens the restored
 * file and re-adopts the runs. Missing at start while run directories exist: the history was
 * deleted, which every command then says, instead of "no runs yet".
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { statePath } from "../state-dir.js";

/** Why the database is not what it should be at start (missing while runs/ holds runs), or null. */
export function missingDatabaseProblem(stateDir: string, dbPath: string): string | null {
  if (existsSync(dbPath)) return null;
  let runs = 0;
  try {
    runs = readdirSync(statePath(stateDir, "runs")).length;
  } catch {
    return null;
  }
  if (runs === 0) return null;
  return `the database ${dbPath} was missing when this daemon started, though ${statePath(stateDir, "runs")} holds ${runs} run director${runs === 1 ? "y" : "ies"}: it was deleted, and with it the run history and any notifications not yet sent. A new, empty database was created; new runs work, and the old runs' files are still in ${statePath(stateDir, "runs")}`;
}

/** The inode of the database file now (null: it is gone). */
export function fileIdentity(path: string): string | null {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
}
