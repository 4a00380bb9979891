/**
 * Delivery to a webhook: one JSON POST per notification. The delivery id is stable across
 * retries so receivers can drop duplicates; with a secret, the body is signed like Stripe/GitHub
 * do it (HMAC-SHA256 over "<timestamp>.<body>") so receivers can check origin and freshness.
 */
import { createHmac } from "node:crypto";
import { UsageError } from "../errors.js";
import { exchangeHttp, isRetryableStatus, networkFailure, parseRetryAfter } from "../http.js";
import type { NotificationKind, SendResult } from "../notification.js";
import type { Channel, SendRequest } from "./channel.js";

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

export interface WebhookOptions {
  secret: string | null;
  timeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** The JSON body receivers get. */
export interface WebhookPayload {
  deliveryId: string;
  runId: string;
  kind: NotificationKind;
  icon: string;
  title: string;
  fields: Record<string, string>;
  quote: { label: string; text: string } | null;
  footer: string | null;
  line: string;
  silent: boolean;
  sentAt: string;
}

/** The target URL, refused unless it is https (or http to this machine, for local receivers). */
export function validateWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `webhook URL "${raw}" is not a valid URL. Fix: give a full https URL, e.g. webhook:https://example.com/hooks/cctask`,
    );
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return url;
  if (url.protocol === "http:") {
    throw new UsageError(
      `webhook URL "${raw}" uses plain http to ${url.hostname}; notifications would cross the network unencrypted. Fix: use https (plain http is allowed only for 127.0.0.1, ::1 and localhost)`,
    );
  }
  throw new UsageError(
    `webhook URL "${raw}" has the scheme ${url.protocol.replace(/:$/, "")}. Fix: use an https URL`,
  );
}

/** The signature header value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

function buildPayload(req: SendRequest, sentAtMs: number): WebhookPayload {
  const c = req.content;
  return {
    deliveryId: req.deliveryId,
    runId: req.runId,
    kind: c.kind,
    icon: c.icon,
    title: c.title,
    fields: Object.fromEntries(c.fields),
    quote: c.quote,
    footer: c.footer,
    line: c.line,
    silent: c.silent,
    sentAt: new Date(sentAtMs).toISOString(),
  };
}

export class WebhookChannel implements Channel {
  readonly scheme = "webhook" as const;
  private readonly opts: WebhookOptions;

  constructor(opts: WebhookOptions) {
    this.opts = opts;
  }

  async send(req: SendRequest): Promise<SendResult> {
    const { target } = req;
    if (target.scheme !== "webhook")
      throw new Error(`WebhookChannel cannot send to a ${target.scheme} target`);
    const nowMs = (this.opts.now ?? Date.now)();
    const timestamp = Math.floor(nowMs / 1000);
    const body = JSON.stringify(buildPayload(req, nowMs));
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-cctask-delivery": req.deliveryId,
      "x-cctask-event": req.content.kind,
      "x-cctask-timestamp": String(timestamp),
    };
    if (this.opts.secret) headers["x-cctask-signature"] = signWebhook(this.opts.secret, timestamp, body);

    const exchange = await exchangeHttp({
      method: "POST",
      url: target.url,
      headers,
      body,
      timeoutMs: this.opts.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
      peer: "the webhook",
    });
    if (!exchange.answered) return { ok: false, failure: networkFailure(exchange) };
    const { status, text } = exchange.answer;
    if (status >= 200 && status < 300) return { ok: true, remoteId: null };
    const snippet = text.trim().slice(0, 200);
    const location = exchange.answer.headers.get("location");
    const redirect =
      status >= 300 && status < 400
        ? ` (redirect${location ? ` to ${location}` : ""} not followed; use the final URL)`
        : "";
    return {
      ok: false,
      failure: {
        kind: "remote",
        status,
        description: redirect
          ? `HTTP ${status}${redirect}`
          : snippet
            ? `HTTP ${status}: ${snippet}`
            : `HTTP ${status}`,
        retryAfterSeconds: parseRetryAfter(exchange.answer.headers.get("retry-after"), nowMs),
        // 3xx is not followed (it could move a signed body elsewhere): fix the URL.
        permanent: !isRetryableStatus(status),
      },
    };
  }
}
