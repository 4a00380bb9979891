/**
 * Failures of the state directory's disk (full, read-only, the database gone), told apart from
 * bugs: they get a message that says what is wrong with which path and what to do, never a
 * stack trace.
 */
import { errorMessage } from "./errors.js";

const FULL = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL"]);
const READ_ONLY = new Set(["EROFS", "SQLITE_READONLY", "SQLITE_READONLY_DBMOVED", "EPERM", "EACCES"]);

function codeOf(e: unknown): string {
  return String((e as { code?: unknown })?.code ?? "");
}

export function isDiskFull(e: unknown): boolean {
  return FULL.has(codeOf(e));
}

/** What a storage failure means for the user, or null when `e` is not one. */
export function describeStorageError(e: unknown, stateDir: string): string | null {
  const code = codeOf(e);
  if (FULL.has(code))
    return `the disk holding ${stateDir} is full (${code}). Free some space on it, or set CCTASK_HOME to a directory on a disk with room, then try again`;
  if (READ_ONLY.has(code) || code.startsWith("SQLITE_READONLY")) {
    const path = (e as { path?: unknown }).path;
    const what = typeof path === "string" ? path : `its database in ${stateDir}`;
    return `cctask cannot write ${what}: it is read-only (${code}). Make it writable for this user (check the mount and the permissions of ${stateDir} and of cctask.db, cctask.db-wal, cctask.db-shm in it), or set CCTASK_HOME to a writable directory`;
  }
  if (code === "SQLITE_CANTOPEN" || code === "SQLITE_IOERR_DELETE" || code.startsWith("SQLITE_IOERR"))
    return `cctask cannot use its database in ${stateDir} (${code}: ${errorMessage(e)}). Check that the directory and cctask.db exist and are writable, or set CCTASK_HOME elsewhere`;
  return null;
}
