/**
 * --session routing through the CLI, with the fake gateway (2026.3.2 sessions_list rows from
 * test/fixtures/openclaw/2026.3.2), the fake Telegram Bot API and a copied session store on disk.
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationView, RoutingReport, RunView } from "../../src/protocol.js";
import type { RunSpec } from "../../src/run-spec.js";
import { type FakeGateway, startFakeGateway } from "../fakes/gateway.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { createSandbox, type Sandbox, waitFor } from "../helpers/cctask.js";

const FIX = join(import.meta.dirname, "../fixtures/openclaw/2026.3.2");
const TOPIC_KEY = "agent:main:telegram:group:-1009876:topic:7";
const TOPIC_SESSION = "a3c4d5e6-3333-4f70-8192-a3b4c5d6e703";
const WA_KEY = "agent:main:whatsapp:group:120363012345678901@g.us";

let sb: Sandbox | undefined;
let tg: FakeTelegram | undefined;
let gw: FakeGateway | undefined;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
  await gw?.close();
  sb = tg = gw = undefined;
});

/** The fixture's rows, made recent (they were recorded in March). */
function gatewayRows(): Record<string, unknown>[] {
  const { sessions } = JSON.parse(readFileSync(join(FIX, "sessions_list.json"), "utf8")) as {
    sessions: Record<string, unknown>[];
  };
  return sessions.map((s, i) => ({ ...s, updatedAt: Date.now() - 60_000 * (i + 1) }));
}

async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A sandbox whose daemon knows the fake Telegram and (unless `gatewayUrl` says otherwise) the fake gateway. */
async function routed(opts: { gatewayUrl?: string } = {}): Promise<Sandbox> {
  tg = await startFakeTelegram({ token: "123456:TEST-token" });
  gw = await startFakeGateway({ token: "gw-secret", sessions: gatewayRows() });
  const box = createSandbox({
    env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot },
  });
  const state = join(box.root, "openclaw-state");
  cpSync(join(FIX, "agents"), join(state, "agents"), { recursive: true });
  box.env.OPENCLAW_STATE_DIR = state;
  box.writeConfig({
    notify: { heartbeatSeconds: 0 },
    openclaw: {
      gatewayUrl: opts.gatewayUrl ?? gw.url,
      gatewayToken: "gw-secret",
      bin: join(box.root, "no-openclaw-here"),
    },
  });
  sb = box;
  return box;
}

/** The --validate-only lines for a sandbox where no wake path is enabled. */
function noWakePath(): string[] {
  const state = sb!.env.OPENCLAW_STATE_DIR!;
  return [
    `     - openclaw-agent: not usable — openclaw.bin in ${join(sb!.home, "config.json5")} is "${join(sb!.root, "no-openclaw-here")}", which is not an executable file; fix the path`,
    `     - hooks-agent: not usable — hooks are not enabled; set "hooks": {"enabled": true, "token": "<secret>", "allowRequestSessionKey": true, "allowedSessionKeyPrefixes": ["hook:", "agent:"]} in ${join(state, "openclaw.json")} to enable it`,
    '     - sessions-send: not usable — sessions_send is denied by gateway.tools; add "sessions_send" to gateway.tools.allow to enable it',
  ];
}

async function settled(id: string, count: number): Promise<NotificationView[]> {
  let list: NotificationView[] = [];
  await waitFor(
    async () => {
      list = await sb!.json<NotificationView[]>(["notifications", id]);
      return list.length >= count && list.every((n) => n.state !== "pending" && n.state !== "sending");
    },
    60_000,
    `${count} notifications of ${id} to settle`,
  );
  return list;
}

async function noRuns(): Promise<void> {
  expect(await sb!.json<RunView[]>(["list"])).toEqual([]);
}

