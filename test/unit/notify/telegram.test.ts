import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotificationContent, SendResult } from "../../../src/notification.js";
import type { SendRequest } from "../../../src/notify/channel.js";
import { TelegramChannel } from "../../../src/notify/telegram.js";
import { renderTelegram, renderTelegramPlain } from "../../../src/notify/telegram-format.js";
import { type FakeTelegram, type FakeTelegramOptions, startFakeTelegram } from "../../fakes/telegram-api.js";

function content(over: Partial<NotificationContent> = {}): NotificationContent {
  return {
    kind: "final",
    icon: "✅",
    title: "Claude Code task complete",
    fields: [["Project", "/home/me/app"]],
    quote: { label: "Result", text: "All <12> tests pass & done." },
    footer: "Full output: /tmp/result.md",
    line: "✅ done",
    silent: false,
    ...over,
  };
}

function request(
  over: Partial<SendRequest> & { chatId?: string; threadId?: number | null } = {},
): SendRequest {
  const { chatId = "4242", threadId = null, ...rest } = over;
  return {
    target: { scheme: "telegram", chatId, threadId },
    content: content(),
    runId: "r1",
    deliveryId: "r1:final:0",
    ...rest,
  };
}

const big = (chars: number) =>
  Array.from({ length: Math.ceil(chars / 80) }, (_, i) => `${i} ${"z".repeat(76)}`).join("\n");

let fake: FakeTelegram;
let channel: TelegramChannel;

async function start(opts: FakeTelegramOptions = {}, timeoutMs = 2000) {
  fake = await startFakeTelegram(opts);
  channel = new TelegramChannel({ token: fake.token, apiRoot: `${fake.apiRoot}/`, timeoutMs });
}

/** Failures must never carry the bot token (it is in every request URL). */
function expectNoToken(result: SendResult) {
  expect(JSON.stringify(result)).not.toContain(fake.token);
  expect(JSON.stringify(result)).not.toContain(fake.token.split(":")[1]);
}

beforeEach(() => start());
afterEach(() => fake.close());

