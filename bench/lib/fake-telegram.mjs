/**
 * A minimal fake of the Telegram Bot API send path for the delivery benchmarks: node:http on
 * 127.0.0.1, port 0. sendMessage and editMessageText answer like Telegram ({"ok":true,"result":
 * Message}); errors have Telegram's shape (HTTP status = error_code, {"ok":false,...}), a 429 with
 * parameters.retry_after. Every call is recorded with its arrival time (Date.now(), the same
 * wall clock as file mtimes and cctask's own timestamps) and the status answered.
 *
 * A storm makes calls fail with 429: every `every`-th call (1 = all) for `ms` milliseconds,
 * starting at the first call after storm() (or at once with `now: true`).
 * failNext() answers the next `count` sendMessage calls with an error (e.g. 429 then 500);
 * failFor() answers every sendMessage with an error for a while (an outage).
 */
import http from "node:http";

const BOT = { id: 777000111, is_bot: true, first_name: "Bench", username: "cctask_bench_bot" };

function chatOf(id) {
  const n = Number(id);
  if (n > 0) return { id: n, first_name: "Bench", type: "private" };
  return n <= -1e12
    ? { id: n, title: "Bench forum", type: "supergroup", is_forum: true }
    : { id: n, title: "Bench group", type: "group" };
}

/** What Telegram would show: the HTML's text without tags, entities decoded. */
function plainText(text, parseMode) {
  if (parseMode !== "HTML") return text;
  return text
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

export async function startFakeTelegram({ token = "777000111:bench-token" } = {}) {
  const calls = [];
  const chats = new Map(); // chat id → Map(message_id → text)
  let storm = null;
  let stormCalls = 0;
  const queued = []; // { status, description, retryAfter, left }
  let outage = null; // { status, description, until }

  const error = (status, description, retryAfter) => ({
    status,
    body: {
      ok: false,
      error_code: status,
      description,
      ...(retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } }),
    },
  });
  const ok = (result) => ({ status: 200, body: { ok: true, result } });

  /** The storm's answer for this call, or null. Starts the storm's clock on its first call. */
  const stormAnswer = (now) => {
    if (!storm) return null;
    if (storm.start === null) storm.start = now;
    if (now >= storm.start + storm.ms) return null;
    stormCalls++;
    if ((stormCalls - 1) % storm.every !== 0) return null;
    return error(429, `Too Many Requests: retry after ${storm.retryAfter}`, storm.retryAfter);
  };

  const answer = (botToken, method, p, now) => {
    if (botToken !== token) return error(401, "Unauthorized");
    if (method === "getMe") return ok(BOT);
    if (method !== "sendMessage" && method !== "editMessageText") return error(404, "Not Found");
    const chat = String(p.chat_id ?? "");
    if (!chat) return error(400, "Bad Request: chat_id is empty");
    if (typeof p.text !== "string" || p.text.trim() === "")
      return error(400, "Bad Request: message text is empty");
    const limited = stormAnswer(now);
    if (limited) return limited;
    if (method === "sendMessage" && outage && now < outage.until)
      return error(outage.status, outage.description);
    if (method === "sendMessage" && queued.length > 0) {
      const f = queued[0];
      if (--f.left <= 0) queued.shift();
      return error(f.status, f.description, f.retryAfter);
    }
    const text = plainText(p.text, p.parse_mode);
    const date = Math.floor(now / 1000);
    const messages = chats.get(chat) ?? new Map();
    chats.set(chat, messages);
    if (method === "editMessageText") {
      const id = Number(p.message_id);
      if (!messages.has(id)) return error(400, "Bad Request: message to edit not found");
      messages.set(id, text);
      return ok({ message_id: id, from: BOT, chat: chatOf(chat), date, edit_date: date, text });
    }
    const id = messages.size + 1;
    messages.set(id, text);
    return ok({ message_id: id, from: BOT, chat: chatOf(chat), date, text });
  };

  const server = http.createServer((req, res) => {
    const time = Date.now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? "/", "http://x").pathname);
      let p = {};
      try {
        const raw = Buffer.concat(chunks).toString("utf8");
        p = req.headers["content-type"]?.includes("json")
          ? JSON.parse(raw || "{}")
          : Object.fromEntries(new URLSearchParams(raw));
      } catch {
        // answered below as an empty request
      }
      const a = m ? answer(m[1], m[2], p, time) : error(404, "Not Found");
      calls.push({
        method: m?.[2] ?? "",
        chatId: p.chat_id === undefined ? null : String(p.chat_id),
        text: typeof p.text === "string" ? p.text : null,
        silent: p.disable_notification === true || p.disable_notification === "true",
        time,
        status: a.status,
        retryAfter: a.body.parameters?.retry_after ?? null,
      });
      res.writeHead(a.status, { "content-type": "application/json" });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    apiRoot: `http://127.0.0.1:${server.address().port}`,
    token,
    calls,
    /** 429 with retry_after for every `every`-th call during `ms` from the next call (or now). */
    storm({ ms, every = 1, retryAfter = 1, now = false }) {
      storm = { ms, every, retryAfter, start: now ? Date.now() : null };
      stormCalls = 0;
    },
    /** The next `count` sendMessage calls fail with this status (and retry_after, if given). */
    failNext({ status, description, retryAfter, count = 1 }) {
      queued.push({ status, description, retryAfter, left: count });
    },
    /** Every sendMessage fails with this status for `ms` from now. */
    failFor(ms, { status, description }) {
      outage = { status, description, until: Date.now() + ms };
      return outage.until;
    },
    stormWindow: () => (storm?.start == null ? null : { start: storm.start, end: storm.start + storm.ms }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
