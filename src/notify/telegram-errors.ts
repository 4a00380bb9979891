/**
 * Turns what came back from the Bot API into data (telegram.md §1, §7): the service answered
 * (ok, or a *remote* refusal with its error_code, description and retry_after) or it did not
 * (*network*). Classified by code, never by description text (tdlib/telegram-bot-api#863).
 */
import { isRetryableStatus } from "../http.js";
import type { DeliveryFailure } from "../notification.js";

export type ApiAnswer = { ok: true; result: unknown } | { ok: false; failure: DeliveryFailure };

/** The raw HTTP exchange, as far as it got. */
export interface RawReply {
  status: number;
  body: string;
}

interface BotApiReply {
  ok: boolean;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

/** Classifies an HTTP reply to `method`; `token` is scrubbed from every text kept. */
export function classifyReply(method: string, reply: RawReply, token: string): ApiAnswer {
  const json = parseBotApiReply(reply.body);
  if (json?.ok) return { ok: true, result: json.result };
  if (json) {
    const status = typeof json.error_code === "number" ? json.error_code : reply.status;
    const retryAfter = json.parameters?.retry_after;
    const migrateTo = json.parameters?.migrate_to_chat_id;
    // The new chat id is the fix for an upgraded group; the failure has no field for it.
    const hint = migrateTo === undefined ? "" : ` (migrate_to_chat_id: ${String(migrateTo)})`;
    const description = typeof json.description === "string" ? json.description : `HTTP ${reply.status}`;
    return remote(
      status,
      redactToken(description + hint, token),
      typeof retryAfter === "number" ? retryAfter : null,
    );
  }
  // Not a Bot API answer: a proxy or load balancer spoke. A 5xx page means Telegram never answered.
  const snippet = redactToken(reply.body.replace(/\s+/g, " ").trim().slice(0, 200), token);
  const what = `HTTP ${reply.status} without a Bot API answer${snippet ? `: ${snippet}` : ""}`;
  if (reply.status >= 400 && reply.status < 500) return remote(reply.status, what, null);
  // A proxy's 502/503 means Telegram was not reached; its 504 means Telegram did not answer in time.
  const message = `Telegram ${method}: ${what}`;
  return { ok: false, failure: { kind: "network", message, maybeDelivered: reply.status === 504 } };
}

export function isParseEntitiesError(failure: DeliveryFailure): boolean {
  return (
    failure.kind === "remote" && failure.status === 400 && /can't parse entities/i.test(failure.description)
  );
}

export function isNotModifiedError(failure: DeliveryFailure): boolean {
  return (
    failure.kind === "remote" &&
    failure.status === 400 &&
    /message is not modified/i.test(failure.description)
  );
}

/** The token travels in the URL path, so any echoed URL would leak it. */
export function redactToken(text: string, token: string): string {
  return token ? text.split(token).join("<token>") : text;
}

function remote(status: number, description: string, retryAfterSeconds: number | null): ApiAnswer {
  const failure: DeliveryFailure = {
    kind: "remote",
    status,
    description,
    retryAfterSeconds,
    permanent: !isRetryableStatus(status),
  };
  return { ok: false, failure };
}

function parseBotApiReply(body: string): BotApiReply | null {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json === "object" && json !== null && typeof (json as { ok?: unknown }).ok === "boolean") {
      return json as BotApiReply;
    }
  } catch {
    // not JSON: handled by the caller as a proxy page
  }
  return null;
}
