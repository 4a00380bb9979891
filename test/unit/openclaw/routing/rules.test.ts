/**
 * The routing rules of seed-behaviour.md §3 over the recorded 2026.3.2 shapes
 * (test/fixtures/openclaw/2026.3.2, written from the documented shapes).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTarget } from "../../../../src/notify/targets.js";
import { parseChannelContext, routeTargets } from "../../../../src/openclaw/routing/resolve.js";
import { decideRoute, type Evidence } from "../../../../src/openclaw/routing/rules.js";
import {
  rowsOf,
  type SessionInfo,
  type TopicTranscript,
} from "../../../../src/openclaw/routing/session-info.js";
import { parseSessionKey } from "../../../../src/openclaw/routing/session-key.js";
import type { RoutingRequest } from "../../../../src/route.js";

const FIX = join(import.meta.dirname, "../../../fixtures/openclaw/2026.3.2");
const NOW = 1772400900000; // shortly after the fixtures' updatedAt
const HOUR = 3600_000;
const WA = "agent:main:whatsapp:group:120363012345678901@g.us";

const gatewayRows: SessionInfo[] = rowsOf(JSON.parse(readFileSync(join(FIX, "sessions_list.json"), "utf8")));

function req(session: string, more: Partial<RoutingRequest> = {}): RoutingRequest {
  return {
    session,
    notifyChannel: null,
    notifyThreadId: null,
    notifySessionId: null,
    replyToMessageId: null,
    allowMainTelegram: false,
    telegramRoutingMode: "auto",
    allowNoDelivery: false,
    traceLive: false,
    ...more,
  };
}

function evidence(more: Partial<Evidence> = {}): Evidence {
  return { sources: [], transcripts: [], context: null, problems: [], ...more };
}

const fromGateway = (rows = gatewayRows) => evidence({ sources: [{ source: "gateway", rows }] });

function decide(r: RoutingRequest, ev: Evidence, otherTargets = false) {
  const p = parseSessionKey(r.session);
  if (!p.ok) throw new Error(p.problem);
  return decideRoute(r, p.parsed, ev, { now: NOW, otherTargets });
}

function refusal(r: RoutingRequest, ev: Evidence): string {
  const d = decide(r, ev);
  if (d.ok) throw new Error(`expected a refusal, got ${JSON.stringify(d.route)}`);
  return d.message;
}

function route(r: RoutingRequest, ev: Evidence, otherTargets = false) {
  const d = decide(r, ev, otherTargets);
  if (!d.ok) throw new Error(d.message);
  return d;
}

describe("2026.3.2 sessions_list rows", () => {
  it("split telegram:<chatId> into channel and chat, keep session ids and updatedAt", () => {
    const main = gatewayRows.find((r) => r.key === "agent:main:main")!;
    expect(main).toEqual({
      key: "agent:main:main",
      sessionId: "0b7f6c2e-1111-4c1d-8a55-5d5f7e0c9a01",
      channel: "telegram",
      to: "111222333",
      threadId: null,
      accountId: "default",
      updatedAt: 1772400000000,
    });
    const wa = gatewayRows.find((r) => r.key.includes("whatsapp"))!;
    expect([wa.channel, wa.to]).toEqual(["whatsapp", "120363012345678901@g.us"]);
  });

  it("a 2026.9.6 row without routing and a 2026.9.6 store entry with delivery.route", () => {
    const [row] = rowsOf({
      sessions: [
        { key: "agent:main:telegram:group:-1009876:topic:7", kind: "group", sessionId: "s", updatedAt: 5 },
      ],
    });
    expect(row).toMatchObject({ to: null, sessionId: "s" });
    const [entry] = rowsOf([
      {
        key: "agent:main:main",
        delivery: {
          kind: "external",
          route: { channel: "telegram", target: { to: "telegram:42" }, thread: { id: 9 } },
          context: {},
          origin: {},
        },
      },
    ]);
    expect(entry).toMatchObject({ channel: "telegram", to: "42", threadId: "9" });
  });

  it("a 2026.9.6 RPC row for a forum topic: the chat before :topic:, the number thread id as text", () => {
    const [row] = rowsOf({
      sessions: [
        {
          key: "agent:main:telegram:group:-1001234567890:topic:7",
          deliveryContext: {
            channel: "telegram",
            to: "telegram:-1001234567890:topic:7",
            accountId: "default",
            threadId: 7,
          },
          lastTo: "telegram:-1001234567890:topic:7",
          lastThreadId: 7,
        },
      ],
    });
    expect(row).toMatchObject({ channel: "telegram", to: "-1001234567890", threadId: "7" });
    const [noThread] = rowsOf([{ key: "k", lastChannel: "telegram", lastTo: "telegram:-1001:topic:3" }]);
    expect(noThread).toMatchObject({ to: "-1001", threadId: "3" });
  });
});

describe("the thread path (forum topics and DM threads)", () => {
  it("a forum topic: chat and topic from the key, session id from the gateway, the group key to wake", () => {
    const d = route(
      req("agent:main:telegram:group:-1009876:topic:7", { replyToMessageId: "55" }),
      fromGateway(),
    );
    expect(d.route).toEqual({
      sessionKey: "agent:main:telegram:group:-1009876:topic:7",
      agentId: "main",
      family: "telegram-topic",
      channel: "telegram",
      target: "-1009876",
      threadId: "7",
      replyTo: "55",
      sessionId: "a3c4d5e6-3333-4f70-8192-a3b4c5d6e703",
      wakeKey: "agent:main:telegram:group:-1009876",
      resolvedFrom: "key",
    });
    expect(d.metadata).toEqual({
      sessionId: "a3c4d5e6-3333-4f70-8192-a3b4c5d6e703",
      telegramTarget: "-1009876",
    });
    expect(routeTargets({ ...d.route, traceLive: false, execShell: false, launchEnv: {} })).toEqual([
      "telegram:-1009876:topic:7",
    ]);
  });

  it("a 2026.3.2 composite DM thread key names its chat", () => {
    const d = route(req("agent:main:main:thread:111222333:4242"), fromGateway());
    expect(d.route).toMatchObject({ target: "111222333", threadId: "4242", wakeKey: "agent:main:main" });
    expect(d.route.sessionId).toBe("7d1e2f3a-2222-4b6c-9d0e-1f2a3b4c5d02");
  });

  it("a 2026.2.23-style DM thread key finds its 2026.3.2 composite twin (same parent, same thread)", () => {
    const d = route(req("agent:main:main:thread:4242"), fromGateway());
    expect(d.route).toMatchObject({
      target: "111222333",
      threadId: "4242",
      sessionId: "7d1e2f3a-2222-4b6c-9d0e-1f2a3b4c5d02",
      sessionKey: "agent:main:main:thread:4242",
      resolvedFrom: "gateway",
    });
    // two chats with that thread id: no guess
    const twin = gatewayRows.find((r) => r.key === "agent:main:main:thread:111222333:4242")!;
    const rows = [...gatewayRows, { ...twin, key: "agent:main:main:thread:999:4242", to: "999" }];
    expect(refusal(req("agent:main:main:thread:4242"), fromGateway(rows))).toMatch(
      /^❌ Invalid routing: thread session requires resolvable telegram target/,
    );
  });

  it("a 2026.2.23 DM thread key with no row anywhere: the topic transcript's sender_id (the original's fallback)", () => {
    const transcript: TopicTranscript = {
      agentId: "main",
      sessionId: "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06",
      threadId: "369520",
      mtimeMs: NOW - HOUR,
      senderId: "111222333",
      path: "x",
    };
    const d = route(req("agent:main:main:thread:369520"), evidence({ transcripts: [transcript] }));
    expect(d.route).toMatchObject({
      channel: "telegram",
      target: "111222333",
      threadId: "369520",
      sessionId: "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06",
      resolvedFrom: "disk",
    });
  });

  it("the exec tool's OPENCLAW_CHANNEL_CONTEXT is the last resort", () => {
    const context = parseChannelContext('{"sender":{"id":"111222333"},"chat":{"id":"111222333"}}');
    const d = route(req("agent:main:main:thread:369520"), evidence({ context }));
    expect(d.route).toMatchObject({ target: "111222333", resolvedFrom: "channel-context", sessionId: null });
  });

  it("--notify-channel other than telegram on a thread key is refused", () => {
    expect(refusal(req("agent:main:main:thread:1:2", { notifyChannel: "whatsapp" }), fromGateway())).toBe(
      "❌ Invalid routing: thread session requires --notify-channel telegram",
    );
  });

  it("--notify-session-id that does not match the key is refused with both ids", () => {
    const key = "agent:main:telegram:group:-1009876:topic:7";
    expect(refusal(req(key, { notifySessionId: "wrong-id" }), fromGateway())).toBe(
      [
        "❌ Invalid routing: --notify-session-id does not match --session key",
        `   session key: ${key}`,
        "   provided:   wrong-id",
        "   expected:   a3c4d5e6-3333-4f70-8192-a3b4c5d6e703",
      ].join("\n"),
    );
    const ok = route(req(key, { notifySessionId: "a3c4d5e6-3333-4f70-8192-a3b4c5d6e703" }), fromGateway());
    expect(ok.route.sessionId).toBe("a3c4d5e6-3333-4f70-8192-a3b4c5d6e703");
  });

  it("--notify-session-id is checked on a non-thread route too", () => {
    expect(refusal(req(WA, { notifySessionId: "other" }), fromGateway())).toMatch(
      /^❌ Invalid routing: --notify-session-id does not match --session key\n {3}session key: agent:main:whatsapp/,
    );
  });

  it("--notify-thread-id on a key of another channel is refused, not sent to Telegram", () => {
    expect(refusal(req(WA, { notifyThreadId: "5" }), fromGateway())).toBe(
      [
        "❌ Invalid routing: --notify-thread-id is a Telegram thread id, but the session key is a whatsapp session",
        `   session key: ${WA}`,
        "   Drop --notify-thread-id, or pass the key of the Telegram thread.",
      ].join("\n"),
    );
  });

  it("a channel context that is no Telegram chat id is not taken for one", () => {
    const context = parseChannelContext('{"chat":{"id":"120363012345678901@g.us"}}');
    expect(refusal(req("agent:main:main:thread:369520"), evidence({ context }))).toMatch(
      /^❌ Invalid routing: thread session requires resolvable telegram target/,
    );
  });

  it("a thread whose chat cannot be resolved is refused, with what each lookup said", () => {
    const ev = evidence({
      problems: ["gateway: the OpenClaw gateway at http://127.0.0.1:1 is unreachable (ECONNREFUSED)"],
    });
    expect(refusal(req("agent:main:main:thread:369520"), ev)).toBe(
      [
        "❌ Invalid routing: thread session requires resolvable telegram target (auto-resolve failed)",
        "   Tip: ensure session exists in sessions_list or local thread session files",
        "   Lookup: gateway: the OpenClaw gateway at http://127.0.0.1:1 is unreachable (ECONNREFUSED)",
      ].join("\n"),
    );
  });

  it("--notify-thread-id turns any Telegram key into the thread path", () => {
    const d = route(req("agent:main:main", { notifyThreadId: "99" }), fromGateway());
    expect(d.route).toMatchObject({ channel: "telegram", target: "111222333", threadId: "99" });
  });
});

describe("non-thread Telegram guards", () => {
  it("thread-only refuses any non-thread Telegram route, naming the key's agent", () => {
    expect(
      refusal(req("agent:ops:telegram:direct:5", { telegramRoutingMode: "thread-only" }), evidence()),
    ).toBe(
      [
        "❌ Unsafe routing blocked: Telegram launch requires thread session (:thread:<id>)",
        "   Use --session agent:ops:main:thread:<id>",
      ].join("\n"),
    );
  });

  it("auto refuses a user-scope key unless --allow-main-telegram or allow-non-thread", () => {
    const key = "agent:main:telegram:user:111222333";
    expect(refusal(req(key), evidence())).toBe(
      [
        "❌ Unsafe routing blocked: session key is non-thread user scope (agent:main:telegram:user:...).",
        "   For thread chats use --session agent:main:main:thread:<id>.",
        "   For intentional non-thread Telegram, pass --allow-main-telegram or --telegram-routing-mode allow-non-thread.",
      ].join("\n"),
    );
    expect(route(req(key, { allowMainTelegram: true }), evidence()).route.target).toBe("111222333");
    expect(route(req(key, { telegramRoutingMode: "allow-non-thread" }), evidence()).route.target).toBe(
      "111222333",
    );
  });

  it("auto refuses a non-thread launch while a thread session of the same chat was active in the last 24 h", () => {
    const msg = [
      "❌ Unsafe routing blocked: recent thread session detected for this Telegram target.",
      "   Use thread session key (:thread:<id>) or pass --allow-main-telegram to force non-thread.",
    ].join("\n");
    expect(refusal(req("agent:main:main"), fromGateway())).toBe(msg);
    // the same thread session two days old does not block
    const stale = gatewayRows.map((r) => ({ ...r, updatedAt: NOW - 48 * HOUR }));
    expect(route(req("agent:main:main"), fromGateway(stale)).route).toMatchObject({
      channel: "telegram",
      target: "111222333",
      threadId: null,
      resolvedFrom: "gateway",
    });
    expect(route(req("agent:main:main", { allowMainTelegram: true }), fromGateway()).route.target).toBe(
      "111222333",
    );
    // a forum topic of a group blocks the group's non-thread key
    expect(refusal(req("agent:main:telegram:group:-1009876"), fromGateway())).toBe(msg);
  });

  it("a recent topic transcript whose sender is the chat blocks too (disk-only)", () => {
    const t: TopicTranscript = {
      agentId: "main",
      sessionId: "s",
      threadId: "369520",
      mtimeMs: NOW - HOUR,
      senderId: "5",
      path: "x",
    };
    expect(refusal(req("agent:main:telegram:direct:5"), evidence({ transcripts: [t] }))).toMatch(
      /^❌ Unsafe routing blocked: recent thread session detected/,
    );
    expect(
      route(
        req("agent:main:telegram:direct:5"),
        evidence({ transcripts: [{ ...t, mtimeMs: NOW - 30 * HOUR }] }),
      ).route.target,
    ).toBe("5");
  });

  it("--notify-channel telegram with nothing resolvable is refused", () => {
    expect(refusal(req("agent:main:main", { notifyChannel: "telegram" }), evidence())).toBe(
      [
        "❌ Invalid routing: Telegram target could not be resolved from session metadata",
        "   Provide a valid thread/user session key resolvable via sessions_list/local files.",
      ].join("\n"),
    );
  });
});

describe("other channels, through the gateway", () => {
  it("a WhatsApp group needs no lookup", () => {
    const d = route(req("agent:main:whatsapp:group:120363012345678901@g.us"), evidence());
    expect(d.route).toMatchObject({ channel: "whatsapp", target: "120363012345678901@g.us", threadId: null });
    expect(routeTargets({ ...d.route, traceLive: false, execShell: false, launchEnv: {} })).toEqual([
      "openclaw:whatsapp:120363012345678901@g.us",
    ]);
  });

  it("the :thread:whatsapp-account-<id> suffix never takes the Telegram thread path", () => {
    const key = "agent:main:whatsapp:group:120363012345678901@g.us:thread:whatsapp-account-work";
    const d = route(req(key, { notifyChannel: "whatsapp" }), evidence());
    expect(d.route).toMatchObject({ channel: "whatsapp", threadId: null, wakeKey: key });
  });

  it("the account a key names (whatsapp-account-<id>, per-account-channel-peer) travels to the send", () => {
    const key = `${WA}:thread:whatsapp-account-work`;
    const wa = route(req(key), evidence()).route;
    expect(wa).toMatchObject({ channel: "whatsapp", target: "120363012345678901@g.us", accountId: "work" });
    const targets = routeTargets({ ...wa, traceLive: false, execShell: false, launchEnv: {} });
    expect(targets).toEqual(["openclaw:whatsapp:120363012345678901@g.us:account:work"]);
    expect(parseTarget(targets[0]!)).toEqual({
      scheme: "openclaw",
      channel: "whatsapp",
      target: "120363012345678901@g.us",
      threadId: null,
      accountId: "work",
    });
    const dm = route(req("agent:main:whatsapp:biz:direct:+15551234567"), evidence()).route;
    expect(routeTargets({ ...dm, traceLive: false, execShell: false, launchEnv: {} })).toEqual([
      "openclaw:whatsapp:+15551234567:account:biz",
    ]);
    // the default account's group key names none: nothing is added
    expect(route(req(WA), evidence()).route.accountId).toBeUndefined();
  });

  it("Discord channels and Slack threads", () => {
    // the row's destination is what OpenClaw itself delivers to
    expect(route(req("agent:main:discord:channel:1122334455"), fromGateway()).route).toMatchObject({
      channel: "discord",
      target: "channel:1122334455",
      sessionId: "c5e6f708-5555-4b92-a3b4-c5d6e7f80905",
      resolvedFrom: "gateway",
    });
    const slack = route(req("agent:main:slack:channel:C01:thread:1712345678.123456"), evidence()).route;
    expect(slack).toMatchObject({
      channel: "slack",
      target: "channel:C01",
      threadId: "1712345678.123456",
      resolvedFrom: "key",
    });
    const targets = routeTargets({ ...slack, traceLive: false, execShell: false, launchEnv: {} });
    expect(targets).toEqual(["openclaw:slack:channel:C01:topic:1712345678.123456"]);
    // the thread survives the target syntax
    expect(parseTarget(targets[0]!)).toEqual({
      scheme: "openclaw",
      channel: "slack",
      target: "channel:C01",
      threadId: "1712345678.123456",
    });
  });

  it("a per-peer key takes its channel from the session's row", () => {
    const rows = [
      {
        key: "agent:main:direct:+15551234567",
        sessionId: "x",
        channel: "whatsapp",
        to: "+15551234567",
        threadId: null,
        accountId: null,
        updatedAt: NOW,
      },
    ];
    expect(route(req("agent:main:direct:+15551234567"), fromGateway(rows)).route).toMatchObject({
      channel: "whatsapp",
      target: "+15551234567",
    });
  });

  it("--notify-channel that contradicts the key is refused", () => {
    expect(refusal(req("agent:main:discord:channel:1", { notifyChannel: "slack" }), evidence())).toBe(
      [
        "❌ Invalid routing: --notify-channel slack does not match the session's channel discord",
        "   session key: agent:main:discord:channel:1",
        "   Drop --notify-channel, or pass the key of a slack session.",
      ].join("\n"),
    );
  });
});

describe("a key that resolves to no target", () => {
  it("is refused with the family recognised and what to pass instead", () => {
    expect(
      refusal(
        req("agent:main:subagent:4f1c"),
        evidence({ problems: ["disk: no OpenClaw session store under /x/agents/main"] }),
      ),
    ).toBe(
      [
        "❌ Invalid routing: session key resolves to no delivery target (recognised as a session without a chat (subagent, cron, hook or node))",
        "   session key: agent:main:subagent:4f1c",
        "   Tip: this session has no chat of its own; pass the key of the chat that should hear about the run.",
        "   Or add --notify TARGET (telegram:<chatId>, openclaw:<channel>:<target>), or pass --allow-no-delivery to start it with no notifications.",
        "   Lookup: disk: no OpenClaw session store under /x/agents/main",
      ].join("\n"),
    );
    expect(refusal(req("agent:work:main"), evidence())).toMatch(
      /recognised as the agent's main DM session\)\n {3}session key: agent:work:main\n {3}Tip: pass the key of the chat itself \(e\.g\. agent:work:main:thread:/,
    );
  });

  it("starts with --allow-no-delivery, or when --notify gives another target", () => {
    expect(route(req("agent:main:subagent:4f1c", { allowNoDelivery: true }), evidence()).route).toMatchObject(
      {
        channel: null,
        target: null,
        resolvedFrom: "none",
      },
    );
    expect(route(req("agent:main:main"), evidence(), true).route.target).toBeNull();
  });
});
