import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotificationContent } from "../../../src/notification.js";
import type { SendRequest } from "../../../src/notify/channel.js";
import { validateWebhookUrl, WebhookChannel } from "../../../src/notify/webhook.js";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Responder = (res: http.ServerResponse) => void;

let server: http.Server;
let url: string;
let received: Received[];
let respond: Responder;

beforeEach(async () => {
  received = [];
  respond = (res) => res.writeHead(204).end();
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    respond(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?k=1`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const content: NotificationContent = {
  kind: "launch",
  icon: "🚀",
  title: "Claude Code started",
  fields: [
    ["Project", "/p"],
    ["Timeout", "120min"],
  ],
  quote: { label: "Prompt", text: "do it" },
  footer: null,
  line: "🚀 r1 started",
  silent: true,
};

const request = (): SendRequest => ({
  target: { scheme: "webhook", url },
  content,
  runId: "r1",
  deliveryId: "r1:launch:0",
});

const NOW = 1_800_000_000_123;

describe("WebhookChannel", () => {
  it("POSTs the JSON payload with the cctask headers and a signature verifiable with the secret", async () => {
    const channel = new WebhookChannel({ secret: "shh", now: () => NOW });
    expect(await channel.send(request())).toEqual({ ok: true, remoteId: null });
    const [got] = received;
    if (!got) throw new Error("nothing received");
    expect(JSON.parse(got.body)).toEqual({
      deliveryId: "r1:launch:0",
      runId: "r1",
      kind: "launch",
      icon: "🚀",
      title: "Claude Code started",
      fields: { Project: "/p", Timeout: "120min" },
      quote: { label: "Prompt", text: "do it" },
      footer: null,
      line: "🚀 r1 started",
      silent: true,
      sentAt: new Date(NOW).toISOString(),
    });
    expect(got.headers["content-type"]).toBe("application/json");
    expect(got.headers["x-cctask-delivery"]).toBe("r1:launch:0");
    expect(got.headers["x-cctask-event"]).toBe("launch");
    expect(got.headers["x-cctask-timestamp"]).toBe("1800000000");
    const expected = createHmac("sha256", "shh").update(`1800000000.${got.body}`).digest("hex");
    expect(got.headers["x-cctask-signature"]).toBe(`sha256=${expected}`);
  });

  it("sends no signature without a secret", async () => {
    await new WebhookChannel({ secret: null }).send(request());
    expect(received[0]?.headers["x-cctask-signature"]).toBeUndefined();
  });

  it("treats 4xx as permanent, except 408 and 429", async () => {
    respond = (res) => res.writeHead(410, { "content-type": "text/plain" }).end("gone");
    expect(await new WebhookChannel({ secret: null }).send(request())).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 410,
        description: "HTTP 410: gone",
        retryAfterSeconds: null,
        permanent: true,
      },
    });
    respond = (res) => res.writeHead(429, { "retry-after": "30" }).end();
    expect(await new WebhookChannel({ secret: null }).send(request())).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 429,
        description: "HTTP 429",
        retryAfterSeconds: 30,
        permanent: false,
      },
    });
  });

  it("retries 5xx and does not follow redirects", async () => {
    respond = (res) => res.writeHead(502).end("bad gateway");
    const out = await new WebhookChannel({ secret: null }).send(request());
    expect(out).toMatchObject({ ok: false, failure: { status: 502, permanent: false } });
    respond = (res) => res.writeHead(301, { location: "http://elsewhere.example/" }).end();
    expect(await new WebhookChannel({ secret: null }).send(request())).toMatchObject({
      ok: false,
      failure: {
        status: 301,
        description: "HTTP 301 (redirect to http://elsewhere.example/ not followed; use the final URL)",
        permanent: true,
      },
    });
  });

  it("reports no answer as a network failure, naming only the origin", async () => {
    respond = (res) => res.socket?.destroy();
    const out = await new WebhookChannel({ secret: null }).send(request());
    expect(out.ok === false && out.failure.kind).toBe("network");
    expect(JSON.stringify(out)).not.toContain("k=1");
  });

  it("times out a receiver that never answers", async () => {
    respond = () => {};
    const out = await new WebhookChannel({ secret: null, timeoutMs: 200 }).send(request());
    expect(out).toEqual({
      ok: false,
      failure: {
        kind: "network",
        message: `no answer from the webhook at ${new URL(url).origin}: no answer within 0.2 s`,
        maybeDelivered: true, // the request went out: the receiver may have acted on it
      },
    });
  });
});

describe("validateWebhookUrl", () => {
  it("accepts https, and http only to loopback", () => {
    expect(validateWebhookUrl("https://example.com/h").href).toBe("https://example.com/h");
    for (const ok of ["http://127.0.0.1:9/h", "http://[::1]:9/h", "http://localhost/h"]) {
      expect(validateWebhookUrl(ok).protocol).toBe("http:");
    }
  });

  it("explains what is wrong and how to fix it", () => {
    expect(() => validateWebhookUrl("http://example.com/h")).toThrow(
      'webhook URL "http://example.com/h" uses plain http to example.com; notifications would cross the network unencrypted. Fix: use https (plain http is allowed only for 127.0.0.1, ::1 and localhost)',
    );
    expect(() => validateWebhookUrl("example.com/h")).toThrow(
      'webhook URL "example.com/h" is not a valid URL. Fix: give a full https URL, e.g. webhook:https://example.com/hooks/cctask',
    );
    expect(() => validateWebhookUrl("ftp://example.com/h")).toThrow(
      'webhook URL "ftp://example.com/h" has the scheme ftp. Fix: use an https URL',
    );
  });
});
