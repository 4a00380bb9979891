/**
 * The one HTTP client for outbound services (the OpenClaw gateway, webhooks, the Telegram Bot
 * API): one exchange with a hard deadline, reported as data — the service's answer (any status),
 * or "no answer" with a readable reason and whether the request may have reached the peer. One
 * describer for network errors, one rule for retryable statuses. Messages name only the peer's
 * origin: paths and query strings may carry secrets.
 */
import type { DeliveryFailure } from "./notification.js";

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface NoAnswer {
  answered: false;
  /** "no answer from <peer> at <origin>: <why>" */
  message: string;
  /** The request may have reached the peer (and been acted on): only a failure to connect says no. */
  maybeDelivered: boolean;
}

export type HttpExchange = { answered: true; answer: HttpAnswer } | NoAnswer;

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Who we are talking to, for messages (e.g. "the OpenClaw gateway"). */
  peer: string;
  /** Read at most this much of the answer (a proxy sending megabytes is cut off, not buffered). */
  maxBodyBytes?: number;
}

export async function exchangeHttp(req: HttpRequest): Promise<HttpExchange> {
  try {
    const res = await fetch(req.url, {
      method: req.method,
      ...(req.headers ? { headers: req.headers } : {}),
      ...(req.body !== undefined ? { body: req.body } : {}),
      // A redirect could carry the body (and its signature or token) somewhere unvetted.
      redirect: "manual",
      // The deadline covers the answer's body too: a hung connection never blocks the caller.
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const text = await readText(res, req.maxBodyBytes);
    return { answered: true, answer: { status: res.status, headers: res.headers, text } };
  } catch (e) {
    return {
      answered: false,
      message: `no answer from ${req.peer} at ${originOf(req.url)}: ${describeNetworkError(e, req.timeoutMs)}`,
      maybeDelivered: mayHaveReachedPeer(e),
    };
  }
}

/** A delivery channel's failure for an exchange without an answer; `prefix` says which call it was. */
export function networkFailure(
  noAnswer: NoAnswer,
  prefix = "",
): Extract<DeliveryFailure, { kind: "network" }> {
  return { kind: "network", message: prefix + noAnswer.message, maybeDelivered: noAnswer.maybeDelivered };
}

async function readText(res: Response, maxBytes: number | undefined): Promise<string> {
  if (maxBytes === undefined || res.body === null) return await res.text();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}

/** Failures that happen before a request can reach the peer: it surely never saw it. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_INVALID_URL",
]);

/**
 * Could the peer have received (and acted on) a request that failed with `err`? Only a failure to
 * connect says no; a reset or a timeout after connecting leaves the outcome unknown.
 */
export function mayHaveReachedPeer(err: unknown): boolean {
  const { code, cause } = (err ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return !NOT_SENT_CODES.has(String(code)) && !NOT_SENT_CODES.has(String(cause?.code));
}

/**
 * Why a request got no answer, in words: the deadline, or the socket error (fetch hides it in
 * `cause`, which is the part worth showing), with its code when the message lacks it.
 */
export function describeNetworkError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))
    return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  const cause =
    e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const source = typeof cause?.message === "string" ? cause : (e as { code?: unknown; message?: unknown });
  const message = typeof source?.message === "string" ? source.message : String(e);
  const code = source?.code;
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Retry-After as seconds (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Parse a JSON body; null when it is not JSON. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/**
 * Statuses worth another try: a timeout, a rate limit, or the server's own trouble. Every other
 * refusal will not work later for the same request (401 token, 403 blocked, 400 bad request…).
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
