/**
 * One HTTP exchange with a deadline, reported as data: the service's answer (any status), or
 * "no answer" with a readable reason. Shared by the gateway client and the webhook channel.
 * Messages name only the peer's origin: paths and query strings may carry secrets.
 */

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** `code`: the socket error (e.g. ECONNREFUSED), "TIMEOUT", or null when unknown. */
export type HttpExchange =
  | { answered: true; answer: HttpAnswer }
  | { answered: false; message: string; maybeDelivered: boolean; code: string | null };

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
  const code = (err as { code?: unknown } | null)?.code;
  const causeCode = ((err as { cause?: { code?: unknown } } | null)?.cause as { code?: unknown } | undefined)
    ?.code;
  return !NOT_SENT_CODES.has(String(code)) && !NOT_SENT_CODES.has(String(causeCode));
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Who we are talking to, for messages (e.g. "the OpenClaw gateway"). */
  peer: string;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}

/** Undici hides the socket error in `cause`; that is the part worth showing. */
function describeError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) {
    return `no answer within ${Math.round(timeoutMs / 100) / 10} s`;
  }
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code && cause.message)
    return cause.message.includes(cause.code) ? cause.message : `${cause.code}: ${cause.message}`;
  if (cause?.message) return cause.message;
  return e instanceof Error ? e.message : String(e);
}

function errorCode(e: unknown): string | null {
  if (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError")) return "TIMEOUT";
  const cause = e instanceof Error ? (e.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? null;
}

/** Errors that prove the request never reached the peer (nothing can have happened there). */
export function neverReached(code: string | null): boolean {
  return (
    code !== null &&
    ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"].includes(code)
  );
}

export async function exchangeHttp(req: HttpRequest): Promise<HttpExchange> {
  try {
    const res = await fetch(req.url, {
      method: req.method,
      ...(req.headers ? { headers: req.headers } : {}),
      ...(req.body !== undefined ? { body: req.body } : {}),
      // A redirect could carry the body (and its signature or token) somewhere unvetted.
      redirect: "manual",
      signal: AbortSignal.timeout(req.timeoutMs),
    });
    const text = await res.text();
    return { answered: true, answer: { status: res.status, headers: res.headers, text } };
  } catch (e) {
    return {
      answered: false,
      message: `no answer from ${req.peer} at ${originOf(req.url)}: ${describeError(e, req.timeoutMs)}`,
      maybeDelivered: mayHaveReachedPeer(e),
      code: errorCode(e),
    };
  }
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

/** Statuses worth another try: a timeout, a rate limit, or the server's own trouble. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
