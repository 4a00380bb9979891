/**
 * The session store on disk (openclaw.md §5.4), read only, as the last source before the exec
 * tool's channel context: 2026.2–2026.3 keep `agents/<id>/sessions/sessions.json` (a map
 * key → entry) and Telegram topic transcripts `<sessionId>-topic-<threadId>.jsonl`; 2026.9.6
 * keeps rows in SQLite `agents/<id>/agent/openclaw-agent.sqlite`, table `session_nodes`
 * (session_key, current_session_id, entry_json, entry_valid, updated_at; schema read from
 * openclaw@2026.9.6:dist/openclaw-agent-board-schema-*.mjs) or, in older schemas,
 * `session_entries` (session_key, session_id, entry_json). Version-fragile by nature: a file that
 * cannot be read is a reported problem, never an exception.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { errorMessage } from "../../errors.js";
import { openSqlite } from "../../store/sqlite.js";
import { asObject, type SessionInfo, type TopicTranscript, toSessionInfo } from "./session-info.js";

export interface DiskStore {
  rows: SessionInfo[];
  transcripts: TopicTranscript[];
  /** What was read, e.g. "…/sessions.json (12 sessions)". */
  read: string[];
  problems: string[];
}

const TRANSCRIPT_HEAD_BYTES = 256 * 1024;
const TRANSCRIPT_HEAD_LINES = 150;
const MAX_TRANSCRIPTS = 200;
const MAX_SQLITE_ROWS = 5000;
const SENDER_ID = /\\?"sender_id\\?"\s*:\s*\\?"?(-?\d+)/;

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? errorMessage(e);
}

function readSessionsJson(dir: string, out: DiskStore): void {
  const path = join(dir, "sessions.json");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (errCode(e) !== "ENOENT") out.problems.push(`${path}: cannot be read (${errCode(e)})`);
    return;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    out.problems.push(`${path}: not valid JSON`);
    return;
  }
  const map = asObject(data);
  if (!map) {
    out.problems.push(`${path}: not a map of session keys`);
    return;
  }
  // the map's key is the session key, whatever the entry says
  const rows = Object.entries(map)
    .map(([key, entry]) => toSessionInfo({ ...asObject(entry), key }, key))
    .filter((r): r is SessionInfo => r !== null);
  out.rows.push(...rows);
  out.read.push(`${path} (${rows.length} sessions)`);
}

function head(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(TRANSCRIPT_HEAD_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** The sender_id of the first user turn that carries inbound metadata. */
export function findSenderId(text: string): string | null {
  for (const line of text.split("\n").slice(0, TRANSCRIPT_HEAD_LINES)) {
    if (!line.includes("sender_id")) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a cut last line
    }
    const message = asObject(asObject(entry)?.message);
    if (message?.role !== "user") continue;
    const content = message.content;
    const texts = typeof content === "string" ? [content] : Array.isArray(content) ? content : [];
    for (const block of texts) {
      const t = typeof block === "string" ? block : asObject(block)?.text;
      const m = typeof t === "string" ? SENDER_ID.exec(t) : null;
      if (m) return m[1]!;
    }
  }
  return null;
}

function readTranscripts(dir: string, agentId: string, out: DiskStore): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^.+-topic-.+\.jsonl$/.test(n));
  } catch {
    return;
  }
  const stats = names
    .map((name) => {
      try {
        return { name, mtimeMs: statSync(join(dir, name)).mtimeMs };
      } catch {
        return null;
      }
    })
    .filter((s): s is { name: string; mtimeMs: number } => s !== null)
    .sort((a, b) => b.mtimeMs - a.mtimeMs)
    .slice(0, MAX_TRANSCRIPTS);
  for (const { name, mtimeMs } of stats) {
    const at = name.lastIndexOf("-topic-");
    let threadId: string;
    try {
      threadId = decodeURIComponent(name.slice(at + 7, -".jsonl".length));
    } catch {
      continue;
    }
    const path = join(dir, name);
    let senderId: string | null = null;
    try {
      senderId = findSenderId(head(path));
    } catch (e) {
      out.problems.push(`${path}: cannot be read (${errCode(e)})`);
    }
    out.transcripts.push({ agentId, sessionId: name.slice(0, at), threadId, mtimeMs, senderId, path });
  }
  if (stats.length > 0) out.read.push(`${dir} (${stats.length} topic transcripts)`);
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).some(
    (c) => c.name === column,
  );
}

function readSqlite(path: string, out: DiskStore): void {
  try {
    statSync(path);
  } catch {
    return;
  }
  let db: Database.Database | null = null;
  try {
    db = openSqlite(path, { readonly: true, fileMustExist: true });
    let sql: string;
    if (hasTable(db, "session_nodes")) {
      const valid = hasColumn(db, "session_nodes", "entry_valid") ? "entry_valid = 1" : "entry_json <> '{}'";
      const at = hasColumn(db, "session_nodes", "updated_at") ? "updated_at" : "NULL";
      sql = `SELECT session_key AS key, current_session_id AS sid, entry_json AS entry, ${at} AS at FROM session_nodes WHERE ${valid}`;
    } else if (hasTable(db, "session_entries")) {
      sql =
        "SELECT session_key AS key, session_id AS sid, entry_json AS entry, NULL AS at FROM session_entries";
    } else {
      out.problems.push(
        `${path}: no session table this version of cctask knows (session_nodes, session_entries)`,
      );
      return;
    }
    const rows = db.prepare(`${sql} LIMIT ${MAX_SQLITE_ROWS}`).all() as {
      key: unknown;
      sid: unknown;
      entry: unknown;
      at: unknown;
    }[];
    let n = 0;
    for (const r of rows) {
      if (typeof r.key !== "string") continue;
      let entry: unknown = {};
      try {
        entry = typeof r.entry === "string" ? JSON.parse(r.entry) : {};
      } catch {
        entry = {};
      }
      const info = toSessionInfo({ ...asObject(entry), key: r.key }, r.key);
      if (!info) continue;
      out.rows.push({
        ...info,
        sessionId: info.sessionId ?? (typeof r.sid === "string" ? r.sid : null),
        // 2026.9.6 keeps the time in a column, not in entry_json
        updatedAt: info.updatedAt ?? (typeof r.at === "number" ? r.at : null),
      });
      n++;
    }
    out.read.push(`${path} (${n} sessions)`);
  } catch (e) {
    out.problems.push(`${path}: cannot be read (${errorMessage(e)})`);
  } finally {
    db?.close();
  }
}

/** Everything the store on disk says about one agent's sessions. */
export function readDiskStore(stateDir: string, agentId: string): DiskStore {
  const out: DiskStore = { rows: [], transcripts: [], read: [], problems: [] };
  const sessionsDir = join(stateDir, "agents", agentId, "sessions");
  readSessionsJson(sessionsDir, out);
  readTranscripts(sessionsDir, agentId, out);
  readSqlite(join(stateDir, "agents", agentId, "agent", "openclaw-agent.sqlite"), out);
  return out;
}
