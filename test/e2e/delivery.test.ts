/**
 * Delivery end to end through the CLI with the replay claude: a fake Telegram Bot API that answers
 * with Telegram's real error shapes, a fake OpenClaw gateway, a local webhook receiver.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationView, RunView } from "../../src/protocol.js";
import { type FakeGateway, startFakeGateway } from "../fakes/gateway.js";
import { type FakeTelegram, startFakeTelegram, type TelegramCall } from "../fakes/telegram-api.js";
import { createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "4242";
let sb: Sandbox;
let tg: FakeTelegram | undefined;
let gw: FakeGateway | undefined;
let hook: Server | undefined;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
  await gw?.close();
  hook?.close();
  tg = gw = hook = undefined;
});

async function telegramSandbox(
  opts: Parameters<typeof startFakeTelegram>[0] = {},
  config: object = {},
): Promise<Sandbox> {
  tg = await startFakeTelegram({ token: "123456:TEST-token", ...opts });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
  sb.writeConfig({ notify: { heartbeatSeconds: 0 }, ...config });
  return sb;
}

/** Messages Telegram accepted, in order. */
function accepted(chat = CHAT): TelegramCall[] {
  return tg!.calls.filter((c) => c.chat_id === chat && c.status === 200 && c.method === "sendMessage");
}

/** `cctask run --json` of a task reporting to one target: the receipt. */
function launch(task: string, target: string): Promise<RunView> {
  return sb.json(["run", "-t", task, "-p", sb.project, "--notify", target]);
}

async function notifications(id: string): Promise<NotificationView[]> {
  return sb.json<NotificationView[]>(["notifications", id]);
}

async function settled(id: string, count: number): Promise<NotificationView[]> {
  let list: NotificationView[] = [];
  await waitFor(
    async () => {
      list = await notifications(id);
      return list.length >= count && list.every((n) => n.state !== "pending" && n.state !== "sending");
    },
    30_000,
    `${count} notifications of ${id} to settle`,
  );
  return list;
}

