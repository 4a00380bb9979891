/**
 * The routing rules of the original skill (seed-behaviour.md §3), as one pure function over a
 * parsed key, the flags and what the lookups found. Where the original silently dropped a key it
 * could not route, this refuses (unless --allow-no-delivery or another --notify target).
 */
import type { OpenClawRoute, RoutingRequest } from "../../route.js";
import * as msg from "./messages.js";
import type { SessionInfo, TopicTranscript } from "./session-info.js";
import { type ParsedKey, parseSessionKey } from "./session-key.js";

export interface Evidence {
  /** Rows per source, in resolution order (gateway, gateway-rpc, openclaw-cli, disk). */
  sources: { source: string; rows: SessionInfo[] }[];
  transcripts: TopicTranscript[];
  /** OPENCLAW_CHANNEL_CONTEXT of the launching exec tool. */
  context: { senderId: string | null; chatId: string | null } | null;
  /** Lookups that failed, for the refusal's "Lookup:" lines. */
  problems: string[];
}

export type ResolvedRoute = Omit<OpenClawRoute, "traceLive" | "execShell" | "launchEnv">;

/** What the original's --validate-only calls "metadata": the session found by a lookup. */
export interface Metadata {
  sessionId: string | null;
  telegramTarget: string | null;
}

export type Decision =
  | { ok: true; route: ResolvedRoute; metadata: Metadata | null }
  | { ok: false; message: string };

const RECENT_MS = 24 * 3600 * 1000;

interface Found {
  sessionId: string | null;
  row: SessionInfo | null;
  routingSource: string | null;
  transcript: TopicTranscript | null;
}

/**
 * The key a 2026.2.23-style DM-thread key (…:thread:<threadId>) has in 2026.3.2, where the chat
 * id precedes the thread id: the one composite key of the same parent and thread, if exactly one.
 */
function compositeTwin(p: ParsedKey, ev: Evidence): string | null {
  if (p.family !== "telegram-dm-thread" || p.target !== null) return null;
  const twins = new Set<string>();
  for (const s of ev.sources)
    for (const r of s.rows) {
      const q = parseSessionKey(r.key);
      if (q.ok && q.parsed.family === "telegram-dm-thread" && q.parsed.target !== null)
        if (q.parsed.wakeKey === p.wakeKey && q.parsed.threadId === p.threadId) twins.add(r.key);
    }
  return twins.size === 1 ? [...twins][0]! : null; // two chats with the same thread id: do not guess
}

/** The session's own row: the session id from the first source that has it, routing from the first with a destination. */
function findOwn(p: ParsedKey, threadId: string | null, ev: Evidence): Found {
  const keys = [p.key, compositeTwin(p, ev)].filter((k): k is string => k !== null);
  let sessionId: string | null = null;
  let row: SessionInfo | null = null;
  let routingSource: string | null = null;
  for (const s of ev.sources) {
    const r = s.rows.find((x) => x.key === keys[0]) ?? s.rows.find((x) => keys.includes(x.key));
    if (!r) continue;
    sessionId ??= r.sessionId;
    if (row === null && r.to !== null) {
      row = r;
      routingSource = s.source;
    }
  }
  // The original's fallback: the newest topic transcript of this thread.
  const transcript =
    threadId === null
      ? null
      : ([...ev.transcripts]
          .filter((t) => t.threadId === threadId)
          .sort((a, b) => b.mtimeMs - a.mtimeMs)[0] ?? null);
  return { sessionId: sessionId ?? row?.sessionId ?? null, row, routingSource, transcript };
}

/** A thread or topic session of this Telegram chat, active in the last 24 h (the original's has_recent_thread_session). */
export function hasRecentThreadSession(target: string, ev: Evidence, now: number): boolean {
  for (const s of ev.sources)
    for (const r of s.rows) {
      if (r.updatedAt === null || now - r.updatedAt > RECENT_MS) continue;
      const p = parseSessionKey(r.key);
      if (!p.ok || !p.parsed.telegramThread) continue;
      const chat = r.channel === "telegram" || r.channel === null ? r.to : null;
      if (chat === target || p.parsed.target === target) return true;
    }
  return ev.transcripts.some((t) => now - t.mtimeMs <= RECENT_MS && t.senderId === target);
}

/** The exec tool's chat id; for Telegram only a chat id Telegram could have. */
function contextChat(ev: Evidence, channel: string | null): string | null {
  const raw = ev.context?.chatId ?? ev.context?.senderId ?? null;
  const id = raw === null ? null : raw.replace(/^[a-z][a-z0-9_-]*:/, "");
  return id !== null && (channel !== "telegram" || /^-?\d{1,20}$/.test(id)) ? id : null;
}

/** --notify-session-id against what the lookups found: a mismatch is refused, on every path. */
function checkSessionId(
  req: RoutingRequest,
  p: ParsedKey,
  found: string | null,
): { ok: true; sessionId: string | null } | { ok: false; message: string } {
  if (req.notifySessionId === null) return { ok: true, sessionId: found ?? p.sessionId };
  if (found !== null && found !== req.notifySessionId)
    return { ok: false, message: msg.sessionIdMismatch(p.key, req.notifySessionId, found) };
  return { ok: true, sessionId: req.notifySessionId };
}

