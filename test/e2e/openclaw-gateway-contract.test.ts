/**
 * The facts cctask relies on, checked against the REAL OpenClaw gateway (the version pinned in
 * scripts/install-test-peers.sh) with a fake model and the fake Telegram Bot API. One gateway for
 * the whole file; sessions are created the way users create them (Telegram messages), then every
 * surface cctask reads or calls is asked. If one of these fails after an OpenClaw upgrade, the
 * routing or waking code that depends on it must change too.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { type FakeOpenAi, startFakeOpenAi } from "../fakes/openai-api.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { waitFor } from "../helpers/cctask.js";
import {
  GATEWAY_TOKEN,
  HOOKS_TOKEN,
  type RealGateway,
  startRealGateway,
} from "../helpers/openclaw-gateway.js";
import { agentStorePath, converse, readSessionStore, waitForSend } from "../helpers/openclaw-sessions.js";

const FORUM = { chatId: -1001234567890, fromId: 5550001, threadId: 7 };
const DM = { chatId: 5550002, fromId: 5550002 };
const DM_THREAD = { chatId: 5550003, fromId: 5550003, threadId: 42 };
const TOPIC_KEY = "agent:main:telegram:group:-1001234567890:topic:7";
const DM_KEY = "agent:main:main";
const DM_THREAD_KEY = "agent:main:main:thread:5550003:42";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const THREAD_REFUSAL =
  "sessions_send cannot target a thread session for inter-agent coordination. Use the parent channel session key instead.";
const EXEC_REFUSAL =
  "Gateway agent from agent exec would lose inter-session attribution. Use the attributed session-messaging tool available to this run, or return the result through normal subagent completion. Do not retry through another CLI route or remove the exec marker.";

type Row = Record<string, unknown>;

let model: FakeOpenAi;
let telegram: FakeTelegram;
let gw: RealGateway;
let rpcRows: Row[] = [];

const rowOf = (rows: Row[], key: string): Row => {
  const row = rows.find((r) => r.key === key);
  if (!row) throw new Error(`no session ${key} in ${JSON.stringify(rows.map((r) => r.key))}`);
  return row;
};

const details = (body: unknown): Row => (body as { result: { details: Row } }).result.details;

// A gateway that cannot start (peers not installed, not ready in time) fails every test with the
// reason; vitest would only mark them skipped if beforeAll threw.
let setupError: unknown = null;

beforeEach(() => {
  if (setupError) throw setupError;
});

beforeAll(async () => {
  try {
    await setUp();
  } catch (e) {
    setupError = e;
  }
}, 600_000);

async function setUp() {
  model = await startFakeOpenAi();
  telegram = await startFakeTelegram();
  gw = await startRealGateway({ model, telegram, toolsAllow: ["sessions_send"] });
  console.info(`openclaw ${gw.peers.openclaw.version} gateway ready in ${gw.readyMs} ms`);
  await Promise.all([
    converse(telegram, FORUM, "hello from the topic"),
    converse(telegram, DM, "hello from the dm"),
    converse(telegram, DM_THREAD, "hello from the dm thread"),
  ]);
}

afterAll(async () => {
  await gw?.stop();
  await telegram?.close();
  await model?.close();
});

describe("the real OpenClaw gateway", () => {
  test("is the pinned version", async () => {
    const run = await gw.openclaw(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^OpenClaw 2026\.9\.6 \([0-9a-f]+\)$/);
  }, 120_000);

  test("answers in the thread a message came from: topic, DM, DM thread", () => {
    const sends = telegram.calls.filter((c) => c.method === "sendMessage" && c.status === 200);
    const echo = (t: string) => sends.find((c) => c.text === `Echo: ${t}`);
    expect(echo("hello from the topic")).toMatchObject({ chat_id: "-1001234567890", message_thread_id: 7 });
    expect(echo("hello from the dm")).toMatchObject({ chat_id: "5550002", message_thread_id: null });
    expect(echo("hello from the dm thread")).toMatchObject({ chat_id: "5550003", message_thread_id: 42 });
  });

  test("sessions_list rows carry the key and session id but no routing fields", async () => {
    const reply = await gw.invoke("sessions_list", { limit: 50 });
    expect(reply.status).toBe(200);
    const d = details(reply.body);
    expect(d).toMatchObject({ count: 3, hasMore: false, limitApplied: 50 });
    const rows = d.sessions as Row[];
    expect(rows.map((r) => r.key).sort()).toEqual([DM_KEY, DM_THREAD_KEY, TOPIC_KEY].sort());
    const topic = rowOf(rows, TOPIC_KEY);
    expect(topic).toMatchObject({
      agentId: "main",
      kind: "group",
      channel: "telegram",
      displayName: "Fake forum",
    });
    expect(topic.sessionId).toMatch(UUID);
    expect(typeof topic.updatedAt).toBe("number");
    expect(rowOf(rows, DM_KEY)).toMatchObject({ kind: "main", channel: "telegram" });
    for (const row of rows) {
      for (const hidden of ["deliveryContext", "lastTo", "lastThreadId", "lastChannel", "origin"]) {
        expect(row).not.toHaveProperty(hidden);
      }
    }
  });

  test("RPC sessions.list has the routing fields: deliveryContext, lastTo, lastThreadId", async () => {
    const run = await gw.openclaw(["gateway", "call", "sessions.list", "--params", '{"limit":50}', "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const body = JSON.parse(run.stdout) as { path: string; sessions: Row[] };
    expect(body.path).toBe(agentStorePath(gw.stateDir, "main"));
    rpcRows = body.sessions;
    const topic = rowOf(rpcRows, TOPIC_KEY);
    expect(topic.deliveryContext).toEqual({
      channel: "telegram",
      to: "telegram:-1001234567890:topic:7",
      accountId: "default",
      threadId: 7,
    });
    expect(topic).toMatchObject({
      lastChannel: "telegram",
      lastTo: "telegram:-1001234567890:topic:7",
      lastThreadId: 7,
      lastAccountId: "default",
      chatType: "group",
    });
    const dm = rowOf(rpcRows, DM_KEY);
    expect(dm.deliveryContext).toEqual({ channel: "telegram", to: "telegram:5550002", accountId: "default" });
    expect(dm).toMatchObject({ lastTo: "telegram:5550002", chatType: "direct" });
    expect(dm.lastThreadId ?? null).toBeNull();
    const thread = rowOf(rpcRows, DM_THREAD_KEY);
    expect(thread.deliveryContext).toEqual({
      channel: "telegram",
      to: "telegram:5550003",
      accountId: "default",
      threadId: 42,
    });
    expect(thread).toMatchObject({ lastTo: "telegram:5550003", lastThreadId: 42, chatType: "direct" });
    for (const row of rpcRows) expect(row.sessionId).toMatch(UUID);
  }, 120_000);

  test("the SQLite store holds each key with its delivery route", async () => {
    const path = agentStorePath(gw.stateDir, "main");
    // entry_valid turns 1 once OpenClaw has validated a written entry (cctask's disk reader needs it).
    await waitFor(
      () => readSessionStore(path).sessions.every((s) => s.entryValid === 1),
      60_000,
      "every session_nodes row to have entry_valid = 1",
    );
    const store = readSessionStore(path);
    expect(store.meta).toEqual([
      expect.objectContaining({ role: "agent", agent_id: "main", app_version: "2026.9.6" }),
    ]);
    expect(store.columns("session_nodes")).toEqual(
      expect.arrayContaining(["session_key", "current_session_id", "entry_json", "updated_at"]),
    );
    expect(store.columns("conversations")).toEqual(
      expect.arrayContaining(["channel", "account_id", "kind", "peer_id", "delivery_target", "thread_id"]),
    );
    for (const key of [TOPIC_KEY, DM_KEY, DM_THREAD_KEY]) {
      const stored = store.sessions.find((s) => s.sessionKey === key);
      const rpc = rowOf(rpcRows, key);
      expect(stored?.sessionId).toBe(rpc.sessionId);
      const delivery = (stored?.entry.delivery ?? {}) as { context?: unknown };
      expect(delivery.context).toEqual(rpc.deliveryContext);
    }
    const topic = store.sessions.find((s) => s.sessionKey === TOPIC_KEY);
    expect(((topic?.entry.delivery ?? {}) as Row).route).toEqual({
      channel: "telegram",
      accountId: "default",
      target: { to: "telegram:-1001234567890:topic:7" },
      thread: { id: 7 },
    });
    expect(store.conversations).toContainEqual(
      expect.objectContaining({
        channel: "telegram",
        kind: "group",
        peer_id: "-1001234567890:topic:7",
        delivery_target: "telegram:-1001234567890:topic:7",
        thread_id: "7",
      }),
    );
  });

  test("openclaw agent --session-id --deliver --json answers with deliveryStatus and posts in the topic", async () => {
    const sessionId = String(rowOf(rpcRows, TOPIC_KEY).sessionId);
    const args = ["agent", "--session-id", sessionId, "--message", "Run r1 ended", "--deliver", "--json"];
    const run = await gw.openclaw(args, { timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    const reply = JSON.parse(run.stdout) as Row & { result: Row };
    expect(Object.keys(reply).sort()).toEqual(["deliveryStatus", "result", "runId", "status", "summary"]);
    expect(reply).toMatchObject({ status: "ok", summary: "completed" });
    expect(reply.runId).toMatch(UUID);
    expect(reply.deliveryStatus).toMatchObject({
      requested: true,
      attempted: true,
      status: "sent",
      succeeded: true,
    });
    expect(reply.result.deliveryStatus).toEqual(reply.deliveryStatus);
    expect(reply.result.payloads).toEqual([{ text: "Echo: Run r1 ended", mediaUrl: null }]);
    expect((reply.result.meta as { agentMeta: Row }).agentMeta.sessionId).toBe(sessionId);
    await waitForSend(telegram, FORUM, "Echo: Run r1 ended", 30_000);
  }, 240_000);

  test("openclaw agent refuses under OPENCLAW_SHELL=exec, before any model turn", async () => {
    const sessionId = String(rowOf(rpcRows, TOPIC_KEY).sessionId);
    const turns = model.requests.length;
    const args = ["agent", "--session-id", sessionId, "--message", "Run r2 ended", "--deliver", "--json"];
    const run = await gw.openclaw(args, { env: { OPENCLAW_SHELL: "exec" } });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      error: { type: "cli_error", message: EXEC_REFUSAL },
    });
    expect(model.requests.length).toBe(turns);
  }, 120_000);

  test("sessions_send with timeoutSeconds 0 is accepted for a main key and a bare session id", async () => {
    const byKey = await gw.invoke("sessions_send", {
      sessionKey: DM_KEY,
      message: "wake",
      timeoutSeconds: 0,
    });
    expect(byKey.status).toBe(200);
    expect(details(byKey.body)).toEqual({
      runId: expect.stringMatching(UUID),
      status: "accepted",
      sessionKey: DM_KEY,
      targetDisposition: "queued",
      delivery: { status: "pending", mode: "announce" },
    });
    const id = String(rowOf(rpcRows, DM_KEY).sessionId);
    const byId = await gw.invoke("sessions_send", { sessionKey: id, message: "wake", timeoutSeconds: 0 });
    expect(details(byId.body)).toMatchObject({ status: "accepted", sessionKey: DM_KEY });
  });

  test("sessions_send refuses topic and thread keys, and unknown keys, with HTTP 200", async () => {
    for (const key of [TOPIC_KEY, DM_THREAD_KEY]) {
      const reply = await gw.invoke("sessions_send", { sessionKey: key, message: "wake", timeoutSeconds: 0 });
      expect(reply.status).toBe(200);
      expect(details(reply.body)).toEqual({
        runId: expect.stringMatching(UUID),
        status: "error",
        error: THREAD_REFUSAL,
        sessionKey: key,
      });
    }
    const parent = "agent:main:telegram:group:-1001234567890";
    const missing = await gw.invoke("sessions_send", {
      sessionKey: parent,
      message: "wake",
      timeoutSeconds: 0,
    });
    expect(details(missing.body)).toMatchObject({ status: "error", error: `No session found: ${parent}` });
  });

  test("/tools/invoke: denied tool 404, bad token 401", async () => {
    const denied = await gw.invoke("sessions_spawn", {});
    expect(denied).toMatchObject({
      status: 404,
      body: { ok: false, error: { type: "not_found", message: "Tool not available: sessions_spawn" } },
    });
    const unauthorized = await gw.invoke("sessions_list", {}, "wrong-token");
    expect(unauthorized).toMatchObject({
      status: 401,
      body: { error: { message: "Unauthorized", type: "unauthorized" } },
    });
  });

  test("the message tool posts into a topic and answers with messageId, chatId and receipt.threadId", async () => {
    const args = {
      action: "send",
      channel: "telegram",
      target: "-1001234567890",
      threadId: "7",
      message: "Build **done**",
    };
    const reply = await gw.invoke("message", args);
    expect(reply.status).toBe(200);
    const d = details(reply.body);
    expect(d).toMatchObject({ ok: true, chatId: "-1001234567890", receipt: { threadId: "7" } });
    expect(d.messageId).toMatch(/^\d+$/);
    const sent = await waitForSend(telegram, FORUM, "Build <b>done</b>", 10_000);
    expect(sent.parse_mode).toBe("HTML");
    const empty = await gw.invoke("message", {
      action: "send",
      channel: "telegram",
      target: "-1001234567890",
    });
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ ok: false, error: { type: "tool_error", message: "message required" } });
  });

  test("the message tool to a WhatsApp target fails with 500 'tool execution failed'", async () => {
    const args = { action: "send", channel: "whatsapp", target: "120363000000000000@g.us", message: "done" };
    const reply = await gw.invoke("message", args);
    expect(reply.status).toBe(500);
    expect(reply.body).toEqual({
      ok: false,
      error: { type: "tool_error", message: "tool execution failed" },
    });
    await gw.waitForOutput(/tool execution failed: Error: Channel is unavailable: whatsapp/, 10_000);
  });

  test("POST /hooks/agent: 200 with a runId, 400 for a sessionKey unless allowed, 401 for a wrong token", async () => {
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const ok = await gw.post("/hooks/agent", { message: "Run r3 ended" }, auth(HOOKS_TOKEN));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, runId: expect.stringMatching(UUID) });
    const keyed = await gw.post(
      "/hooks/agent",
      { message: "Run r3 ended", sessionKey: DM_KEY },
      auth(HOOKS_TOKEN),
    );
    expect(keyed.status).toBe(400);
    expect(keyed.body).toEqual({
      ok: false,
      error:
        "sessionKey is disabled for externally supplied hook payload values; set hooks.allowRequestSessionKey=true to enable",
    });
    for (const token of ["wrong-token", GATEWAY_TOKEN]) {
      const denied = await gw.post("/hooks/agent", { message: "x" }, auth(token));
      expect(denied).toMatchObject({ status: 401, text: "Unauthorized" });
    }
  });

  test("after a hot reload: /hooks/agent takes an allowed sessionKey; sessions_send, no longer allowed, is 404", async () => {
    await gw.updateConfig((config) => {
      config.hooks.allowRequestSessionKey = true;
      // 2026.9.6 refuses a prefix list without "hook:" unless hooks.defaultSessionKey is set.
      config.hooks.allowedSessionKeyPrefixes = ["agent:", "hook:"];
      config.gateway.tools.allow = [];
    });
    const hook = (body: object) => gw.post("/hooks/agent", body, { authorization: `Bearer ${HOOKS_TOKEN}` });
    const turn = async (text: string) => {
      const has = () => model.requests.find((r) => r.userTexts.join("\n").includes(text));
      await waitFor(() => has() !== undefined, 240_000, `a model turn with ${text}`);
      return has()!.userTexts.join("\n");
    };
    const isolated = await hook({ message: "Run r4 ended", sessionKey: DM_KEY });
    expect(isolated.status, isolated.text).toBe(200);
    expect(isolated.body).toEqual({ ok: true, runId: expect.stringMatching(UUID) });
    // The default sessionMode ("isolated") runs the turn in a fresh session whatever sessionKey says.
    expect(await turn("Run r4 ended")).not.toContain("hello from the dm");
    // Runs on one logical key are serialised: while the previous one is still finishing, the next
    // waits for admission and gets 503 after 15 s. A waker must retry 503.
    let persistent = await hook({ message: "Run r5 ended", sessionKey: DM_KEY, sessionMode: "persistent" });
    for (let i = 0; i < 3 && persistent.status === 503; i += 1) {
      expect(persistent.body).toMatchObject({
        ok: false,
        error: "hook agent run did not start before admission timeout",
      });
      persistent = await hook({ message: "Run r5 ended", sessionKey: DM_KEY, sessionMode: "persistent" });
    }
    expect(persistent.status, persistent.text).toBe(200);
    // sessionMode "persistent" runs it in that session: its history is in the prompt.
    expect(await turn("Run r5 ended")).toContain("hello from the dm");
    const denied = await gw.invoke("sessions_send", {
      sessionKey: DM_KEY,
      message: "wake",
      timeoutSeconds: 0,
    });
    expect(denied).toMatchObject({
      status: 404,
      body: { ok: false, error: { type: "not_found", message: "Tool not available: sessions_send" } },
    });
  }, 600_000);
});