describe("telegram", () => {
  it("launch, session, agent update and final, each once, in order, silent except the final", async () => {
    await telegramSandbox();
    const v = await launch(
      "REPLAY_EMIT_FOR_S=1 REPLAY_INTERVAL_MS=100 REPLAY_RESULT=all-done",
      `telegram:${CHAT}`,
    );
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 3);
    expect(list.map((n) => [n.kind, n.state])).toEqual([
      ["launch", "delivered"],
      ["session", "delivered"],
      ["final", "delivered"],
    ]);
    const msgs = accepted();
    expect(msgs).toHaveLength(3);
    expect(msgs[0]!.text).toMatch(/^🚀 <b>Claude Code started<\/b>\n<b>Run:<\/b> /);
    expect(msgs[0]!.parse_mode).toBe("HTML");
    const sessionId = (await sb.json(["status", v.id])).sessionId;
    expect(msgs[1]!.text).toBe(
      `📝 <b>Session: ${sessionId}</b>\n<b>Run:</b> ${v.id}\n<b>Model:</b> replay-model\n<b>Auth:</b> none\n` +
        `<b>Claude Code:</b> 2.1.330\n<b>Resume with:</b> cctask run --resume ${sessionId}`,
    );
    expect(msgs[2]!.text).toMatch(/^✅ <b>Claude Code task complete!<\/b>/);
    expect(msgs[2]!.text).toContain("all-done");
    expect(msgs.map((m) => m.disable_notification)).toEqual([true, true, false]);
  });

  it("🚀 reaches the chat while claude is still starting; the 📝 message follows with its init facts", async () => {
    await telegramSandbox();
    // The replay claude waits 4 s before its init line: a launch card that waited for it would come after.
    const v = await launch("REPLAY_START_DELAY_MS=4000 REPLAY_RESULT=slow-start", `telegram:${CHAT}`);
    expect(v.sessionId).toBeNull();
    await waitFor(() => accepted().length >= 1, 3000, "the launch card while claude starts");
    expect(accepted().map((m) => [...(m.text ?? "")][0])).toEqual(["🚀"]);
    expect((await sb.json(["status", v.id])).sessionId).toBeNull();
    await sb.cli(["wait", v.id]);
    await settled(v.id, 3);
    expect(accepted().map((m) => [...(m.text ?? "")][0])).toEqual(["🚀", "📝", "✅"]);
    expect(accepted()[1]!.text).toContain("<b>Model:</b> replay-model");
  });

  it("a result with HTML in it renders as text", async () => {
    await telegramSandbox();
    const evil = "<script>alert(1)</script>&amp;<b>unclosed&</i>";
    const v = await launch(`REPLAY_RESULT=${evil}`, `telegram:${CHAT}`);
    await sb.cli(["wait", v.id]);
    await settled(v.id, 3);
    const final = accepted().at(-1)!;
    expect(final.status).toBe(200);
    expect(final.parse_mode).toBe("HTML");
    expect(final.text).toContain(
      "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&lt;b&gt;unclosed&amp;&lt;/i&gt;",
    );
  });

  it("a 1 MB result is split in order within Telegram's limit, with a pointer to the full text", async () => {
    await telegramSandbox();
    const big = "0123456789abcdef".repeat(65_536); // 1 MiB; the replay takes the result up to the first space
    const v = await sb.json(["run", "--task", "-", "-p", sb.project, "--notify", `telegram:${CHAT}`], {
      stdin: `REPLAY_RESULT=${big}`,
    });
    await sb.cli(["wait", v.id]);
    await settled(v.id, 3);
    const finals = accepted().slice(2);
    expect(finals.length).toBeGreaterThan(1);
    expect(finals.length).toBeLessThanOrEqual(4);
    for (const f of finals) expect(f.status).toBe(200); // the fake enforces 4096 after entity parsing
    expect(finals.at(-1)!.text).toContain(`Full result: ${v.files.result}`);
    expect(finals.at(-1)!.text).toMatch(/more characters/);
  });

  it("a missing topic fails visibly and is never re-routed to the main chat", async () => {
    await telegramSandbox({ missingThreads: [77] });
    const v = await launch("REPLAY_RESULT=x", `telegram:${CHAT}:topic:77`);
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 3);
    expect(list.every((n) => n.state === "failed")).toBe(true);
    expect(list[0]!.error).toMatch(/400: Bad Request: message thread not found/);
    expect(tg!.calls.filter((c) => c.message_thread_id === null)).toEqual([]);
    const st = await sb.cli(["status", v.id]);
    expect(st.stdout).toMatch(/⚠ delivery to telegram:4242:topic:77 failed: .*message thread not found/);
    expect((await sb.json(["status", v.id])).deliveryFailures).toHaveLength(1);
  });

  it("the General topic (1) is sent without a thread id", async () => {
    await telegramSandbox();
    const v = await launch("REPLAY_RESULT=x", `telegram:-1001234567890:topic:1`);
    await sb.cli(["wait", v.id]);
    await settled(v.id, 3);
    const sent = tg!.calls.filter((c) => c.method === "sendMessage");
    expect(sent.length).toBe(3);
    expect(sent.every((c) => c.message_thread_id === null && c.status === 200)).toBe(true);
  });

  it("a blocked bot and a wrong token are permanent failures with the service's words", async () => {
    await telegramSandbox({ blockedChats: ["555"] });
    const v = await launch("REPLAY_RESULT=x", "telegram:555");
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 3);
    expect(list[0]).toMatchObject({ state: "failed", attempts: 1 });
    expect(list[0]!.error).toMatch(/403: Forbidden: bot was blocked by the user/);
  });

  it("a 429 storm: retry_after honoured, every message delivered once, in order", async () => {
    await telegramSandbox(
      { rateLimit: { perSecond: 1, retryAfter: 1 } },
      { notify: { heartbeatSeconds: 1, heartbeatMode: "post" } },
    );
    const v = await launch("REPLAY_EMIT_FOR_S=4 REPLAY_INTERVAL_MS=200", `telegram:${CHAT}`);
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 4);
    expect(list.filter((n) => n.state === "failed")).toEqual([]);
    const delivered = list.filter((n) => n.state === "delivered");
    expect(delivered[0]!.kind).toBe("launch");
    expect(delivered.at(-1)!.kind).toBe("final");
    const ok = accepted().map((c) => c.text!.split("\n")[0]);
    expect(ok.length).toBe(delivered.length); // once each: no duplicates
    expect(tg!.calls.some((c) => c.status === 429)).toBe(true);
  }, 60_000);

  it("heartbeats edit one live card", async () => {
    await telegramSandbox({}, { notify: { heartbeatSeconds: 1, heartbeatMode: "edit" } });
    const v = await launch("REPLAY_EMIT_FOR_S=4 REPLAY_INTERVAL_MS=200", `telegram:${CHAT}`);
    await sb.cli(["wait", v.id]);
    await settled(v.id, 4);
    const cards = tg!.calls.filter((c) => c.status === 200 && c.text?.includes("Claude Code working"));
    expect(cards.filter((c) => c.method === "sendMessage")).toHaveLength(1);
    expect(cards.filter((c) => c.method === "editMessageText").length).toBeGreaterThanOrEqual(1);
    expect(cards[0]!.text).toMatch(/^📡 <b>🟢 Claude Code working<\/b>/);
  }, 30_000);

  it("notifications enqueued before a daemon SIGKILL are delivered once by the next daemon", async () => {
    // Telegram asks to wait 3 s after the first message: the launch is retried later, and the
    // session message behind it waits in the outbox, never sent, when the daemon dies.
    await telegramSandbox();
    tg!.failNext({ status: 429, retryAfter: 3, count: 1, method: "sendMessage" });
    const v = await launch("REPLAY_HANG=1 REPLAY_NO_RESULT=1", `telegram:${CHAT}`);
    let pending: NotificationView[] = [];
    await waitFor(
      async () => {
        pending = await notifications(v.id);
        return pending.length === 2 && pending[0]!.attempts === 1;
      },
      10_000,
      "the first attempt to be refused",
    );
    expect(pending.map((n) => [n.kind, n.state, n.attempts])).toEqual([
      ["launch", "pending", 1],
      ["session", "pending", 0],
    ]);
    process.kill(sb.daemonPid()!, "SIGKILL");
    await sb.json(["cancel", v.id]); // a new daemon: re-adopts the run, then cancels it
    const list = await settled(v.id, 3);
    expect(list.map((n) => [n.kind, n.state, n.attempts])).toEqual([
      ["launch", "delivered", 2],
      ["session", "delivered", 1],
      ["final", "delivered", 1],
    ]);
    expect(accepted().map((c) => Array.from(c.text!)[0])).toEqual(["🚀", "📝", "🛑"]);
  }, 60_000);
});

