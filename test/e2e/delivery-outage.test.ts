/**
 * Two minutes of Telegram 5xx, then recovery: nothing is lost, nothing is sent twice, order holds.
 * (Slow by nature: it waits out a real two-minute outage.)
 */
import { afterEach, expect, it } from "vitest";
import type { NotificationView } from "../../src/protocol.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { createSandbox, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "31337";
const OUTAGE_MS = 120_000;
let sb: Sandbox;
let tg: FakeTelegram;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
});

it("after two minutes of 5xx every notification is delivered once, in order", async () => {
  tg = await startFakeTelegram({ token: "42:outage" });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
  sb.writeConfig({ notify: { heartbeatSeconds: 1, heartbeatMode: "post", retry: { maxDelaySeconds: 5 } } });
  tg.failFor(OUTAGE_MS, { status: 502, description: "Bad Gateway" });
  const outageEnds = Date.now() + OUTAGE_MS;
  const v = await sb.json([
    "run",
    "-t",
    "REPLAY_EMIT_FOR_S=4 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=survived",
    "-p",
    sb.project,
    "--notify",
    `telegram:${CHAT}`,
  ]);
  const a = await sb.json([
    "run",
    "-t",
    "REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=200",
    "-p",
    sb.project,
    "--notify",
    `telegram:${CHAT}`,
  ]);
  await sb.cli(["wait", v.id, a.id]);

  let list: NotificationView[] = [];
  await waitFor(
    async () => {
      list = [
        ...(await sb.json<NotificationView[]>(["notifications", v.id])),
        ...(await sb.json<NotificationView[]>(["notifications", a.id])),
      ];
      return list.every((n) => n.state === "delivered" || n.state === "superseded");
    },
    OUTAGE_MS + 60_000,
    "every notification to be delivered after the outage",
  );
  expect(Date.now()).toBeGreaterThanOrEqual(outageEnds);
  expect(tg.calls.filter((c) => c.status === 502).length).toBeGreaterThan(10);
  const delivered = list.filter((n) => n.state === "delivered");
  expect(delivered.filter((n) => n.attempts > 1).length).toBeGreaterThan(0);

  const ok = tg.calls.filter((c) => c.status === 200 && c.method === "sendMessage");
  expect(ok.length).toBe(delivered.length); // once each
  for (const run of [v, a]) {
    const mine = ok.filter((c) => c.text?.includes(run.id)).map((c) => Array.from(c.text!)[0]);
    expect(mine[0]).toBe("🚀");
    expect(mine[1]).toBe("📝");
    expect(mine.at(-1)).toBe("✅");
    expect(mine.filter((k) => k === "✅")).toHaveLength(1);
  }
}, 240_000);
