/**
 * better-sqlite3's objects must never be garbage: on Node 24 (whose ObjectWrap, built into the
 * addon from Node's headers, removes a cleanup hook when the collector frees a Statement or a
 * Database) freeing one aborts the whole process on a failed CHECK. A daemon that had just taken a
 * burst of launches died that way, silently: SIGABRT, its message lost with its stderr. Each test
 * runs a real Node process that does what the daemon does, many times over, amid allocations
 * that make the collector run, and must live to say so.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/cctask.js";
import { trackChildren } from "../../helpers/platform.js";

const DIST = join(ROOT, "dist", "modules"); // the per-module build (dist/cli.js is a bundle)
const track = trackChildren();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cctask-sqlite-gc-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` (an ES module's text) in its own Node; resolves with its exit code or signal, and output. */
function runNode(body: string): Promise<{ exit: string; stdout: string; stderr: string }> {
  const child = track(
    spawn(process.execPath, ["--input-type=module", "-e", body], { stdio: ["ignore", "pipe", "pipe"] }),
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => {
    stdout += c.toString("utf8");
  });
  child.stderr!.on("data", (c: Buffer) => {
    stderr += c.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ exit: signal ?? `exit ${code}`, stdout, stderr }));
  });
}

/** Repeats `step(i)` on the event loop (as the daemon serves requests), making garbage meanwhile. */
const LOOP = (rounds: number, step: string) => `
  let junk = [];
  for (let round = 0; round < ${rounds}; round++) {
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 1000; i++) {
      ${step}
      junk.push({ round, i, text: "garbage " + i });
      if (junk.length > 2000) junk = [];
    }
  }
  process.stdout.write("alive\\n");`;

describe("better-sqlite3 objects and the garbage collector", () => {
  it("the state database answers the same queries 100,000 times and the process lives on", async () => {
    const r = await runNode(`
      const { openDb } = await import(${JSON.stringify(join(DIST, "store/db.js"))});
      const { countActive, getRun, listRuns } = await import(${JSON.stringify(join(DIST, "store/runs.js"))});
      const db = openDb(${JSON.stringify(join(dir, "cctask.db"))});
      ${LOOP(100, "getRun(db, 'r' + i); countActive(db); listRuns(db, { limit: 20, activeOnly: i % 2 === 0 });")}
      db.close();`);
    expect({ exit: r.exit, stdout: r.stdout }, r.stderr).toEqual({ exit: "exit 0", stdout: "alive\n" });
  }, 120_000);

  it("OpenClaw's session database is read 2,000 times and the process lives on", async () => {
    const sessions = join(dir, "agents", "main", "agent");
    mkdirSync(sessions, { recursive: true });
    const db = new Database(join(sessions, "openclaw-agent.sqlite"));
    db.exec(
      "CREATE TABLE session_entries (session_key TEXT NOT NULL PRIMARY KEY, session_id TEXT, entry_json TEXT NOT NULL)",
    );
    db.prepare("INSERT INTO session_entries VALUES (?, ?, ?)").run(
      "agent:main:main",
      "s-1",
      JSON.stringify({ sessionId: "s-1" }),
    );
    db.close();
    const r = await runNode(`
      const { readDiskStore } = await import(${JSON.stringify(join(DIST, "openclaw/routing/disk.js"))});
      ${LOOP(2, `if (readDiskStore(${JSON.stringify(dir)}, 'main').rows.length !== 1) throw new Error('the session was not read');`)}`);
    expect({ exit: r.exit, stdout: r.stdout }, r.stderr).toEqual({ exit: "exit 0", stdout: "alive\n" });
  }, 120_000);

  it("only src/store/sqlite.ts makes better-sqlite3 objects (everywhere else imports its types)", () => {
    const src = join(ROOT, "src");
    const makers = readdirSync(src, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts"))
      .filter((f) => /^import (?!type )[^;]*from "better-sqlite3"/m.test(readFileSync(join(src, f), "utf8")))
      .map((f) => relative(src, join(src, f)));
    expect(makers).toEqual(["store/sqlite.ts"]);
  });
});
