/**
 * Benchmark 4c (issue "Nothing lost, nothing doubled, nothing stuck", item 9): how fast delivery
 * recovers from transient Telegram failures, through the real daemon and outbox, default retry
 * policy (30 s maximum backoff), heartbeats off, one run to one private chat per case.
 *
 * Mixed: the first 5 sendMessage calls answer 429 (retry_after 1), the next 5 answer 500; the time
 *   from `cctask run` to the ✅ reaching the chat. The waits the failures require: 5 × 1 s, then a
 *   backoff of 1 + 2 + 4 + 8 + 16 s at most (the 429s do not count towards the 5xx exponent).
 * Outage: every sendMessage answers 502 for `outageS` seconds from the launch of two runs; the
 *   time from the end of the outage to the last of their 6 messages reaching the chat.
 */
import { startFakeTelegram } from "./lib/fake-telegram.mjs";
import { createSandbox } from "./lib/sandbox.mjs";
import { sleep } from "./lib/stats.mjs";

const CHAT = "880001";

function telegramSandbox(name, tg) {
  const sb = createSandbox(name, { notify: { heartbeatSeconds: 0 } });
  Object.assign(sb.env, { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot });
  return sb;
}

const accepted = (tg) =>
  tg.calls.filter((c) => c.method === "sendMessage" && c.status === 200 && c.chatId === CHAT);

async function until(what, check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

async function launch(sb, result) {
  const r = await sb.json([
    "run",
    "--task",
    `REPLAY_RESULT=${result}`,
    "--project",
    sb.project,
    "--notify",
    `telegram:${CHAT}`,
  ]);
  if (r.code !== 0) throw new Error(`cctask run exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.value;
}

async function mixed() {
  const tg = await startFakeTelegram();
  const sb = telegramSandbox("recovery-mixed", tg);
  try {
    tg.failNext({ status: 429, description: "Too Many Requests: retry after 1", retryAfter: 1, count: 5 });
    tg.failNext({ status: 500, description: "Internal Server Error", count: 5 });
    const t0 = Date.now();
    await launch(sb, "mixed");
    await until(
      "the final after 5 × 429 and 5 × 500",
      () => accepted(tg).some((c) => c.text?.startsWith("✅")),
      300_000,
    );
    const final = accepted(tg).find((c) => c.text?.startsWith("✅"));
    return {
      finalS: (final.time - t0) / 1000,
      failures: tg.calls.filter((c) => c.status !== 200).length,
      accepted: accepted(tg).length,
    };
  } finally {
    await sb.cleanup();
    await tg.close();
  }
}

async function outage(outageS) {
  const tg = await startFakeTelegram();
  const sb = telegramSandbox("recovery-outage", tg);
  try {
    const end = tg.failFor(outageS * 1000, { status: 502, description: "Bad Gateway" });
    await launch(sb, "one");
    await launch(sb, "two");
    await until("6 messages after the outage", () => accepted(tg).length >= 6, outageS * 1000 + 300_000);
    await sleep(2000); // a late duplicate would show by now
    const ok = accepted(tg);
    return {
      outageS,
      drainS: (Math.max(...ok.map((c) => c.time)) - end) / 1000,
      firstAfterS: (Math.min(...ok.map((c) => c.time)) - end) / 1000,
      failures: tg.calls.filter((c) => c.status === 502).length,
      accepted: ok.length,
    };
  } finally {
    await sb.cleanup();
    await tg.close();
  }
}

export async function benchRecovery({ outageS = 180, log = () => {} } = {}) {
  const m = await mixed();
  log(`  5 × 429 + 5 × 500: final ${m.finalS.toFixed(1)} s after the launch`);
  const o = await outage(outageS);
  log(`  ${outageS} s of 502: last message ${o.drainS.toFixed(1)} s after the outage ended`);
  return { mixed: m, outage: o };
}
