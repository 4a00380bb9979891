/**
 * Recovery from transient Telegram failures: the waits are what the failures require (429s do not
 * inflate the 5xx backoff), and once the service answers again everything owed goes out within a
 * few seconds, not after the longest backoff step.
 */
import { afterEach, expect, it } from "vitest";
import type { NotificationView } from "../../src/protocol.js";
import { type FakeTelegram, startFakeTelegram, type TelegramCall } from "../fakes/telegram-api.js";
import { createSandbox, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "777";
let sb: Sandbox;
let tg: FakeTelegram;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
});

async function sandbox(): Promise<void> {
  tg = await startFakeTelegram({ token: "42:recovery" });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
  sb.writeConfig({ notify: { heartbeatSeconds: 0 } }); // default retry policy: 30 s maximum delay
}

function accepted(): TelegramCall[] {
  return tg.calls.filter((c) => c.status === 200 && c.method === "sendMessage" && c.chat_id === CHAT);
}

async function allDelivered(id: string, timeoutMs: number): Promise<NotificationView[]> {
  let list: NotificationView[] = [];
  await waitFor(
    async () => {
      list = await sb.json<NotificationView[]>(["notifications", id]);
      return list.length === 3 && list.every((n) => n.state === "delivered");
    },
    timeoutMs,
    "launch, session and final to be delivered",
  );
  return list;
}

it("5 × 429 (retry_after 1) then 5 × 500: the final reaches the chat within 40 s of the launch", async () => {
  await sandbox();
  tg.failNext({ status: 429, retryAfter: 1, count: 5, method: "sendMessage" });
  tg.failNext({ status: 500, description: "Internal Server Error", count: 5, method: "sendMessage" });
  const launchedAt = Date.now();
  const v = await sb.json([
    "run",
    "-t",
    "REPLAY_RESULT=recovered",
    "-p",
    sb.project,
    "--notify",
    `telegram:${CHAT}`,
  ]);
  await allDelivered(v.id, 120_000);
  const final = accepted().find((c) => c.text?.startsWith("✅"));
  expect(final).toBeDefined();
  const seconds = (final!.time - launchedAt) / 1000;
  console.info(`5 × 429 + 5 × 500: the final reached the chat ${seconds.toFixed(1)} s after the launch`);
  // The waits the failures require: 5 × 1 s, then 1 + 2 + 4 + 8 + 16 s of backoff at most.
  expect(seconds).toBeLessThan(40);
  expect(tg.calls.filter((c) => c.status === 429)).toHaveLength(5);
  expect(tg.calls.filter((c) => c.status === 500)).toHaveLength(5);
  expect(accepted().map((c) => Array.from(c.text!)[0])).toEqual(["🚀", "📝", "✅"]);
}, 240_000);

it("after a 40 s outage of 502s everything owed is delivered within a few seconds of recovery", async () => {
  await sandbox();
  const OUTAGE_MS = 40_000;
  tg.failFor(OUTAGE_MS, { status: 502, description: "Bad Gateway" });
  const outageEnds = Date.now() + OUTAGE_MS;
  const runs = [];
  for (const r of ["one", "two"])
    runs.push(
      await sb.json(["run", "-t", `REPLAY_RESULT=${r}`, "-p", sb.project, "--notify", `telegram:${CHAT}`]),
    );
  for (const v of runs) await allDelivered(v.id, OUTAGE_MS + 90_000);
  const last = Math.max(...accepted().map((c) => c.time));
  const drain = (last - outageEnds) / 1000;
  console.info(`40 s of 502: the last message arrived ${drain.toFixed(1)} s after the outage ended`);
  expect(drain).toBeGreaterThanOrEqual(0);
  // Six messages to one private chat: three in a burst, then one a second (pacing), plus one probe interval.
  expect(drain).toBeLessThan(8);
  expect(accepted()).toHaveLength(6);
}, 240_000);