describe("refused at launch, before anything starts", () => {
  async function refused(args: string[], message: RegExp, env: Record<string, string> = {}) {
    const r = await sb.cli(["run", "-t", "x", "-p", sb.project, ...args], { env });
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(JSON.parse((await sb.cli(["list", "--json"])).stdout)).toEqual([]);
  }

  it("bad targets, missing credentials, unreachable gateway, invalid webhook URLs", async () => {
    sb = createSandbox();
    await refused(
      ["--notify", "sms:123"],
      /--notify "sms:123": unknown target scheme "sms"\. Targets: telegram:<chatId>/,
    );
    await refused(["--notify", "telegram:abc"], /"abc" is not a Telegram chat id/);
    await refused(["--notify", "telegram:123:topic:x"], /"x" is not a topic id/);
    await refused(
      ["--notify", "telegram:123"],
      /cannot deliver to telegram:123: no Telegram bot token: set telegram\.botToken/,
    );
    await refused(
      ["--notify", "webhook:ftp://example.com/x"],
      /webhook URL "ftp:\/\/example.com\/x" has the scheme ftp/,
    );
    await refused(["--notify", "webhook:http://example.com/x"], /uses plain http to example\.com/);
    const closed = await freePort();
    sb.writeConfig({ openclaw: { gatewayUrl: `http://127.0.0.1:${closed}`, gatewayToken: "t" } });
    await refused(
      ["--notify", "openclaw:whatsapp:+15551234567"],
      new RegExp(
        `the OpenClaw gateway at http://127\\.0\\.0\\.1:${closed} is unreachable .*Pass --allow-offline-delivery`,
      ),
    );
    const ok = await sb.json([
      "run",
      "-t",
      "REPLAY_RESULT=x",
      "-p",
      sb.project,
      "--notify",
      "openclaw:whatsapp:+15551234567",
      "--allow-offline-delivery",
    ]);
    expect(ok.notify).toEqual(["openclaw:whatsapp:+15551234567"]);
  });
});

