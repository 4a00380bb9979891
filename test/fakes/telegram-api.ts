// A loopback fake of the Telegram Bot API send path (telegram.md §9.2): node:http, port 0, the
// real error shapes (HTTP status = error_code, {"ok":false,...}), HTML checked the way Telegram's
// parser does (tdlib parse_html: unsupported/unmatched tags fail, an unknown `&` stays literal),
// the 4096 post-parse limit, threads, chats, and a fault plan a test can change at runtime.
// Inbound traffic: pushUpdate() queues an update that a long-polling getUpdates (offset, timeout)
// receives, so a bot such as the OpenClaw gateway's Telegram channel can be driven by "users".
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeTelegramOptions {
  token?: string;
  /** Thread ids answered with "message thread not found" (1, the General topic, always is). */
  missingThreads?: number[];
  notFoundChats?: string[];
  blockedChats?: string[];
  /** 429 when a chat gets more than `perSecond` messages (sends + edits) within one second. */
  rateLimit?: { perSecond: number; retryAfter?: number };
}

export type Fault = (
  | {
      status: number;
      description?: string;
      retryAfter?: number /** an HTML page, as a proxy */;
      proxy?: boolean;
    }
  | { drop: true } // destroy the socket without answering
  | { hang: true } // never answer
  | { delayMs: number } // act on the call at once, answer only this much later
) & { method?: string };

/** Which call a queued fault applies to (default: the next one of its method, if any). */
export type FaultFilter = (call: TelegramCall) => boolean;

export interface TelegramCall {
  method: string;
  chat_id: string | null;
  message_id: number | null;
  text: string | null;
  parse_mode: string | null;
  message_thread_id: number | null;
  disable_notification: boolean | null;
  /** reply_parameters.message_id, or the older reply_to_message_id. */
  reply_to_message_id: number | null;
  time: number;
  /** HTTP status answered; 0 when dropped or hung. */
  status: number;
  description: string | null;
}

export interface InboundText {
  chatId: number;
  fromId: number;
  text: string;
  /** A forum topic (supergroup chats) or a private-chat thread. */
  threadId?: number;
}

export interface FakeTelegram {
  apiRoot: string;
  token: string;
  calls: TelegramCall[];
  /** Queue an update for getUpdates; returns its update_id. */
  pushUpdate(update: Record<string, unknown>): number;
  failNext(fault: Fault & { count?: number; when?: FaultFilter }): void;
  failFor(ms: number, fault: Fault): void;
  dropConnections(count?: number): void;
  waitForCalls(n: number, timeoutMs?: number): Promise<TelegramCall[]>;
  close(): Promise<void>;
}

type Params = Record<string, unknown>;
type Outcome = { status: number; description: string; retryAfter?: number } | { result: unknown };

