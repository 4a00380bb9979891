/**
 * The OpenClaw gateway's HTTP tool endpoint, POST /tools/invoke (openclaw.md §4). HTTP 200 does
 * not mean the tool worked: failures also come back as 200 with result.details.status
 * error/forbidden/timeout/failed or result.isError, so every answer goes through the full
 * success predicate of §4.2. Failures keep the status and the gateway's own words; the token
 * never appears in any message.
 */

import {
  exchangeHttp,
  type HttpAnswer,
  isRetryableStatus,
  networkFailure,
  parseJsonBody,
  parseRetryAfter,
} from "../http.js";
import type { DeliveryFailure } from "../notification.js";

export interface GatewayEndpoint {
  url: string;
  token: string | null;
}

export type ToolOutcome = { ok: true; details: unknown } | { ok: false; failure: DeliveryFailure };

export const DEFAULT_GATEWAY_TIMEOUT_MS = 20_000;
const PEER = "the OpenClaw gateway";
const FAILED_STATUSES = new Set(["error", "forbidden", "timeout", "failed"]);
/** Channel-side refusals that no retry will fix. */
const PERMANENT_TEXT =
  /unknown channel|channel is unavailable|tool not available|unknown target|ambiguous target|requires target|unknown account|invalid account id|no active whatsapp web listener/i;

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | null => (typeof v === "object" && v !== null ? (v as Json) : null);

function textOf(v: unknown): string | null {
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  const message = asObject(v)?.message;
  return typeof message === "string" && message.trim() !== "" ? message.trim() : null;
}

function describeFailure(answer: HttpAnswer, body: Json | null, details: Json | null): string {
  const status = details?.status;
  return (
    textOf(body?.error) ??
    textOf(details?.error) ??
    textOf(details?.message) ??
    (typeof status === "string" ? `tool status "${status}"` : null) ??
    (body === null
      ? `HTTP ${answer.status} with a body that is not JSON: ${answer.text.slice(0, 200)}`
      : `HTTP ${answer.status}`)
  );
}

/** A channel error quoted inside the tool's message, e.g. "(400: Bad Request: chat not found)". */
function embeddedCode(description: string): number | null {
  const m = /\((\d{3}): /.exec(description);
  return m?.[1] ? Number(m[1]) : null;
}

/** Judge one answer from /tools/invoke. Pure, so the predicate is tested on its own. */
export function judgeToolAnswer(answer: HttpAnswer, nowMs: number = Date.now()): ToolOutcome {
  const body = asObject(parseJsonBody(answer.text));
  const result = asObject(body?.result);
  const details = asObject(result?.details);
  const detailStatus = details?.status;
  const failedStatus = typeof detailStatus === "string" && FAILED_STATUSES.has(detailStatus);
  if (
    answer.status === 200 &&
    body?.ok === true &&
    !body.error &&
    result?.isError !== true &&
    !failedStatus &&
    details?.ok !== false
  ) {
    return { ok: true, details: result?.details };
  }

  const description = describeFailure(answer, body, details);
  const code = embeddedCode(description);
  const retryAfterHeader = parseRetryAfter(answer.headers.get("retry-after"), nowMs);
  const retryAfterText = /retry after (\d+)/i.exec(description)?.[1];
  const retryAfterSeconds = retryAfterHeader ?? (retryAfterText ? Number(retryAfterText) : null);
  let permanent: boolean;
  if (answer.status !== 200 && !(answer.status >= 500 && code !== null)) {
    permanent = !isRetryableStatus(answer.status);
  } else if (detailStatus === "forbidden" || PERMANENT_TEXT.test(description)) {
    permanent = true;
  } else {
    permanent = code !== null && !isRetryableStatus(code);
  }
  return {
    ok: false,
    failure: { kind: "remote", status: answer.status, description, retryAfterSeconds, permanent },
  };
}

function authHeaders(gw: GatewayEndpoint): Record<string, string> {
  return gw.token ? { authorization: `Bearer ${gw.token}` } : {};
}

export async function invokeTool(
  gw: GatewayEndpoint,
  tool: string,
  args: object,
  opts: { timeoutMs?: number; idempotencyKey?: string } = {},
): Promise<ToolOutcome> {
  const key = opts.idempotencyKey === undefined ? {} : { idempotencyKey: opts.idempotencyKey };
  const exchange = await exchangeHttp({
    method: "POST",
    url: `${gw.url.replace(/\/+$/, "")}/tools/invoke`,
    headers: { "content-type": "application/json", ...authHeaders(gw) },
    body: JSON.stringify({ tool, args, ...key }),
    timeoutMs: opts.timeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS,
    peer: PEER,
  });
  if (!exchange.answered) return { ok: false, failure: networkFailure(exchange) };
  return judgeToolAnswer(exchange.answer);
}

export type GatewayHealth = { ok: true } | { ok: false; message: string };

/**
 * Is a gateway listening? GET /healthz (no auth needed); /readyz when /healthz is unknown.
 * For the launch check: a run that needs the gateway is refused when this fails.
 */
export async function checkGateway(
  gw: GatewayEndpoint,
  opts: { timeoutMs?: number } = {},
): Promise<GatewayHealth> {
  const base = gw.url.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let last = "";
  for (const path of ["/healthz", "/readyz"]) {
    const exchange = await exchangeHttp({ method: "GET", url: `${base}${path}`, timeoutMs, peer: PEER });
    if (!exchange.answered) {
      return {
        ok: false,
        message: `${exchange.message}. Fix: start the gateway (\`openclaw gateway\`), or point cctask at it with OPENCLAW_GATEWAY_PORT / gateway.port (or OPENCLAW_GATEWAY_URL)`,
      };
    }
    const { status } = exchange.answer;
    // /readyz answers 503 while channels start: the gateway is up, just not ready yet.
    if ((status >= 200 && status < 300) || (path === "/readyz" && status === 503)) return { ok: true };
    last = `GET ${path} answered HTTP ${status}`;
    if (status !== 404) break;
  }
  return {
    ok: false,
    message: `${base} does not look like an OpenClaw gateway (${last}). Fix: check OPENCLAW_GATEWAY_PORT / gateway.port (or OPENCLAW_GATEWAY_URL)`,
  };
}