describe("TelegramChannel.send", () => {
  it("sends HTML with silence and link previews as asked, returning the message id", async () => {
    const req = request({ content: content({ silent: true }) });
    expect(await channel.send(req)).toEqual({ ok: true, remoteId: "1" });
    expect(await channel.send({ ...req, deliveryId: "r1:final:1" })).toEqual({ ok: true, remoteId: "2" });
    const [call] = fake.calls;
    expect(call).toMatchObject({
      method: "sendMessage",
      chat_id: "4242",
      parse_mode: "HTML",
      disable_notification: true,
      message_thread_id: null,
      status: 200,
      text: renderTelegram(req.content)[0],
    });
  });

  it("posts into a forum topic, and omits the id for the General topic", async () => {
    expect(await channel.send(request({ chatId: "-1001234", threadId: 7 }))).toEqual({
      ok: true,
      remoteId: "1",
    });
    expect(await channel.send(request({ chatId: "-1001234", threadId: 1 }))).toEqual({
      ok: true,
      remoteId: "2",
    });
    expect(fake.calls.map((c) => c.message_thread_id)).toEqual([7, null]);
  });

  it("fails permanently on a missing thread, never falling back to the main chat", async () => {
    await fake.close();
    await start({ missingThreads: [99] });
    const result = await channel.send(request({ chatId: "-1001234", threadId: 99 }));
    expect(result).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 400,
        description: "Bad Request: message thread not found",
        retryAfterSeconds: null,
        permanent: true,
      },
    });
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls.every((c) => c.message_thread_id === 99)).toBe(true);
  });

  it("resends a chunk once as plain text when Telegram cannot parse the markup", async () => {
    const detail = `Bad Request: can't parse entities: Unsupported start tag "x" at byte offset 3`;
    fake.failNext({ status: 400, description: detail });
    const req = request();
    expect(await channel.send(req)).toEqual({ ok: true, remoteId: "1" });
    expect(fake.calls.map((c) => [c.parse_mode, c.status])).toEqual([
      ["HTML", 400],
      [null, 200],
    ]);
    expect(fake.calls[1]?.text).toBe(renderTelegramPlain(req.content)[0]);
    expect(fake.calls[1]?.text).toContain("All <12> tests pass & done.");

    fake.failNext({ status: 400, description: detail, count: 2 });
    const again = await channel.send({ ...req, deliveryId: "other" });
    expect(again).toMatchObject({
      ok: false,
      failure: { status: 400, description: detail, permanent: true },
    });
    expect(fake.calls).toHaveLength(4);
  });

  it("reports 429 with retry_after as a temporary remote failure", async () => {
    fake.failNext({ status: 429, retryAfter: 3 });
    expect(await channel.send(request())).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 429,
        description: "Too Many Requests: retry after 3",
        retryAfterSeconds: 3,
        permanent: false,
      },
    });
  });

  it.each([
    ["401 wrong token", { token: "999:wrong" }, "4242", 401, "Unauthorized"],
    ["403 blocked", {}, "777", 403, "Forbidden: bot was blocked by the user"],
    ["400 chat not found", {}, "555", 400, "Bad Request: chat not found"],
  ])("%s is permanent", async (_name, over, chatId, status, description) => {
    await fake.close();
    await start({ blockedChats: ["777"], notFoundChats: ["555"] });
    const ch = new TelegramChannel({ token: fake.token, apiRoot: fake.apiRoot, ...over });
    const result = await ch.send(request({ chatId }));
    expect(result).toEqual({
      ok: false,
      failure: { kind: "remote", status, description, retryAfterSeconds: null, permanent: true },
    });
    expectNoToken(result);
  });

  it("reports a dropped connection, a timeout and a refused connection as network failures", async () => {
    fake.dropConnections(1);
    const dropped = await channel.send(request());
    expect(dropped).toMatchObject({ ok: false, failure: { kind: "network" } });
    expectNoToken(dropped);

    await fake.close();
    await start({}, 200);
    fake.failNext({ hang: true });
    const hung = await channel.send(request());
    expect(hung).toMatchObject({
      ok: false,
      failure: { kind: "network", message: /no answer within 0\.2 s/ },
    });

    await fake.close();
    const refused = await channel.send(request());
    expect(refused).toMatchObject({ ok: false, failure: { kind: "network", message: /ECONNREFUSED/ } });
    expectNoToken(refused);
    await start(); // afterEach closes it
  });

  it("tells a proxy's 502 page (network) from Telegram's own 5xx (remote, temporary)", async () => {
    fake.failFor(300, { status: 502, proxy: true });
    const proxied = await channel.send(request());
    expect(proxied).toMatchObject({
      ok: false,
      failure: { kind: "network", message: /HTTP 502 without a Bot API/ },
    });
    await new Promise((r) => setTimeout(r, 350));
    expect(await channel.send(request())).toEqual({ ok: true, remoteId: "1" });

    fake.failNext({ status: 500 });
    expect(await channel.send(request())).toMatchObject({
      ok: false,
      failure: { kind: "remote", status: 500, description: "Internal Server Error", permanent: false },
    });
  });

  it("never puts the token in a failure, even when the service echoes it", async () => {
    fake.failNext({ status: 400, description: `Bad Request: no such path /bot${fake.token}/x` });
    const result = await channel.send(request());
    expect(result).toMatchObject({
      ok: false,
      failure: { description: "Bad Request: no such path /bot<token>/x" },
    });
    expectNoToken(result);
  });

  it("sends a long result as ordered chunks and returns the first chunk's id", async () => {
    const req = request({ content: content({ quote: { label: "Result", text: big(1_000_000) } }) });
    expect(await channel.send(req)).toEqual({ ok: true, remoteId: "1" });
    expect(fake.calls.map((c) => c.status)).toEqual([200, 200, 200, 200]);
    expect(fake.calls.map((c) => c.text)).toEqual(renderTelegram(req.content));
  });

  it("resumes a partly delivered notification at the failed chunk under a 429 storm", async () => {
    await fake.close();
    await start({ rateLimit: { perSecond: 2, retryAfter: 1 } });
    const parts: { index: number; total: number; remoteId: string | null }[] = [];
    const req = {
      ...request({ content: content({ quote: { label: "Result", text: big(14_000) } }) }),
      onPart: (p: (typeof parts)[number]) => parts.push(p),
    };
    const first = await channel.send(req);
    expect(first).toMatchObject({
      ok: false,
      failure: { status: 429, retryAfterSeconds: 1, permanent: false },
    });
    expect(parts).toEqual([
      { index: 0, total: 4, remoteId: "1" },
      { index: 1, total: 4, remoteId: "2" },
    ]);
    await new Promise((r) => setTimeout(r, 1100));
    // The caller stored the accepted parts and goes on from the first one not accepted.
    expect(await channel.send({ ...req, fromPart: parts.length })).toEqual({ ok: true, remoteId: null });
    expect(parts.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    const chunks = renderTelegram(req.content);
    expect(chunks).toHaveLength(4);
    const delivered = fake.calls.filter((c) => c.status === 200).map((c) => c.text);
    expect(delivered).toEqual(chunks);
  });
});

describe("TelegramChannel.edit", () => {
  it("edits a heartbeat card in place; an unchanged card counts as delivered", async () => {
    const beat = (text: string) => content({ kind: "heartbeat", icon: "📡", title: text, silent: true });
    const sent = await channel.send(request({ content: beat("CC (1min)"), deliveryId: "r1:hb" }));
    expect(sent).toEqual({ ok: true, remoteId: "1" });
    const edit = { ...request({ content: beat("CC (2min)") }), editRemoteId: "1" };
    expect(await channel.edit(edit)).toEqual({ ok: true, remoteId: "1" });
    expect(await channel.edit(edit)).toEqual({ ok: true, remoteId: "1" });
    expect(fake.calls.map((c) => [c.method, c.message_id, c.status])).toEqual([
      ["sendMessage", null, 200],
      ["editMessageText", 1, 200],
      ["editMessageText", 1, 400],
    ]);
    expect(fake.calls[2]?.description).toMatch(/^Bad Request: message is not modified/);
  });

  it("reports an edit of a message that does not exist as permanent", async () => {
    const result = await channel.edit({ ...request(), editRemoteId: "41" });
    expect(result).toMatchObject({
      ok: false,
      failure: { status: 400, description: "Bad Request: message to edit not found", permanent: true },
    });
  });
});

describe("TelegramChannel configuration", () => {
  it("refuses an apiRoot that includes /bot<token>, without echoing the token", () => {
    const token = "123:SECRET";
    expect(() => new TelegramChannel({ token, apiRoot: `http://127.0.0.1:1/bot${token}` })).toThrow(
      /server root only/,
    );
    try {
      new TelegramChannel({ token, apiRoot: `http://127.0.0.1:1/bot${token}` });
    } catch (err) {
      expect(String(err)).not.toContain("SECRET");
    }
  });
});