function routeOf(p: ParsedKey, more: Partial<ResolvedRoute>): ResolvedRoute {
  return {
    sessionKey: p.key,
    agentId: p.agentId ?? "",
    family: p.family,
    channel: null,
    target: null,
    threadId: null,
    replyTo: null,
    sessionId: p.sessionId,
    wakeKey: p.wakeKey,
    resolvedFrom: "key",
    ...more,
  };
}

export function decideRoute(
  req: RoutingRequest,
  p: ParsedKey,
  ev: Evidence,
  opts: { now: number; otherTargets: boolean },
): Decision {
  const threadId = req.notifyThreadId ?? (p.telegramThread ? p.threadId : null);
  const found = findOwn(p, threadId, ev);
  const metadata: Metadata | null =
    found.row || found.transcript || found.sessionId
      ? {
          sessionId: found.sessionId ?? found.transcript?.sessionId ?? null,
          telegramTarget:
            (found.row?.channel === "telegram" ? found.row.to : null) ?? found.transcript?.senderId ?? null,
        }
      : null;
  const replyTo = req.replyToMessageId;

  if (threadId !== null) {
    // The thread path: a Telegram forum topic or DM thread.
    if (req.notifyChannel !== null && req.notifyChannel !== "telegram")
      return { ok: false, message: msg.threadNeedsTelegram() };
    if (p.channel !== null && p.channel !== "telegram")
      return { ok: false, message: msg.threadIdOnOtherChannel(p.channel, p.key) };
    const fromKey = p.telegramThread ? p.target : null;
    const fromRow =
      found.row && (found.row.channel === "telegram" || found.row.channel === null) ? found.row.to : null;
    const target = fromKey ?? fromRow ?? found.transcript?.senderId ?? contextChat(ev, "telegram");
    const resolvedFrom = fromKey
      ? "key"
      : fromRow
        ? found.routingSource!
        : found.transcript?.senderId
          ? "disk"
          : "channel-context";
    const sid = checkSessionId(req, p, found.sessionId ?? found.transcript?.sessionId ?? null);
    if (!sid.ok) return sid;
    const sessionId = sid.sessionId;
    if (target === null) return { ok: false, message: msg.threadTargetUnresolved(ev.problems) };
    return {
      ok: true,
      metadata,
      route: routeOf(p, { channel: "telegram", target, threadId, replyTo, sessionId, resolvedFrom }),
    };
  }

  const rowChannel = found.row?.channel ?? null;
  const channel = p.channel ?? rowChannel ?? req.notifyChannel;
  if (req.notifyChannel !== null && channel !== null && req.notifyChannel !== channel)
    return { ok: false, message: msg.channelMismatch(req.notifyChannel, channel, p.key) };
  const sid = checkSessionId(req, p, found.sessionId);
  if (!sid.ok) return sid;
  const sessionId = sid.sessionId;
  const fromRow = found.row && (rowChannel === channel || rowChannel === null) ? found.row.to : null;
  // Telegram trusts the key (a thread must never become its main chat); other channels take the
  // destination OpenClaw itself delivers to, e.g. Discord's channel:<id>.
  const keyTarget = p.family === "channel" && p.target !== null ? `channel:${p.target}` : p.target;
  const preferRow = channel !== "telegram" && fromRow !== null;
  const target =
    (preferRow ? fromRow : keyTarget) ?? fromRow ?? (channel !== null ? contextChat(ev, channel) : null);
  const resolvedFrom =
    preferRow || (!keyTarget && fromRow) ? found.routingSource! : keyTarget ? "key" : "channel-context";

  if (channel === "telegram") {
    // Non-thread Telegram: the guards against posting into a main chat when a thread was meant.
    if (req.telegramRoutingMode === "thread-only")
      return { ok: false, message: msg.threadOnlyBlocked(p.agentId ?? "main") };
    if (req.telegramRoutingMode === "auto" && !req.allowMainTelegram) {
      if (p.family === "telegram-user")
        return { ok: false, message: msg.userScopeBlocked(p.agentId ?? "main") };
      if (target !== null && hasRecentThreadSession(target, ev, opts.now))
        return { ok: false, message: msg.recentThreadBlocked() };
    }
    if (target === null) return { ok: false, message: msg.telegramTargetUnresolved(ev.problems) };
    return {
      ok: true,
      metadata,
      route: routeOf(p, { channel, target, replyTo, sessionId, resolvedFrom }),
    };
  }

  if (channel === null || target === null) {
    if (!req.allowNoDelivery && !opts.otherTargets)
      return { ok: false, message: msg.noDeliveryTarget(p, ev.problems) };
    return { ok: true, metadata, route: routeOf(p, { channel, replyTo, sessionId, resolvedFrom: "none" }) };
  }
  const thread = p.threadId ?? (fromRow ? (found.row?.threadId ?? null) : null);
  const account = p.accountId !== null ? { accountId: p.accountId.toLowerCase() } : {};
  return {
    ok: true,
    metadata,
    route: routeOf(p, { channel, target, threadId: thread, replyTo, sessionId, resolvedFrom, ...account }),
  };
}
