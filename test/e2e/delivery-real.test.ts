import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NotificationView, RunView } from "../../src/protocol.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-api.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { createSandbox, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "-1009000000001";
const TOPIC = 12;
let fake: FakeAnthropic;
let tg: FakeTelegram;
let sb: Sandbox;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  tg = await startFakeTelegram({ token: "777:REAL-run" });
});
afterAll(async () => {
  await fake?.close();
  await tg?.close();
});
afterEach(async () => {
  await sb?.cleanup();
});

function realSandbox(config: object): Sandbox {
  sb = createSandbox({
    claudeApi: fake.url,
    env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot },
  });
  sb.writeConfig(config);
  return sb;
}

async function settledNotifications(id: string, count: number): Promise<NotificationView[]> {
  let list: NotificationView[] = [];
  await waitFor(
    async () => {
      list = await sb.json<NotificationView[]>(["notifications", id]);
      return list.length >= count && list.every((n) => n.state !== "pending" && n.state !== "sending");
    },
    30_000,
    "notifications to settle",
  );
  return list;
}

const sentTo = (thread: number) =>
  tg.calls.filter(
    (c) =>
      c.chat_id === CHAT &&
      c.status === 200 &&
      (c.method === "editMessageText" || c.message_thread_id === thread),
  );

describe("a real run reports on every channel kind", () => {
  it("🚀 launch, 📝 session, 📡 heartbeat card, 📡 the agent's own update, ✅ final — once each, in order", async () => {
    realSandbox({ notify: { heartbeatSeconds: 1, heartbeatMode: "edit" } });
    const before = tg.calls.length;
    const task =
      'SCEN_NOTIFY cctask notify "halfway there: tests written" && python3 -c "import time; time.sleep(10)"';
    const r = await sb.cli([
      "run",
      "--wait",
      "--json",
      "-t",
      task,
      "-p",
      sb.project,
      "--notify",
      `telegram:${CHAT}:topic:${TOPIC}`,
    ]);
    expect(r.code).toBe(0);
    const end = JSON.parse(r.stdout) as RunView;
    expect(end.state).toBe("succeeded");
    const list = await settledNotifications(end.id, 5);
    const kinds = list.filter((n) => n.state === "delivered").map((n) => n.kind);
    expect(kinds[0]).toBe("launch");
    // 🚀 goes out when claude starts; a heartbeat may come before its init line names the session.
    expect(kinds.filter((k) => k === "session")).toHaveLength(1);
    expect(kinds.indexOf("session")).toBeLessThan(kinds.indexOf("update"));
    expect(kinds).toContain("update");
    expect(kinds).toContain("heartbeat");
    expect(kinds.at(-1)).toBe("final");
    expect(list.filter((n) => n.state === "failed")).toEqual([]);

    const calls = tg.calls.slice(before).filter((c) => c.status === 200);
    const texts = calls.map((c) => c.text ?? "");
    const launch = texts.find((t) => t.startsWith("🚀"))!;
    expect(launch).not.toContain("<b>Model:</b>"); // 🚀 goes out before claude's init line names it
    const session = texts.find((t) => t.startsWith("📝"))!;
    expect(session).toContain("<b>Model:</b> claude-");
    expect(session).toContain("<b>Auth:</b> ANTHROPIC_API_KEY");
    expect(launch).toContain('<blockquote expandable>SCEN_NOTIFY cctask notify "halfway there');
    expect(
      texts.filter(
        (t) =>
          t.startsWith("📡 <b>Update from Claude Code</b>") && t.includes("halfway there: tests written"),
      ),
    ).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith("✅"))).toHaveLength(1);
    expect(texts.find((t) => t.startsWith("✅"))).toContain("NOTIFY_DONE");
    expect(calls.filter((c) => c.method === "sendMessage").every((c) => c.message_thread_id === TOPIC)).toBe(
      true,
    );
    expect(
      calls.filter((c) => c.method === "sendMessage" && c.text?.includes("Claude Code working")),
    ).toHaveLength(1);
    expect(sentTo(TOPIC).length).toBe(calls.length);
  }, 60_000);

  it("❌ a failed resume is reported with the suggestion to start fresh", async () => {
    realSandbox({ notify: { heartbeatSeconds: 0 } });
    const before = tg.calls.length;
    const r = await sb.cli([
      "run",
      "--wait",
      "--json",
      "-t",
      "SCEN_PLAIN x",
      "-p",
      sb.project,
      "--resume",
      "7d1e0000-1111-4222-8333-944455556666",
      "--notify",
      `telegram:${CHAT}`,
    ]);
    expect(r.code).toBe(42);
    const end = JSON.parse(r.stdout) as RunView;
    await settledNotifications(end.id, 2);
    const final = tg.calls.slice(before).find((c) => c.status === 200 && c.text?.startsWith("❌"))!;
    expect(final.text).toMatch(/^❌ <b>Claude Code resume failed<\/b>/);
    expect(final.text).toContain("Start a fresh session without --resume.");
    expect(final.disable_notification).toBe(false);
  }, 60_000);

  it("⏰ a timeout is reported with the partial result", async () => {
    realSandbox({ notify: { heartbeatSeconds: 0 } });
    const before = tg.calls.length;
    const r = await sb.cli([
      "run",
      "--wait",
      "--json",
      "-t",
      "SCEN_SLEEP_3911",
      "-p",
      sb.project,
      "--timeout",
      "6", // past claude's start-up on a loaded machine: the partial result needs its init and first turn
      "--notify",
      `telegram:${CHAT}`,
    ]);
    expect(r.code).toBe(124);
    const end = JSON.parse(r.stdout) as RunView;
    await settledNotifications(end.id, 3);
    const final = tg.calls.slice(before).find((c) => c.status === 200 && c.text?.startsWith("⏰"))!;
    expect(final.text).toMatch(/^⏰ <b>Claude Code timed out after \d+s \(limit: 6s\)<\/b>/);
    expect(final.text).toMatch(/<b>Partial result \(\d+ chars\):<\/b>/);
  }, 60_000);
});
