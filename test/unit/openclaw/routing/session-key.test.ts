import { describe, expect, it } from "vitest";
import { type ParsedKey, parseSessionKey } from "../../../../src/openclaw/routing/session-key.js";

function parse(key: string): ParsedKey {
  const r = parseSessionKey(key);
  if (!r.ok) throw new Error(r.problem);
  return r.parsed;
}

function pick(p: ParsedKey) {
  const { family, agentId, channel, target, threadId, accountId, telegramThread, wakeKey } = p;
  return { family, agentId, channel, target, threadId, accountId, telegramThread, wakeKey };
}

describe("parseSessionKey: every key family of openclaw.md §5.3", () => {
  it("main DM session, any agent id", () => {
    expect(pick(parse("agent:ops:main"))).toEqual({
      family: "main",
      agentId: "ops",
      channel: null,
      target: null,
      threadId: null,
      accountId: null,
      telegramThread: false,
      wakeKey: "agent:ops:main",
    });
  });

  it("Telegram DM thread, 2026.2.23 format: thread id only, parent main key to wake", () => {
    expect(pick(parse("agent:main:main:thread:369520"))).toEqual({
      family: "telegram-dm-thread",
      agentId: "main",
      channel: "telegram",
      target: null,
      threadId: "369520",
      accountId: null,
      telegramThread: true,
      wakeKey: "agent:main:main",
    });
  });

  it("Telegram DM thread, 2026.3.2 composite format: chat id then thread id (the LAST segment)", () => {
    expect(pick(parse("agent:coder:main:thread:123456789:42"))).toEqual({
      family: "telegram-dm-thread",
      agentId: "coder",
      channel: "telegram",
      target: "123456789",
      threadId: "42",
      accountId: null,
      telegramThread: true,
      wakeKey: "agent:coder:main",
    });
  });

  it("Telegram DM thread on a per-channel-peer base", () => {
    const p = parse("agent:main:telegram:direct:555:thread:555:9");
    expect(pick(p)).toMatchObject({
      family: "telegram-dm-thread",
      channel: "telegram",
      target: "555",
      threadId: "9",
      wakeKey: "agent:main:telegram:direct:555",
    });
    // one segment after :thread: on a Telegram DM base: the chat is the peer
    expect(pick(parse("agent:main:telegram:direct:555:thread:9"))).toMatchObject({
      target: "555",
      threadId: "9",
    });
  });

  it("Telegram forum topic: chat and topic from the key, the group key to wake", () => {
    expect(pick(parse("agent:main:telegram:group:-1009876:topic:7"))).toEqual({
      family: "telegram-topic",
      agentId: "main",
      channel: "telegram",
      target: "-1009876",
      threadId: "7",
      accountId: null,
      telegramThread: true,
      wakeKey: "agent:main:telegram:group:-1009876",
    });
  });

  it("Telegram group without a topic", () => {
    expect(pick(parse("agent:main:telegram:group:-1009876"))).toMatchObject({
      family: "telegram-group",
      target: "-1009876",
      threadId: null,
      telegramThread: false,
    });
  });

  it("WhatsApp group", () => {
    expect(pick(parse("agent:main:whatsapp:group:120363012345678901@g.us"))).toEqual({
      family: "whatsapp-group",
      agentId: "main",
      channel: "whatsapp",
      target: "120363012345678901@g.us",
      threadId: null,
      accountId: null,
      telegramThread: false,
      wakeKey: "agent:main:whatsapp:group:120363012345678901@g.us",
    });
  });

  it("WhatsApp group on a non-default account: the :thread:whatsapp-account-<id> suffix is NOT a thread", () => {
    const key = "agent:sales:whatsapp:group:120363012345678901@g.us:thread:whatsapp-account-work";
    expect(pick(parse(key))).toEqual({
      family: "whatsapp-group",
      agentId: "sales",
      channel: "whatsapp",
      target: "120363012345678901@g.us",
      threadId: null,
      accountId: "work",
      telegramThread: false,
      wakeKey: key,
    });
  });

  it("the WhatsApp account suffix: any agent, OpenClaw's id rule, lower-cased; an empty or invalid one is refused", () => {
    const key = "agent:ops-2:whatsapp:group:120363012345678901@g.us:thread:whatsapp-account-Biz_2";
    expect(pick(parse(key))).toMatchObject({
      family: "whatsapp-group",
      agentId: "ops-2",
      target: "120363012345678901@g.us",
      threadId: null,
      accountId: "biz_2",
      wakeKey: key,
    });
    for (const bad of ["whatsapp-account-", "whatsapp-account--x", "whatsapp-account-a.b"]) {
      const k = `agent:main:whatsapp:group:120363012345678901@g.us:thread:${bad}`;
      expect(parseSessionKey(k)).toEqual({
        ok: false,
        problem: `"${k}" ends in ${bad}, which names no WhatsApp account (expected whatsapp-account-<accountId>, e.g. whatsapp-account-work)`,
      });
    }
  });

  it("per-peer DM: the channel is not in the key", () => {
    expect(pick(parse("agent:main:direct:+15551234567"))).toMatchObject({
      family: "direct-peer",
      channel: null,
      target: "+15551234567",
    });
  });

  it("per-channel-peer and per-account-channel-peer DMs (direct: and the documented dm:)", () => {
    expect(pick(parse("agent:main:whatsapp:direct:+15551234567"))).toMatchObject({
      family: "direct",
      channel: "whatsapp",
      target: "+15551234567",
      accountId: null,
    });
    expect(pick(parse("agent:main:telegram:direct:123456789"))).toMatchObject({
      family: "direct",
      channel: "telegram",
      target: "123456789",
    });
    expect(pick(parse("agent:main:whatsapp:biz:direct:+15551234567"))).toMatchObject({
      family: "direct",
      channel: "whatsapp",
      accountId: "biz",
      target: "+15551234567",
    });
    expect(pick(parse("agent:main:signal:personal:dm:+15550000000"))).toMatchObject({
      family: "direct",
      channel: "signal",
      accountId: "personal",
    });
  });

  it("Telegram user-scope key", () => {
    expect(pick(parse("agent:main:telegram:user:123456789"))).toMatchObject({
      family: "telegram-user",
      channel: "telegram",
      target: "123456789",
      telegramThread: false,
    });
  });

  it("Discord and Slack channels, and a Slack thread (its own thread, not Telegram's)", () => {
    expect(pick(parse("agent:main:discord:channel:1122334455"))).toMatchObject({
      family: "channel",
      channel: "discord",
      target: "1122334455",
      threadId: null,
    });
    expect(pick(parse("agent:main:slack:channel:C0123ABC:thread:1712345678.123456"))).toEqual({
      family: "channel",
      agentId: "main",
      channel: "slack",
      target: "C0123ABC",
      threadId: "1712345678.123456",
      accountId: null,
      telegramThread: false,
      wakeKey: "agent:main:slack:channel:C0123ABC",
    });
  });

  it("other groups keep their channel", () => {
    expect(pick(parse("agent:main:discord:group:998877"))).toMatchObject({
      family: "group",
      channel: "discord",
      target: "998877",
    });
  });

  it("explicit session ids carry the session UUID", () => {
    const p = parse("agent:main:explicit:2f0b8c1e-3c1d-4a53-9a55-0d5f7e0c9a11");
    expect(p.family).toBe("explicit");
    expect(p.sessionId).toBe("2f0b8c1e-3c1d-4a53-9a55-0d5f7e0c9a11");
  });

  it("subagent, cron, hook and node keys have no chat", () => {
    expect(parse("agent:main:subagent:abc").family).toBe("other");
    expect(parse("cron:nightly").agentId).toBeNull();
    expect(parse("hook:9e1c").family).toBe("other");
    expect(parse("node-42").family).toBe("other");
  });

  it("refuses what is not a session key, saying what was received", () => {
    expect(parseSessionKey("")).toEqual({ ok: false, problem: "the session key is empty" });
    expect(parseSessionKey("main")).toEqual({
      ok: false,
      problem: '"main" is not an OpenClaw session key (expected agent:<agentId>:…, e.g. agent:main:main)',
    });
    expect(parseSessionKey("agent::main").ok).toBe(false);
    expect(parseSessionKey("agent:main").ok).toBe(false);
    expect(parseSessionKey("agent:main:main thread").ok).toBe(false);
  });
});
