/**
 * The one HTTP client for outbound services (the OpenClaw gateway, webhooks, the Telegram Bot
 * API): one exchange with a hard deadline, reported as data — the service's answer (any status),
 * or "no answer" with a readable reason and whether the request may have reached the peer. One
 * describer for network errors, one rule for retryable statuses. Messages name only the peer's
 * origin: paths and query strings may carry secrets.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { DeliveryFailure } from "./notification.js";

/** An answer's headers, read by name (case-insensitive), as the callers need them. */
export interface AnswerHeaders {
  get(name: string): string | null;
}

export interface HttpAnswer {
  status: number;
  headers: AnswerHeaders;
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
    return { answered: true, answer: await send(req) };
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

/**
 * One request on a connection of its own, over node:http(s) rather than fetch: the daemon has
 * node:http loaded already, while fetch's first use costs tens of ms of CPU, on every cold launch
 * that notifies. No pooled connection is reused: a reset on a stale one would make a message that
 * never left look "maybe delivered". Redirects are not followed: one could carry the body (and its
 * signature or token) somewhere unvetted. The deadline covers the answer's body too.
 */
async function send(req: HttpRequest): Promise<HttpAnswer> {
  const url = new URL(req.url);
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw Object.assign(new Error(`not an http(s) URL (${url.protocol})`), { code: "ERR_INVALID_URL" });
  const request = url.protocol === "https:" ? (await import("node:https")).request : httpRequest;
  const headers = { ...req.headers };
  if (req.body !== undefined) headers["content-length"] = String(Buffer.byteLength(req.body));
  return await new Promise<HttpAnswer>((resolve, reject) => {
    const outgoing = request(url, { method: req.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: headerReader(res.headers),
          text: Buffer.concat(chunks).toString("utf8"),
        });
      };
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (req.maxBodyBytes !== undefined && size > req.maxBodyBytes) {
          res.destroy();
          done();
        } else chunks.push(c);
      });
      res.on("end", done);
      res.on("error", fail);
    });
    const timer = setTimeout(() => {
      fail(Object.assign(new Error("deadline passed"), { name: "TimeoutError" }));
      outgoing.destroy();
    }, req.timeoutMs);
    function fail(e: unknown) {
      clearTimeout(timer);
      reject(e);
    }
    outgoing.on("error", fail);
    outgoing.end(req.body);
  });
}

function headerReader(headers: IncomingHttpHeaders): AnswerHeaders {
  return {
    get(name) {
      const v = headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
    },
  };
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
  "ERR_INVALID_URL",
  // TLS refused the peer's certificate: the handshake ended before any byte of the request.
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
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
 * Why a request got no answer, in words: the deadline, or the socket error (or its `cause`, where
 * a wrapper hides it), with its code when the message lacks it.
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