describe("openclaw gateway", () => {
  it("sends through the message tool and judges success by the tool's own status", async () => {
    gw = await startFakeGateway({ token: "gw-secret" });
    sb = createSandbox();
    sb.writeConfig({
      openclaw: { gatewayUrl: gw.url, gatewayToken: "gw-secret" },
      notify: { heartbeatSeconds: 0 },
    });
    gw.inject({ type: "tool-error", error: "Channel is unavailable: whatsapp" }, 1);
    const v = await launch("REPLAY_RESULT=done", "openclaw:whatsapp:120363000000000000@g.us");
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 3);
    expect(list[0]).toMatchObject({ kind: "launch", state: "failed" }); // HTTP 200, but the tool said error
    expect(list[0]!.error).toMatch(/Channel is unavailable/);
    expect(list.slice(1).map((n) => n.state)).toEqual(["delivered", "delivered"]);
    const final = gw.messages.at(-1)!;
    expect(final).toMatchObject({ action: "send", channel: "whatsapp", target: "120363000000000000@g.us" });
    expect(String(final.message)).toMatch(/✅ \*\*Claude Code task complete!\*\*/);
  });

  it("a send the gateway cannot do (bare HTTP 500): three tries, then failed with the answer and the fix", async () => {
    // 2026.9.6 without a WhatsApp account: the message tool throws "Channel is unavailable:
    // whatsapp" and /tools/invoke answers only 500 "tool execution failed".
    gw = await startFakeGateway({ token: "gw-secret", channels: ["telegram"] });
    sb = createSandbox();
    sb.writeConfig({
      openclaw: { gatewayUrl: gw.url, gatewayToken: "gw-secret" },
      notify: { heartbeatSeconds: 0, retry: { maxDelaySeconds: 1 } },
    });
    const target = "openclaw:whatsapp:120363000000000000@g.us";
    const v = await launch("REPLAY_RESULT=done", target);
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 3);
    expect(list.map((n) => [n.kind, n.state])).toEqual([
      ["launch", "failed"],
      ["session", "failed"],
      ["final", "failed"],
    ]);
    const why = new RegExp(
      `^gave up after 3 attempt\\(s\\) over \\d+s \\(last: 500: tool execution failed\\)\\. ${escapeRegExp(GATEWAY_GIVES_NO_REASON)}$`,
    );
    for (const n of list) expect(n.error).toMatch(why);
    // three tries each, with the same idempotency key, and nothing more
    const tries = new Map<string, number>();
    for (const c of gw.calls) tries.set(c.idempotencyKey!, (tries.get(c.idempotencyKey!) ?? 0) + 1);
    expect([...tries.values()]).toEqual([3, 3, 3]);
    const st = await sb.cli(["status", v.id]);
    expect(st.stdout).toContain(`⚠ delivery to ${target} failed: gave up after 3 attempt(s)`);
    expect(st.stdout).toContain("openclaw channels status");
  });
});

