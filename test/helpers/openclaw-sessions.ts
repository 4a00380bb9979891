/**
 * Drives a real OpenClaw gateway's Telegram channel through the fake Bot API (a user writes in a
 * forum topic, a DM, a DM thread; the agent answers through the fake model) and reads the
 * session store the gateway keeps on disk (2026.9.6: SQLite, one database per agent).
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { type FakeTelegram, makeTextUpdate, type TelegramCall } from "../fakes/telegram-api.js";

export interface InboundChat {
  chatId: number;
  fromId: number;
  threadId?: number;
}

/** Wait for a sendMessage to this chat (and thread, or none) whose text contains `text`. */
export async function waitForSend(
  telegram: FakeTelegram,
  chat: InboundChat,
  text: string,
  timeoutMs = 300_000,
): Promise<TelegramCall> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = telegram.calls.find(
      (c) =>
        c.method === "sendMessage" &&
        c.chat_id === String(chat.chatId) &&
        c.message_thread_id === (chat.threadId ?? null) &&
        c.text?.includes(text),
    );
    if (found) return found;
    if (Date.now() > end) {
      const sends = telegram.calls.filter((c) => c.method === "sendMessage");
      throw new Error(
        `no sendMessage to ${JSON.stringify(chat)} containing ${JSON.stringify(text)} within ${timeoutMs} ms; sends: ${JSON.stringify(sends)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A user writes `text` in a chat; resolves when the agent's echo reply has reached that chat. */
export async function converse(
  telegram: FakeTelegram,
  chat: InboundChat,
  text: string,
): Promise<TelegramCall> {
  telegram.pushUpdate(makeTextUpdate({ ...chat, text }));
  return waitForSend(telegram, chat, `Echo: ${text}`);
}

export function agentStorePath(stateDir: string, agentId: string): string {
  return join(stateDir, "agents", agentId, "agent", "openclaw-agent.sqlite");
}

export interface StoredSession {
  sessionKey: string;
  sessionId: string;
  /** 1 once OpenClaw has validated entry_json; its triggers reset it to 0 on every write. */
  entryValid: number;
  entry: Record<string, unknown>;
}

/** Read the rows that hold session keys and delivery routes, read-only, while the gateway runs. */
export function readSessionStore(path: string): {
  sessions: StoredSession[];
  conversations: Record<string, unknown>[];
  meta: Record<string, unknown>[];
  columns: (table: string) => string[];
} {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT session_key, current_session_id, entry_valid, entry_json FROM session_nodes")
      .all() as {
      session_key: string;
      current_session_id: string;
      entry_valid: number;
      entry_json: string;
    }[];
    const columnsByTable = new Map<string, string[]>();
    for (const table of ["session_nodes", "session_windows", "conversations", "session_conversations"]) {
      const info = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      columnsByTable.set(
        table,
        info.map((c) => c.name),
      );
    }
    return {
      sessions: rows.map((r) => ({
        sessionKey: r.session_key,
        sessionId: r.current_session_id,
        entryValid: r.entry_valid,
        entry: JSON.parse(r.entry_json) as Record<string, unknown>,
      })),
      conversations: db.prepare("SELECT * FROM conversations").all() as Record<string, unknown>[],
      meta: db.prepare("SELECT * FROM schema_meta").all() as Record<string, unknown>[],
      columns: (table) => columnsByTable.get(table) ?? [],
    };
  } finally {
    db.close();
  }
}
