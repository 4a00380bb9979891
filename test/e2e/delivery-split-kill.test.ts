/**
 * Each chunk of a split final is its own unit of delivery. A 20,000-character result goes to
 * Telegram as 4 messages; the fake Telegram acts on chunk 2 at once but answers only 10 s later,
 * and the daemon is SIGKILLed while it waits. The next daemon sends the rest in order: chunk 2
 * again (its outcome was unknown: the final is sent at least once), then chunks 3 and 4, the last
 * with the pointer to the full result. No chunk arrives twice except the one in flight.
 */
import { afterEach, expect, it } from "vitest";
import type { NotificationView } from "../../src/protocol.js";
import { type FakeTelegram, startFakeTelegram, type TelegramCall } from "../fakes/telegram-api.js";
import { createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "2024";
let sb: Sandbox;
let tg: FakeTelegram;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
});

/** 20,000 characters without a space (the replay's result ends at the first space), each 10 distinct. */
const RESULT = Array.from({ length: 2000 }, (_, i) => `r${String(i).padStart(5, "0")}-xyz`).join("");

const sent = (): TelegramCall[] =>
  tg.calls.filter((c) => c.method === "sendMessage" && c.status === 200 && c.chat_id === CHAT);

it("a daemon SIGKILLed while chunk 2 of 4 is in flight: the restart sends chunks 2..4 in order", async () => {
  expect(RESULT).toHaveLength(20_000);
  tg = await startFakeTelegram({ token: "55:split" });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
  sb.writeConfig({ notify: { heartbeatSeconds: 0 } });
  // 🚀, 📝 and chunk 1 accepted: the next sendMessage is chunk 2. Telegram acts on it, answers late.
  tg.failNext({ method: "sendMessage", delayMs: 10_000, when: () => sent().length === 3 });
  const v = await sb.json(["run", "--task", "-", "-p", sb.project, "--notify", `telegram:${CHAT}`], {
    stdin: `REPLAY_RESULT=${RESULT}`,
  });
  await sb.cli(["wait", v.id]);
  await waitFor(() => sent().length === 4, 30_000, "chunk 2 to reach the fake Telegram");
  const daemon = sb.daemonPid()!;
  process.kill(daemon, "SIGKILL");
  await waitFor(() => !isAlive(daemon), 5000, "the daemon to die");
  expect(sent().filter((c) => c.text?.includes("Full result:"))).toEqual([]); // chunks 3 and 4 not yet sent

  let final: NotificationView | undefined;
  await waitFor(
    async () => {
      final = (await sb.json<NotificationView[]>(["notifications", v.id])).find((n) => n.kind === "final");
      return final?.state === "delivered";
    },
    60_000,
    "the final to be delivered by the next daemon",
  );

  const chunks = sent()
    .slice(2)
    .map((c) => c.text!);
  const distinct = [...new Set(chunks)];
  expect(distinct).toHaveLength(4);
  expect(distinct[0]).toMatch(/^✅ <b>Claude Code task complete!<\/b>/);
  expect(distinct[3]).toContain(`Full result: ${v.files.result}`);
  // In order; only chunk 2 (in flight at the kill) may appear twice, and then back to back.
  expect(chunks.map((t) => distinct.indexOf(t))).toSatisfy(
    (order: number[]) =>
      JSON.stringify(order) === JSON.stringify([0, 1, 2, 3]) ||
      JSON.stringify(order) === JSON.stringify([0, 1, 1, 2, 3]),
  );
  // The result's text, in order, across the chunks: nothing skipped between chunk 1 and chunk 4
  // (a mark cut by a chunk boundary is split by markup, so a step of 2 is allowed there).
  const numbers = distinct.map((t) => (t.match(/r\d{5}-xyz/g) ?? []).map((m) => Number(m.slice(1, 6))));
  expect(numbers[0]![0]).toBe(0);
  for (const [k, chunk] of numbers.entries()) {
    for (let i = 1; i < chunk.length; i++) expect(chunk[i]).toBe(chunk[i - 1]! + 1);
    if (k > 0) expect(chunk[0]! - numbers[k - 1]!.at(-1)!).toBeOneOf([1, 2]);
  }
  expect(final!.attempts).toBe(2);
}, 120_000);