const ALLOWED_TAGS = new Set(
  "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji tg-time".split(" "),
);
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden: bot was blocked by the user",
  404: "Not Found",
  500: "Internal Server Error",
  502: "Bad Gateway",
};
const BOT = { id: 123456, is_bot: true, first_name: "Fake", username: "fake_cctask_bot" };

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = opts.token ?? "123456:AAF-fake_token_for_tests";
  const missingThreads = new Set([1, ...(opts.missingThreads ?? [])]);
  const calls: TelegramCall[] = [];
  const queue: { fault: Fault; left: number; when: FaultFilter }[] = [];
  const windows: { fault: Fault; until: number }[] = [];
  const stored = new Map<string, Map<number, { text: string; parse_mode: unknown }>>();
  const recent = new Map<string, number[]>();
  const updates: Record<string, unknown>[] = [];
  const pollers = new Set<() => void>();
  let nextUpdateId = 1;

  /** getUpdates: answer at once when updates at or after `offset` exist, else hold up to `timeout` s. */
  const getUpdates = (p: Params, res: http.ServerResponse, call: TelegramCall) => {
    const offset = Number(p.offset ?? 0);
    const limit = Number(p.limit ?? 100);
    const timeoutMs = Math.min(Number(p.timeout ?? 0), 50) * 1000;
    if (offset > 0) updates.splice(0, updates.filter((u) => Number(u.update_id) < offset).length);
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: unknown[]) => {
      pollers.delete(wake);
      clearTimeout(timer);
      if (!res.writableEnded && !res.destroyed) sendJson(res, call, 200, { ok: true, result });
    };
    const ready = () => updates.filter((u) => Number(u.update_id) >= offset).slice(0, limit);
    const wake = () => {
      const found = ready();
      if (found.length > 0) finish(found);
    };
    if (ready().length > 0 || timeoutMs === 0) return finish(ready());
    pollers.add(wake);
    timer = setTimeout(() => finish([]), timeoutMs);
    res.on("close", () => {
      pollers.delete(wake);
      clearTimeout(timer);
    });
  };

  const takeFault = (call: TelegramCall): Fault | null => {
    const { method } = call;
    const now = Date.now();
    const w = windows.find((x) => x.until > now && (!x.fault.method || x.fault.method === method));
    if (w) return w.fault;
    const q = queue.find((x) => (!x.fault.method || x.fault.method === method) && x.when(call));
    if (!q) return null;
    q.left -= 1;
    if (q.left <= 0) queue.splice(queue.indexOf(q), 1);
    return q.fault;
  };

  const isLimited = (chat: string): number | null => {
    if (!opts.rateLimit) return null;
    const now = Date.now();
    const times = (recent.get(chat) ?? []).filter((t) => now - t < 1000);
    recent.set(chat, times);
    if (times.length >= opts.rateLimit.perSecond) return opts.rateLimit.retryAfter ?? 1;
    times.push(now);
    return null;
  };

  const checkText = (p: Params): Outcome | string => {
    const raw = typeof p.text === "string" ? p.text : "";
    const parsed = p.parse_mode === "HTML" ? parseHtml(raw) : { text: raw };
    if ("error" in parsed) return bad(`can't parse entities: ${parsed.error}`);
    if (parsed.text.trim() === "") return bad("message text is empty");
    if (parsed.text.length > 4096) return bad("message is too long");
    return parsed.text;
  };

  const sendMessage = (p: Params): Outcome => {
    const chat = String(p.chat_id ?? "");
    const thread = p.message_thread_id === undefined ? null : Number(p.message_thread_id);
    if (!chat) return bad("chat_id is empty");
    if (opts.notFoundChats?.includes(chat)) return bad("chat not found");
    if (opts.blockedChats?.includes(chat))
      return { status: 403, description: "Forbidden: bot was blocked by the user" };
    if (thread !== null && missingThreads.has(thread)) return bad("message thread not found");
    const text = checkText(p);
    if (typeof text !== "string") return text;
    const wait = isLimited(chat);
    if (wait !== null) return tooMany(wait);
    const messages = stored.get(chat) ?? new Map();
    stored.set(chat, messages);
    const id = messages.size + 1;
    messages.set(id, { text: String(p.text), parse_mode: p.parse_mode });
    return { result: makeMessage(chat, id, text, thread) };
  };

  const editMessageText = (p: Params): Outcome => {
    const chat = String(p.chat_id ?? "");
    const message = stored.get(chat)?.get(Number(p.message_id));
    if (!message) return bad("message to edit not found");
    const text = checkText(p);
    if (typeof text !== "string") return text;
    if (message.text === p.text && message.parse_mode === p.parse_mode) return bad(NOT_MODIFIED);
    const wait = isLimited(chat);
    if (wait !== null) return tooMany(wait);
    Object.assign(message, { text: p.text, parse_mode: p.parse_mode });
    const edited = makeMessage(chat, Number(p.message_id), text, null);
    return { result: { ...edited, edit_date: edited.date } };
  };

  const answer = (method: string, p: Params, botToken: string | undefined): Outcome => {
    if (botToken === undefined) return { status: 404, description: "Not Found" };
    if (botToken !== token) return { status: 401, description: "Unauthorized" };
    if (method === "getMe") return { result: { ...BOT, can_join_groups: true, has_topics_enabled: true } };
    if (method === "sendMessage") return sendMessage(p);
    if (method === "editMessageText") return editMessageText(p);
    if (["sendChatAction", "setMyCommands", "deleteMyCommands", "deleteWebhook"].includes(method)) {
      return { result: true };
    }
    return { status: 404, description: "Not Found" };
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const path = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const method = path?.[2] ?? "";
    const p = parseParams(raw, req.headers["content-type"]);
    const call = recordCall(method, p);
    calls.push(call);
    const fault = takeFault(call);
    if (fault && ("drop" in fault || "hang" in fault)) {
      if ("drop" in fault) req.socket.destroy();
      return;
    }
    if (!fault && method === "getUpdates" && path?.[1] === token) return getUpdates(p, res, call);
    if (fault && "delayMs" in fault) {
      const outcome = answer(method, p, path?.[1]);
      const body =
        "result" in outcome
          ? { ok: true, result: outcome.result }
          : { ok: false, error_code: outcome.status, description: outcome.description };
      call.status = "result" in outcome ? 200 : outcome.status; // acted on now, whoever hears the answer
      setTimeout(() => {
        if (!res.destroyed) sendJson(res, call, call.status, body);
      }, fault.delayMs).unref();
      return;
    }
    const outcome: Outcome = fault
      ? { status: fault.status, description: describeFault(fault), retryAfter: fault.retryAfter }
      : answer(method, p, path?.[1]);
    if ("result" in outcome) return sendJson(res, call, 200, { ok: true, result: outcome.result });
    call.description = outcome.description;
    if (fault && "proxy" in fault && fault.proxy) {
      call.status = outcome.status;
      res.writeHead(outcome.status, { "content-type": "text/html" });
      res.end(`<html><body><h1>${outcome.status} ${outcome.description}</h1></body></html>`);
      return;
    }
    const parameters =
      outcome.retryAfter === undefined ? {} : { parameters: { retry_after: outcome.retryAfter } };
    const body = { ok: false, error_code: outcome.status, description: outcome.description, ...parameters };
    sendJson(res, call, outcome.status, body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (err) {
        // A bug in the fake (or a body it cannot read) must be loud, not a hang.
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ ok: false, error_code: 500, description: `fake Telegram: ${String(err)}` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    calls,
    pushUpdate: (update) => {
      const update_id = nextUpdateId++;
      updates.push({ update_id, ...update });
      for (const wake of [...pollers]) wake();
      return update_id;
    },
    failNext: ({ count, when, ...fault }) =>
      queue.push({ fault, left: count ?? 1, when: when ?? (() => true) }),
    failFor: (ms, fault) => windows.push({ fault, until: Date.now() + ms }),
    dropConnections: (count = 1) => queue.push({ fault: { drop: true }, left: count, when: () => true }),
    waitForCalls: async (n, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (calls.length < n) {
        if (Date.now() > deadline) throw new Error(`fake Telegram saw ${calls.length} calls, wanted ${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return calls.slice(0, n);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const bad = (detail: string): Outcome => ({ status: 400, description: `Bad Request: ${detail}` });
const tooMany = (s: number): Outcome => ({
  status: 429,
  description: `Too Many Requests: retry after ${s}`,
  retryAfter: s,
});

function describeFault(f: { status: number; description?: string; retryAfter?: number }): string {
  if (f.description) return f.description;
  if (f.status === 429) return `Too Many Requests: retry after ${f.retryAfter ?? 1}`;
  return DEFAULT_DESCRIPTIONS[f.status] ?? `Error ${f.status}`;
}

function sendJson(res: http.ServerResponse, call: TelegramCall, status: number, body: object) {
  call.status = status;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function parseParams(raw: string, type: string | undefined): Params {
  if (type?.includes("application/json")) return raw ? (JSON.parse(raw) as Params) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

function recordCall(method: string, p: Params): TelegramCall {
  const opt = <T>(v: unknown, f: (x: unknown) => T): T | null => (v === undefined ? null : f(v));
  return {
    method,
    chat_id: opt(p.chat_id, String),
    message_id: opt(p.message_id, Number),
    text: opt(p.text, String),
    parse_mode: opt(p.parse_mode, String),
    message_thread_id: opt(p.message_thread_id, Number),
    disable_notification: opt(p.disable_notification, (v) => v === true || v === "true"),
    reply_to_message_id: opt(
      (p.reply_parameters as { message_id?: unknown } | undefined)?.message_id ?? p.reply_to_message_id,
      Number,
    ),
    time: Date.now(),
    status: 0,
    description: null,
  };
}

function makeMessage(chat: string, id: number, text: string, thread: number | null) {
  const n = Number(chat);
  const chatObj = Number.isNaN(n)
    ? { id: -1001000000001, type: "channel", title: "Fake channel", username: chat.replace(/^@/, "") }
    : n > 0
      ? { id: n, type: "private", first_name: "Tester" }
      : n <= -1_000_000_000_000
        ? { id: n, type: "supergroup", title: "Fake forum", is_forum: true }
        : { id: n, type: "group", title: "Fake group" };
  const topic = thread === null ? {} : { message_thread_id: thread, is_topic_message: true };
  return { message_id: id, from: BOT, date: Math.floor(Date.now() / 1000), chat: chatObj, ...topic, text };
}

let inboundMessageId = 1000;

/** An update carrying a text message from a user, in a DM, a group, or a forum topic. */
export function makeTextUpdate(m: InboundText): Record<string, unknown> {
  const isPrivate = m.chatId > 0;
  const chat = isPrivate
    ? { id: m.chatId, type: "private", first_name: "Tester" }
    : { id: m.chatId, type: "supergroup", title: "Fake forum", is_forum: m.threadId !== undefined };
  const thread = m.threadId === undefined ? {} : { message_thread_id: m.threadId, is_topic_message: true };
  const from = { id: m.fromId, is_bot: false, first_name: "Tester", username: `tester${m.fromId}` };
  inboundMessageId += 1;
  const message_id = inboundMessageId;
  return {
    message: { message_id, from, chat, date: Math.floor(Date.now() / 1000), ...thread, text: m.text },
  };
}

/** Telegram's HTML parser, reduced to what decides success: tag names, balance, entities. */
export function parseHtml(html: string): { text: string } | { error: string } {
  const stack: string[] = [];
  let text = "";
  let i = 0;
  while (i < html.length) {
    const ch = html.charAt(i);
    if (ch === "&") {
      const m = /^&(?:(lt|gt|amp|quot)|#(\d+)|#x([0-9a-fA-F]+));/.exec(html.slice(i, i + 12));
      const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
      const code = Number(m?.[2] ?? `0x${m?.[3]}`);
      const decoded = m?.[1] ? named[m[1]] : m && code <= 0x10ffff ? String.fromCodePoint(code) : "&";
      text += decoded ?? "&";
      i += m ? m[0].length : 1;
      continue;
    }
    if (ch !== "<") {
      text += ch;
      i += 1;
      continue;
    }
    const at = `at byte offset ${Buffer.byteLength(html.slice(0, i))}`;
    const end = html.indexOf(">", i);
    if (html.charAt(i + 1) === "/") {
      const open = stack.pop();
      if (open === undefined) return { error: `Unexpected end tag ${at}` };
      if (end < 0) return { error: `Unclosed end tag ${at}` };
      const name = html
        .slice(i + 2, end)
        .trim()
        .toLowerCase();
      if (name && name !== open)
        return { error: `Unmatched end tag ${at}, expected "</${open}>", found "</${name}>"` };
      i = end + 1;
      continue;
    }
    const name = (/^[^\s>]*/.exec(html.slice(i + 1))?.[0] ?? "").toLowerCase();
    if (i + 1 + name.length >= html.length) return { error: `Unclosed start tag ${at}` };
    if (!ALLOWED_TAGS.has(name)) return { error: `Unsupported start tag "${name}" ${at}` };
    if (end < 0) return { error: `Unclosed start tag ${at}` };
    stack.push(name);
    i = end + 1;
  }
  const open = stack.at(-1);
  return open === undefined ? { text } : { error: `Can't find end tag corresponding to start tag "${open}"` };
}