describe("--validate-only", () => {
  it("prints the original's report and the wake preview, starts nothing, creates no project dir", async () => {
    await routed();
    const project = join(sb!.root, "not-yet");
    const r = await sb!.cli(["run", "-t", "x", "-p", project, "--session", TOPIC_KEY, "--validate-only"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "✅ Routing validation",
        `   session: ${TOPIC_KEY}`,
        "   thread_id: 7",
        "   channel: telegram",
        "   target: -1009876",
        `   notify_session_id: ${TOPIC_SESSION}`,
        "   allow_main_telegram: False",
        "   completion_mode: single",
        "   max_iterations: 1",
        `   resolved_session_id: ${TOPIC_SESSION}`,
        "   resolved_telegram_target: -1009876",
        "   key_family: telegram-topic",
        "   resolved_from: key",
        "   wake_key: agent:main:telegram:group:-1009876",
        "   delivery: telegram:-1009876:topic:7",
        "   wake: None (no usable wake path)",
        ...noWakePath(),
        "",
      ].join("\n"),
    );
    expect(existsSync(project)).toBe(false);
    await noRuns();
    expect(gw!.calls.map((c) => c.tool)).toEqual(["sessions_list"]);
    expect(gw!.calls[0]!.authorization).toBe("Bearer gw-secret");
  });

  it("--json gives the same fields for machines", async () => {
    await routed();
    const r = await sb!.cli([
      "run",
      "--session",
      WA_KEY,
      "--validate-only",
      "--completion-mode",
      "iterate",
      "--max-iterations",
      "3",
      "--notify",
      "console",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RoutingReport & { ok: boolean };
    expect(report).toMatchObject({
      ok: true,
      session: WA_KEY,
      thread_id: null,
      channel: "whatsapp",
      target: "120363012345678901@g.us",
      notify_session_id: "b4d5e6f7-4444-4a81-92a3-b4c5d6e7f804",
      allow_main_telegram: false,
      completion_mode: "iterate",
      max_iterations: 3,
      resolved_session_id: "b4d5e6f7-4444-4a81-92a3-b4c5d6e7f804",
      resolved_telegram_target: null,
      key_family: "whatsapp-group",
      delivery: ["console", "openclaw:whatsapp:120363012345678901@g.us"], // --session combines with --notify
      wake: {
        chosen: null,
        checks: [
          { path: "openclaw-agent", usable: false },
          { path: "hooks-agent", usable: false },
          { path: "sessions-send", usable: false },
        ],
      },
    });
    expect(report.wake.checks.map((c) => [c.path, c.usable])).toEqual([
      ["openclaw-agent", false],
      ["hooks-agent", false],
      ["sessions-send", false],
    ]);
    expect(report.route).toMatchObject({ sessionKey: WA_KEY, agentId: "main", wakeKey: WA_KEY });
    await noRuns();
  });
});

describe("refusals: the original's message on stderr, exit 2, nothing started", () => {
  it("each rule", async () => {
    await routed();
    const project = join(sb!.root, "never");
    const cases: [string[], string][] = [
      [
        ["--session", "agent:main:telegram:user:111222333"],
        [
          "❌ Unsafe routing blocked: session key is non-thread user scope (agent:main:telegram:user:...).",
          "   For thread chats use --session agent:main:main:thread:<id>.",
          "   For intentional non-thread Telegram, pass --allow-main-telegram or --telegram-routing-mode allow-non-thread.",
        ].join("\n"),
      ],
      [
        ["--session", "agent:main:telegram:direct:111222333", "--telegram-routing-mode", "thread-only"],
        [
          "❌ Unsafe routing blocked: Telegram launch requires thread session (:thread:<id>)",
          "   Use --session agent:main:main:thread:<id>",
        ].join("\n"),
      ],
      [
        ["--session", "agent:main:main"],
        [
          "❌ Unsafe routing blocked: recent thread session detected for this Telegram target.",
          "   Use thread session key (:thread:<id>) or pass --allow-main-telegram to force non-thread.",
        ].join("\n"),
      ],
      [
        ["--session", TOPIC_KEY, "--notify-session-id", "not-this-one"],
        [
          "❌ Invalid routing: --notify-session-id does not match --session key",
          `   session key: ${TOPIC_KEY}`,
          "   provided:   not-this-one",
          `   expected:   ${TOPIC_SESSION}`,
        ].join("\n"),
      ],
      [
        ["--session", TOPIC_KEY, "--notify-channel", "whatsapp"],
        "❌ Invalid routing: thread session requires --notify-channel telegram",
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await sb!.cli(["run", "-t", "REPLAY_RESULT=x", "-p", project, "--create-project", ...flags]);
      expect({ flags, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        flags,
        code: 2,
        stderr: `${message}\n`,
        stdout: "",
      });
      // --validate-only refuses the same way
      const v = await sb!.cli(["run", ...flags, "--validate-only"]);
      expect([v.code, v.stderr]).toEqual([2, `${message}\n`]);
    }
    expect(existsSync(project)).toBe(false);
    await noRuns();
  });

  it("a key that resolves to no target says which family it saw; --allow-no-delivery starts it", async () => {
    await routed();
    const r = await sb!.cli([
      "run",
      "-t",
      "REPLAY_RESULT=x",
      "-p",
      sb!.project,
      "--session",
      "agent:main:subagent:4f1c",
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^❌ Invalid routing: session key resolves to no delivery target \(recognised as a session without a chat \(subagent, cron, hook or node\)\)\n {3}session key: agent:main:subagent:4f1c\n/,
    );
    expect(r.stderr).toContain("pass --allow-no-delivery to start it with no notifications");
    await noRuns();
    const v = await sb!.json([
      "run",
      "-t",
      "REPLAY_RESULT=x",
      "-p",
      sb!.project,
      "--session",
      "agent:main:subagent:4f1c",
      "--allow-no-delivery",
    ]);
    expect(v.notify).toEqual([]);
  });
});

describe("runs", () => {
  it("a topic key: every notification lands in that topic of the fake Telegram", async () => {
    await routed();
    const v = await sb!.json([
      "run",
      "-t",
      "REPLAY_RESULT=topic-done",
      "-p",
      sb!.project,
      "-s",
      TOPIC_KEY,
      "--reply-to-message-id",
      "55",
    ]);
    expect(v.notify).toEqual(["telegram:-1009876:topic:7"]);
    // the route is stored with the run, with the launcher's OpenClaw environment and no secret
    const db = new Database(join(sb!.home, "cctask.db"), { readonly: true });
    const row = db.prepare("SELECT spec FROM runs WHERE id = ?").get(v.id) as { spec: string };
    db.close();
    const spec = JSON.parse(row.spec) as RunSpec;
    expect(spec.openclaw).toMatchObject({
      sessionKey: TOPIC_KEY,
      family: "telegram-topic",
      channel: "telegram",
      target: "-1009876",
      threadId: "7",
      replyTo: "55",
      sessionId: TOPIC_SESSION,
      wakeKey: "agent:main:telegram:group:-1009876",
      execShell: false,
    });
    expect(spec.openclaw!.launchEnv.OPENCLAW_STATE_DIR).toBe(sb!.env.OPENCLAW_STATE_DIR);
    expect(row.spec).not.toContain(tg!.token);
    expect(row.spec).not.toContain("gw-secret");
    await sb!.cli(["wait", v.id]);
    // no wake path is enabled here: a visible notice in the topic says so, after the final
    const list = await settled(v.id, 4);
    expect(list.map((n) => [n.kind, n.state])).toEqual([
      ["launch", "delivered"],
      ["session", "delivered"],
      ["final", "delivered"],
      ["wake", "delivered"],
    ]);
    const sent = tg!.calls.filter((c) => c.method === "sendMessage");
    expect(sent.map((c) => [c.chat_id, c.message_thread_id, c.status])).toEqual([
      ["-1009876", 7, 200],
      ["-1009876", 7, 200],
      ["-1009876", 7, 200],
      ["-1009876", 7, 200],
    ]);
    expect(sent[2]!.text).toContain("topic-done");
    expect(sent[3]!.text).toMatch(/^⚠️ <b>The OpenClaw agent could not be woken<\/b>\n/);
    // the launch and the final reply to the message that asked; the session line does not
    expect(sent.map((c) => c.reply_to_message_id)).toEqual([55, null, 55, null]);
    expect(gw!.messages).toEqual([]); // Telegram goes to the Bot API directly
  });

  it("a WhatsApp group key goes through the gateway's message tool", async () => {
    await routed();
    const v = await sb!.json(["run", "-t", "REPLAY_RESULT=wa-done", "-p", sb!.project, "-s", WA_KEY]);
    expect(v.notify).toEqual(["openclaw:whatsapp:120363012345678901@g.us"]);
    await sb!.cli(["wait", v.id]);
    await settled(v.id, 4);
    expect(gw!.messages.map((m) => [m.channel, m.target])).toEqual([
      ["whatsapp", "120363012345678901@g.us"],
      ["whatsapp", "120363012345678901@g.us"],
      ["whatsapp", "120363012345678901@g.us"],
      ["whatsapp", "120363012345678901@g.us"],
    ]);
    expect(String(gw!.messages[2]!.message)).toContain("wa-done");
    expect(String(gw!.messages[3]!.message)).toMatch(/^⚠️ \*\*The OpenClaw agent could not be woken\*\*\n/);
    expect(tg!.calls).toEqual([]);
  });

  it("a WhatsApp group on a non-default account: every send names that account", async () => {
    await routed();
    const key = `${WA_KEY}:thread:whatsapp-account-work`;
    const v = await sb!.json(["run", "-t", "REPLAY_RESULT=wa-work", "-p", sb!.project, "-s", key]);
    expect(v.notify).toEqual(["openclaw:whatsapp:120363012345678901@g.us:account:work"]);
    await sb!.cli(["wait", v.id]);
    await settled(v.id, 4);
    expect(gw!.messages.map((m) => [m.channel, m.target, m.accountId, m.threadId])).toEqual([
      ["whatsapp", "120363012345678901@g.us", "work", undefined],
      ["whatsapp", "120363012345678901@g.us", "work", undefined],
      ["whatsapp", "120363012345678901@g.us", "work", undefined],
      ["whatsapp", "120363012345678901@g.us", "work", undefined],
    ]);
  });

  it("disk only (gateway down): a 2026.2.23 DM-thread key resolves from sessions.json", async () => {
    await routed({ gatewayUrl: `http://127.0.0.1:${await closedPort()}` });
    const key = "agent:main:main:thread:369520";
    const report = await sb!.cli(["run", "-s", key, "--validate-only", "--json"]);
    expect(report.code).toBe(0);
    const r = JSON.parse(report.stdout) as RoutingReport;
    expect(r).toMatchObject({
      thread_id: "369520",
      target: "111222333",
      notify_session_id: "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06",
      resolved_from: "disk",
    });
    expect(r.lookups[0]).toMatch(
      /^gateway: the OpenClaw gateway at http:\/\/127\.0\.0\.1:\d+ is unreachable/,
    );
    const v = await sb!.json(["run", "-t", "REPLAY_RESULT=disk-done", "-p", sb!.project, "-s", key]);
    expect(v.notify).toEqual(["telegram:111222333:topic:369520"]);
    await sb!.cli(["wait", v.id]);
    await settled(v.id, 4); // launch, session, final, and the notice that no wake path is enabled
    const sent = tg!.calls.filter((c) => c.method === "sendMessage");
    expect(sent.every((c) => c.chat_id === "111222333" && c.message_thread_id === 369520)).toBe(true);
    expect(sent).toHaveLength(4);
  });

  it("gateway down: a WhatsApp key (which needs it) is refused with the reason; a topic key proceeds", async () => {
    const port = await closedPort();
    await routed({ gatewayUrl: `http://127.0.0.1:${port}` });
    const r = await sb!.cli(["run", "-t", "REPLAY_RESULT=x", "-p", sb!.project, "-s", WA_KEY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `^cctask run: cannot deliver to openclaw:whatsapp:120363012345678901@g\\.us: the OpenClaw gateway at http://127\\.0\\.0\\.1:${port} is unreachable`,
      ),
    );
    // a key whose chat only the gateway could tell: refused, and the refusal says the gateway is down
    const main = await sb!.cli(["run", "-t", "REPLAY_RESULT=x", "-p", sb!.project, "-s", "agent:ops:main"]);
    expect(main.code).toBe(2);
    expect(main.stderr).toMatch(
      /^❌ Invalid routing: session key resolves to no delivery target \(recognised as the agent's main DM session\)/,
    );
    expect(main.stderr).toMatch(
      new RegExp(
        `\n {3}Lookup: gateway: the OpenClaw gateway at http://127\\.0\\.0\\.1:${port} is unreachable`,
      ),
    );
    await noRuns();
    const v = await sb!.json(["run", "-t", "REPLAY_RESULT=x", "-p", sb!.project, "-s", TOPIC_KEY]);
    expect(v.notify).toEqual(["telegram:-1009876:topic:7"]);
  });
});