const GATEWAY_GIVES_NO_REASON =
  'The gateway gives no reason over HTTP (its log does: "tools-invoke: tool execution failed: …"); ' +
  "a channel that is not configured or not linked, or a target it does not know, fails this way. " +
  "Fix: run `openclaw channels status` and check that whatsapp is configured and linked " +
  "(`openclaw channels login --channel whatsapp`) and that 120363000000000000@g.us is the right target";

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("webhook", () => {
  it("posts a signed JSON body per event with a stable delivery id, retrying 5xx", async () => {
    const got: { headers: IncomingHttpHeaders; body: string }[] = [];
    let failures = 1;
    hook = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        got.push({ headers: req.headers, body });
        if (failures-- > 0) res.writeHead(503).end();
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook!.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    sb = createSandbox({ env: { CCTASK_WEBHOOK_SECRET: "s3cret" } });
    sb.writeConfig({ notify: { heartbeatSeconds: 0, retry: { maxDelaySeconds: 1 } } });
    const v = await launch("REPLAY_RESULT=hooked", `webhook:${url}`);
    await sb.cli(["wait", v.id]);
    const list = await settled(v.id, 3);
    expect(list.map((n) => n.state)).toEqual(["delivered", "delivered", "delivered"]);
    expect(list[0]!.attempts).toBe(2);
    expect(got).toHaveLength(4);
    expect(got[0]!.headers["x-cctask-delivery"]).toBe(got[1]!.headers["x-cctask-delivery"]); // the retry is the same delivery
    for (const g of got) {
      const ts = String(g.headers["x-cctask-timestamp"]);
      const sig = createHmac("sha256", "s3cret").update(`${ts}.${g.body}`).digest("hex");
      expect(g.headers["x-cctask-signature"]).toBe(`sha256=${sig}`);
    }
    const final = JSON.parse(got[3]!.body) as { kind: string; runId: string; quote: { text: string } };
    expect(final).toMatchObject({ kind: "final", runId: v.id, quote: { text: "hooked" } });
  });
});

describe("console", () => {
  it("run --wait prints the console notifications as they are delivered", async () => {
    sb = createSandbox();
    sb.writeConfig({ notify: { heartbeatSeconds: 0 } });
    const r = await sb.cli([
      "run",
      "--wait",
      "-t",
      "REPLAY_RESULT=printed",
      "-p",
      sb.project,
      "--notify",
      "console",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/🚀 Claude Code started: run \w+/);
    expect(r.stdout).toMatch(/📝 Session: /);
    expect(r.stdout).toMatch(/✅ Claude Code task complete!: run \w+/);
  });
});

describe("the agent's own updates", () => {
  it("only with its own run's token, only to its own targets; no delivery secret reaches the agent", async () => {
    await telegramSandbox();
    const v = await launch("REPLAY_HANG=1 REPLAY_NO_RESULT=1", `telegram:${CHAT}`);
    const env = readEnviron(v.pid!);
    expect(env.CCTASK_RUN_ID).toBe(v.id);
    expect(env.CCTASK_RUN_TOKEN).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(env).join("\n")).not.toContain(tg!.token);
    expect(env.TELEGRAM_BOT_TOKEN).toBeUndefined();
    const prompt = readFileSync(v.files.prompt, "utf8");
    expect(prompt).toMatch(/run: cctask notify "your message"/);
    expect(prompt).not.toContain(tg!.token);

    const ok = await sb.cli(["notify", "halfway there"], {
      env: { CCTASK_RUN_ID: v.id, CCTASK_RUN_TOKEN: env.CCTASK_RUN_TOKEN! },
    });
    expect(ok.stdout).toBe("update queued for 1 target(s)\n");
    const forged = await sb.cli(["notify", "spoof"], {
      env: { CCTASK_RUN_ID: v.id, CCTASK_RUN_TOKEN: "0".repeat(64) },
    });
    expect(forged.code).toBe(2);
    expect(forged.stderr).toMatch(/not allowed: cctask notify posts only for the run it runs in/);
    await waitFor(() => accepted().some((c) => c.text?.includes("halfway there")), 10_000, "the update");
    expect(accepted().filter((c) => c.text?.includes("spoof"))).toEqual([]);
    await sb.cli(["cancel", v.id]);
    expect(isAlive(v.pid!)).toBe(false);
  });
});

/** A loopback port nothing listens on. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function readEnviron(pid: number): Record<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(
    raw
      .split("\0")
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
}
