/** The session store on disk: 2026.3.2 sessions.json and topic transcripts, 2026.9.6 SQLite. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { findSenderId, readDiskStore } from "../../../../src/openclaw/routing/disk.js";

const FIX = join(import.meta.dirname, "../../../fixtures/openclaw/2026.3.2");
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function stateDir(): string {
  dir = mkdtempSync(join(tmpdir(), "cctask-ocstate-"));
  cpSync(join(FIX, "agents"), join(dir, "agents"), { recursive: true });
  return dir;
}

describe("2026.3.2 store", () => {
  it("reads sessions.json keyed by session key, with deliveryContext and threadId", () => {
    const disk = readDiskStore(stateDir(), "main");
    expect(disk.problems).toEqual([]);
    expect(disk.rows.map((r) => r.key)).toEqual([
      "agent:main:main",
      "agent:main:main:thread:369520",
      "agent:main:telegram:group:-1005555:topic:12",
      "agent:main:whatsapp:group:120363099999999999@g.us",
      "agent:main:whatsapp:direct:+15551234567",
    ]);
    expect(disk.rows[1]).toEqual({
      key: "agent:main:main:thread:369520",
      sessionId: "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06",
      channel: "telegram",
      to: "111222333",
      threadId: "369520",
      accountId: "default",
      updatedAt: 1772400500000,
    });
  });

  it("reads the topic transcript's session id, thread id and sender_id", () => {
    const disk = readDiskStore(stateDir(), "main");
    expect(disk.transcripts).toHaveLength(1);
    expect(disk.transcripts[0]).toMatchObject({
      agentId: "main",
      sessionId: "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06",
      threadId: "369520",
      senderId: "111222333",
    });
  });

  it("another agent's store is its own; a missing store is no rows, not an error", () => {
    const disk = readDiskStore(stateDir(), "ops");
    expect(disk).toEqual({ rows: [], transcripts: [], read: [], problems: [] });
  });

  it("a corrupt sessions.json is a reported problem", () => {
    const d = stateDir();
    writeFileSync(join(d, "agents/main/sessions/sessions.json"), "{not json");
    expect(readDiskStore(d, "main").problems).toEqual([
      `${d}/agents/main/sessions/sessions.json: not valid JSON`,
    ]);
  });

  it("sender_id is found in the fenced metadata block, not in assistant text", () => {
    const user = (text: string) =>
      JSON.stringify({ type: "message", message: { role: "user", content: [{ type: "text", text }] } });
    const assistant = JSON.stringify({
      type: "message",
      message: { role: "assistant", content: [{ type: "text", text: '"sender_id": "1"' }] },
    });
    expect(findSenderId([assistant, user('```json\n{"sender_id": "777"}\n```')].join("\n"))).toBe("777");
    expect(findSenderId(assistant)).toBeNull();
  });
});

describe("2026.9.6 SQLite store", () => {
  function sqliteStore(table: "session_nodes" | "session_entries"): string {
    dir = mkdtempSync(join(tmpdir(), "cctask-ocstate-"));
    mkdirSync(join(dir, "agents/main/agent"), { recursive: true });
    const db = new Database(join(dir, "agents/main/agent/openclaw-agent.sqlite"));
    const entry = JSON.stringify({
      sessionId: "9f8e7d6c-0000-4000-8000-000000000001",
      ...(table === "session_entries" ? { updatedAt: 1795500000500 } : {}),
      delivery: {
        kind: "external",
        route: {
          channel: "telegram",
          target: { to: "-1009876", chatType: "group" },
          thread: { id: 7, kind: "topic" },
        },
        context: { channel: "telegram", to: "telegram:-1009876", threadId: 7 },
        origin: { provider: "telegram" },
      },
    });
    if (table === "session_nodes") {
      db.exec(
        // the columns 2026.9.6 has that cctask reads (it has many more)
        "CREATE TABLE session_nodes (session_key TEXT NOT NULL PRIMARY KEY, current_session_id TEXT NOT NULL, entry_json TEXT NOT NULL, entry_valid INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL, label TEXT) STRICT",
      );
      db.prepare("INSERT INTO session_nodes VALUES (?, ?, ?, 1, 1795500000500, NULL)").run(
        "agent:main:telegram:group:-1009876:topic:7",
        "9f8e7d6c-0000-4000-8000-000000000001",
        entry,
      );
      db.prepare("INSERT INTO session_nodes VALUES (?, ?, ?, 0, 1, NULL)").run("agent:main:stale", "x", "{}");
    } else {
      db.exec(
        "CREATE TABLE session_entries (session_key TEXT PRIMARY KEY, session_id TEXT, entry_json TEXT NOT NULL)",
      );
      db.prepare("INSERT INTO session_entries VALUES (?, ?, ?)").run(
        "agent:main:telegram:group:-1009876:topic:7",
        "9f8e7d6c-0000-4000-8000-000000000001",
        entry,
      );
    }
    db.close();
    return dir;
  }

  for (const table of ["session_nodes", "session_entries"] as const)
    it(`reads ${table} read-only: the canonical delivery context`, () => {
      const disk = readDiskStore(sqliteStore(table), "main");
      expect(disk.problems).toEqual([]);
      expect(disk.rows).toEqual([
        {
          key: "agent:main:telegram:group:-1009876:topic:7",
          sessionId: "9f8e7d6c-0000-4000-8000-000000000001",
          channel: "telegram",
          to: "-1009876",
          threadId: "7",
          accountId: null,
          updatedAt: 1795500000500,
        },
      ]);
    });
});
