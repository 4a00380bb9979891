/**
 * One OpenClaw session's routing facts, whichever source they came from: a `sessions_list` row
 * (2026.3.2 carries deliveryContext; 2026.9.6 hides it), a gateway RPC `sessions.list` row, a
 * 2026.2–2026.3 sessions.json entry, or a 2026.9.6 SQLite entry_json (whose canonical form is
 * `delivery: {kind:"external", route, context, origin}`). Every input here is untrusted JSON:
 * anything of the wrong type reads as absent.
 */

export interface SessionInfo {
  key: string;
  sessionId: string | null;
  /** The delivery channel (deliveryContext.channel, else the prefix of `to`). */
  channel: string | null;
  /** The channel-local destination, without a `<channel>:` prefix (Telegram stores telegram:<chatId>). */
  to: string | null;
  threadId: string | null;
  accountId: string | null;
  /** Epoch ms. */
  updatedAt: number | null;
}

/** A Telegram topic/DM-thread transcript of 2026.2–2026.3: <sessionId>-topic-<threadId>.jsonl. */
export interface TopicTranscript {
  agentId: string;
  sessionId: string;
  threadId: string;
  mtimeMs: number;
  /** The first sender_id found in the inbound metadata of a user turn (the chat, in a DM). */
  senderId: string | null;
  path: string;
}

type Json = Record<string, unknown>;

export function asObject(v: unknown): Json | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : null;
}

function str(v: unknown): string | null {
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** `telegram:123` → { channel: telegram, to: 123 }; a bare id keeps the channel it came with. */
function splitTo(to: string | null, channel: string | null): { channel: string | null; to: string | null } {
  if (to === null) return { channel, to };
  const m = /^([a-z][a-z0-9_-]*):(.+)$/.exec(to);
  // a WhatsApp JID or an E.164 number has no such prefix; "telegram:-100…" has
  if (m && (channel === null || channel === m[1])) return { channel: m[1]!, to: m[2]! };
  return { channel, to };
}

/** The routing part of any row or entry: the first place that has a destination wins. */
function routeOf(o: Json): Pick<SessionInfo, "channel" | "to" | "threadId" | "accountId"> {
  const delivery = asObject(o.delivery);
  const route = asObject(delivery?.route);
  const candidates: (Json | null)[] = [
    asObject(o.deliveryContext),
    asObject(delivery?.context),
    route
      ? {
          channel: route.channel,
          to: asObject(route.target)?.to,
          threadId: asObject(route.thread)?.id,
          accountId: route.accountId,
        }
      : null,
    { channel: o.lastChannel, to: o.lastTo, threadId: o.lastThreadId, accountId: o.lastAccountId },
    asObject(o.origin)
      ? {
          channel: asObject(o.origin)?.provider,
          to: asObject(o.origin)?.to,
          threadId: asObject(o.origin)?.threadId,
          accountId: asObject(o.origin)?.accountId,
        }
      : null,
  ];
  for (const c of candidates) {
    if (!c) continue;
    const split = splitTo(str(c.to), str(c.channel)?.toLowerCase() ?? null);
    if (split.to === null) continue;
    // 2026.9.6 writes a forum topic's destination as "telegram:<chat>:topic:<n>": the chat is before it
    const topic = split.channel === "telegram" ? /^(.+):topic:(\d+)$/.exec(split.to) : null;
    return {
      channel: split.channel,
      to: topic ? topic[1]! : split.to,
      threadId: str(c.threadId) ?? topic?.[2] ?? null,
      accountId: str(c.accountId),
    };
  }
  return { channel: str(o.channel)?.toLowerCase() ?? null, to: null, threadId: null, accountId: null };
}

/** A sessions_list / sessions.list row, or a sessions.json / SQLite entry stored under `key`. */
export function toSessionInfo(raw: unknown, keyHint?: string): SessionInfo | null {
  const o = asObject(raw);
  if (!o) return null;
  const key = str(o.key) ?? str(o.sessionKey) ?? keyHint ?? null;
  if (key === null) return null;
  return {
    key,
    sessionId: str(o.sessionId),
    ...routeOf(o),
    updatedAt: num(o.updatedAt) ?? num(o.lastInteractionAt),
  };
}

/** The rows of a sessions_list / sessions.list / `openclaw sessions --json` answer. */
export function rowsOf(payload: unknown): SessionInfo[] {
  const o = asObject(payload);
  // the list itself, or under sessions / result.sessions / payload.sessions (RPC envelopes)
  const candidates = [payload, o?.sessions, asObject(o?.result)?.sessions, asObject(o?.payload)?.sessions];
  const list = (candidates.find((c) => Array.isArray(c)) as unknown[] | undefined) ?? [];
  return list.map((r) => toSessionInfo(r)).filter((r): r is SessionInfo => r !== null);
}

/** Does any row carry a destination? 2026.9.6's sessions_list never does. */
export function hasRouting(rows: SessionInfo[]): boolean {
  return rows.some((r) => r.to !== null);
}
