// The fake must answer like Telegram does, or the channel tests prove nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callBotApi } from "../../../src/notify/telegram-http.js";
import { type FakeTelegram, startFakeTelegram } from "../../fakes/telegram-api.js";

let fake: FakeTelegram;
beforeEach(async () => {
  fake = await startFakeTelegram({ missingThreads: [5] });
});
afterEach(() => fake.close());

async function send(params: object) {
  return callBotApi({ token: fake.token, apiRoot: fake.apiRoot, timeoutMs: 2000 }, "sendMessage", {
    chat_id: "-1001",
    parse_mode: "HTML",
    ...params,
  });
}

const refusal = (description: string) => ({
  ok: false,
  failure: { kind: "remote", status: 400, description, retryAfterSeconds: null, permanent: true },
});

describe("fake Telegram Bot API", () => {
  it.each([
    ["<b>x", `Can't find end tag corresponding to start tag "b"`],
    ["é<script>x</script>", `Unsupported start tag "script" at byte offset 2`],
    ["a < b", `Unsupported start tag "" at byte offset 2`],
    ["<i>x</a>", `Unmatched end tag at byte offset 4, expected "</i>", found "</a>"`],
    ["x</b>", "Unexpected end tag at byte offset 1"],
  ])("refuses %j with Telegram's parse error", async (text, detail) => {
    expect(await send({ text })).toEqual(refusal(`Bad Request: can't parse entities: ${detail}`));
  });

  it("counts the limit after entity parsing and refuses empty text", async () => {
    expect(await send({ text: `<b>${"&amp;".repeat(4096)}</b>` })).toMatchObject({ ok: true });
    expect(await send({ text: "x".repeat(4097) })).toEqual(refusal("Bad Request: message is too long"));
    expect(await send({ text: "<b> </b>" })).toEqual(refusal("Bad Request: message text is empty"));
    expect(await send({ text: "a & b <blockquote expandable>q</blockquote>" })).toMatchObject({ ok: true });
  });

  it("refuses thread 1 and configured missing threads; returns realistic messages", async () => {
    expect(await send({ text: "x", message_thread_id: 1 })).toEqual(
      refusal("Bad Request: message thread not found"),
    );
    expect(await send({ text: "x", message_thread_id: 5 })).toEqual(
      refusal("Bad Request: message thread not found"),
    );
    const ok = await send({ text: "<b>ok</b>", message_thread_id: 9 });
    expect(ok).toEqual({
      ok: true,
      result: {
        message_id: 1,
        from: expect.objectContaining({ is_bot: true }),
        date: expect.any(Number),
        chat: { id: -1001, type: "group", title: "Fake group" },
        message_thread_id: 9,
        is_topic_message: true,
        text: "ok",
      },
    });
    const date = (ok as { result: { date: number } }).result.date;
    expect(Math.abs(date - Date.now() / 1000)).toBeLessThan(5);
    await fake.waitForCalls(3, 1000);
  });
});
