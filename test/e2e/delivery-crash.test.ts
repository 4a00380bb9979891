/**
 * A run's outcome and its final notification are recorded together: a daemon killed between the
 * two (a test hook, CCTASK_TEST_CRASH_BEFORE_FINAL) leaves either both or neither, and the next
 * daemon finishes the run and sends its final once. A run that ended without a final row (a
 * database from before this rule) is repaired when the daemon starts.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import type { NotificationView, RunView } from "../../src/protocol.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "5150";
let sb: Sandbox;
let tg: FakeTelegram;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
});

async function sandbox(env: Record<string, string> = {}): Promise<void> {
  tg = await startFakeTelegram({ token: "77:crash" });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot, ...env } });
  sb.writeConfig({ notify: { heartbeatSeconds: 0 } });
}

const finals = () =>
  tg.calls.filter((c) => c.status === 200 && c.method === "sendMessage" && c.text?.startsWith("✅"));

async function delivered(id: string): Promise<NotificationView[]> {
  let list: NotificationView[] = [];
  await waitFor(
    async () => {
      list = await sb.json<NotificationView[]>(["notifications", id]);
      return list.some((n) => n.kind === "final") && list.every((n) => n.state === "delivered");
    },
    30_000,
    `the notifications of ${id} to be delivered`,
  );
  return list;
}

it("a daemon killed between recording the outcome and queueing the final: the final is sent once", async () => {
  await sandbox();
  const marker = join(sb.root, "crashed");
  const v = await sb.json(
    [
      "run",
      "-t",
      "REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=kept",
      "-p",
      sb.project,
      "--notify",
      `telegram:${CHAT}`,
    ],
    {
      env: { CCTASK_TEST_CRASH_BEFORE_FINAL: marker },
    },
  );
  const crashed = sb.daemonPid()!;
  await waitFor(() => existsSync(marker) && !isAlive(crashed), 30_000, "the daemon to crash at the hook");
  const list = await delivered(v.id); // any command starts a new daemon (without the hook)
  expect(list.map((n) => n.kind)).toEqual(["launch", "session", "final"]);
  expect((await sb.json<RunView>(["status", v.id])).state).toBe("succeeded");
  await new Promise((r) => setTimeout(r, 1500)); // a second final would show by now
  expect(finals()).toHaveLength(1);
  expect(finals()[0]!.text).toContain("kept");
}, 90_000);

it("a run that ended without a final row gets it when the daemon starts", async () => {
  await sandbox();
  const v = await sb.json([
    "run",
    "-t",
    "REPLAY_RESULT=repaired",
    "-p",
    sb.project,
    "--notify",
    `telegram:${CHAT}`,
  ]);
  await sb.cli(["wait", v.id]);
  await delivered(v.id);
  await sb.cli(["daemon", "stop"]);
  const db = new Database(join(sb.home, "cctask.db"));
  db.prepare("DELETE FROM notifications WHERE run_id = ? AND kind = 'final'").run(v.id);
  db.close();
  const list = await delivered(v.id);
  expect(list.map((n) => n.kind)).toEqual(["launch", "session", "final"]);
  expect(finals()).toHaveLength(2); // the first before the row was lost, the repair after
  expect(finals()[1]!.text).toContain("repaired");
}, 90_000);
