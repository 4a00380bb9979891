/**
 * What each notification kind is guaranteed under network faults, proven with the real outbox and
 * the real channels talking through a fault proxy to the fakes (Telegram Bot API, OpenClaw
 * gateway, a webhook receiver that drops repeated delivery ids as documented):
 *   progress (launch, session, heartbeat, update): at most once — a send whose outcome is unknown
 *     is not retried, it is marked uncertain;
 *   the final: at least once — and exactly once where the service takes an idempotency key
 *     (the webhook's delivery id, the gateway's idempotencyKey).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationContent } from "../../../src/notification.js";
import type { Channel } from "../../../src/notify/channel.js";
import { OpenClawChannel } from "../../../src/notify/openclaw.js";
import { Outbox } from "../../../src/notify/outbox.js";
import { TelegramChannel } from "../../../src/notify/telegram.js";
import { WebhookChannel } from "../../../src/notify/webhook.js";
import { type Db, migrate } from "../../../src/store/db.js";
import { enqueue, type NotificationRow, notificationsOfRun } from "../../../src/store/notifications.js";
import { type FaultProxy, type ProxyFault, startFaultProxy } from "../../fakes/fault-proxy.js";
import { startFakeGateway } from "../../fakes/gateway.js";
import { startFakeTelegram } from "../../fakes/telegram-api.js";

const TIMEOUT_MS = 600; // the channels' client timeout in these tests
const quietLog = { info() {}, warn() {}, error() {} };

interface Service {
  target: string;
  channel: Channel;
  proxy: FaultProxy;
  /** How many times the service acted on the message marked `marker` (what the user sees). */
  copies(marker: string): number;
  close(): Promise<void>;
}

async function telegram(): Promise<Service> {
  const tg = await startFakeTelegram({ token: "9:faults" });
  const proxy = await startFaultProxy(tg.apiRoot);
  return {
    target: "telegram:4242",
    channel: new TelegramChannel({ token: tg.token, apiRoot: proxy.url, timeoutMs: TIMEOUT_MS }),
    proxy,
    copies: (m) => tg.calls.filter((c) => c.status === 200 && c.text?.includes(m)).length,
    close: async () => {
      await proxy.close();
      await tg.close();
    },
  };
}

/** A receiver that does what the docs ask: 2xx for every request, acting once per delivery id. */
async function webhook(): Promise<Service> {
  const acted: string[] = [];
  const ids = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const id = String(req.headers["x-cctask-delivery"]);
      if (!ids.has(id)) acted.push(body);
      ids.add(id);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const proxy = await startFaultProxy(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    target: `webhook:${proxy.url}/hook`,
    channel: new WebhookChannel({ secret: null, timeoutMs: TIMEOUT_MS }),
    proxy,
    copies: (m) => acted.filter((b) => b.includes(m)).length,
    close: async () => {
      await proxy.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

async function gateway(): Promise<Service> {
  const gw = await startFakeGateway({ token: "gw" });
  const proxy = await startFaultProxy(gw.url);
  return {
    target: "openclaw:whatsapp:+15550001111",
    channel: new OpenClawChannel({ gateway: { url: proxy.url, token: "gw" }, timeoutMs: TIMEOUT_MS }),
    proxy,
    copies: (m) => gw.messages.filter((a) => String(a.message).includes(m)).length,
    close: async () => {
      await proxy.close();
      await gw.close();
    },
  };
}

let db: Db | undefined;
let outbox: Outbox | undefined;
let service: Service | undefined;
afterEach(async () => {
  outbox?.stop();
  db?.close();
  await service?.close();
  db = outbox = service = undefined;
});

function content(kind: NotificationContent["kind"], marker: string): NotificationContent {
  return { kind, icon: "", title: marker, fields: [], quote: null, footer: null, line: marker, silent: true };
}

/** Sends one notification of `kind` through `fault` and returns its row once settled. */
async function sendThrough(
  make: () => Promise<Service>,
  kind: NotificationContent["kind"],
  fault: ProxyFault,
): Promise<{ row: NotificationRow; copies: number; requests: number }> {
  service = await make();
  db = new Database(":memory:");
  migrate(db);
  const ch = service.channel;
  outbox = new Outbox({
    db,
    log: quietLog,
    policy: () => ({ baseDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 60_000 }),
    channelFor: () => ch,
    heartbeatMode: () => "post",
  });
  const marker = `${kind}-marker-${Math.random().toString(36).slice(2)}`;
  service.proxy.inject(fault, (r) => r.body.includes(marker));
  enqueue(db, {
    runId: "r1",
    targets: [service.target],
    kind,
    seq: 1,
    content: content(kind, marker),
    now: Date.now(),
  });
  outbox.kick();
  const end = Date.now() + 20_000;
  let row = notificationsOfRun(db, "r1")[0]!;
  while (row.state === "pending" || row.state === "sending") {
    if (Date.now() > end) throw new Error(`the ${kind} did not settle: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 20));
    row = notificationsOfRun(db, "r1")[0]!;
  }
  await new Promise((r) => setTimeout(r, TIMEOUT_MS + 400)); // a late duplicate would show by now
  const requests = service.proxy.seen.filter((r) => r.body.includes(marker)).length;
  return { row, copies: service.copies(marker), requests };
}

const FAULTS: [string, ProxyFault][] = [
  ["reset before the request is read", { type: "reset-before-read" }],
  ["reset after the service answered", { type: "reset-after-answer" }],
  ["an answer slower than the client's timeout", { type: "delay", ms: TIMEOUT_MS + 500 }],
  ["an answer just within the client's timeout", { type: "delay", ms: TIMEOUT_MS - 300 }],
];

/** [launch copies, launch state, final copies on Telegram (no key), final copies with a key] */
const EXPECTED: Record<ProxyFault["type"] | "delay-below", [number, string, number, number]> = {
  "reset-before-read": [0, "uncertain", 1, 1],
  "reset-after-answer": [1, "uncertain", 2, 1],
  delay: [1, "uncertain", 2, 1],
  "delay-below": [1, "delivered", 1, 1],
};
const expected = (f: ProxyFault) =>
  EXPECTED[f.type === "delay" && f.ms < TIMEOUT_MS ? "delay-below" : f.type];

describe.each([
  ["Telegram", telegram, false],
  ["a webhook", webhook, true],
  ["the OpenClaw gateway", gateway, true],
] as const)("%s", (_name, make, hasKey) => {
  it.each(FAULTS)("progress under %s: at most once", async (_what, fault) => {
    const [copies, state] = expected(fault);
    const got = await sendThrough(make, "launch", fault);
    expect(got.copies).toBe(copies);
    expect(got.row.state).toBe(state);
    expect(got.requests).toBe(1); // never retried
    if (state === "uncertain") expect(got.row.lastError).toMatch(/^the outcome of this send is unknown/);
  });

  it.each(FAULTS)("the final under %s: at least once, exactly once with a key", async (_what, fault) => {
    const [, , withoutKey, withKey] = expected(fault);
    const got = await sendThrough(make, "final", fault);
    expect(got.row.state).toBe("delivered");
    expect(got.copies).toBe(hasKey ? withKey : withoutKey);
    expect(got.copies).toBeGreaterThanOrEqual(1);
  });
});
