/**
 * Target syntax (repeatable --notify): telegram:<chatId> · telegram:<chatId>:topic:<threadId> ·
 * openclaw:<channel>:<target>[:topic:<thread>][:account:<accountId>] · webhook:<url> · console. Parsing is strict: a typo is an error
 * with the value and the fix, never a silently different destination.
 */
import { UsageError } from "../errors.js";
import type { Target } from "../notification.js";
import { quoted } from "../text.js";

const CHAT_ID = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
const THREAD_ID = /^[1-9]\d{0,9}$/; // Telegram topic ids start at 1
const CHANNEL = /^[a-z][a-z0-9_-]{0,31}$/;
/** OpenClaw's own account id rule (routing/account-id.ts VALID_ID_RE). */
const ACCOUNT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export const TARGET_HELP =
  "telegram:<chatId>, telegram:<chatId>:topic:<threadId>, openclaw:<channel>:<target>, webhook:<https-url>, console";

/** @param name how the caller names the target in a message (a flag, or an MCP tool's argument) */
export function parseTarget(raw: string, name = "--notify"): Target {
  const s = raw.trim();
  const bad = (why: string) => new UsageError(`${name} ${quoted(raw)}: ${why}. Targets: ${TARGET_HELP}`);
  if (s === "console") return { scheme: "console" };
  const colon = s.indexOf(":");
  const scheme = colon < 0 ? s : s.slice(0, colon);
  const rest = colon < 0 ? "" : s.slice(colon + 1);
  switch (scheme) {
    case "telegram": {
      const m = rest.match(/^([^:]+)(?::topic:([^:]+))?$/);
      if (!m) throw bad("expected telegram:<chatId> or telegram:<chatId>:topic:<threadId>");
      const [, chatId, thread] = m;
      if (!CHAT_ID.test(chatId!))
        throw bad(
          `${quoted(chatId!)} is not a Telegram chat id (a number such as -1001234567890, or @channelname)`,
        );
      if (thread !== undefined && !THREAD_ID.test(thread))
        throw bad(
          `${quoted(thread)} is not a topic id (a whole number from 1: topic ids start at 1; leave out :topic: for the main chat)`,
        );
      return { scheme: "telegram", chatId: chatId!, threadId: thread === undefined ? null : Number(thread) };
    }
    case "openclaw": {
      const i = rest.indexOf(":");
      const channel = i < 0 ? rest : rest.slice(0, i);
      let target = i < 0 ? "" : rest.slice(i + 1);
      // the account to send from, last: …:account:<id> (a WhatsApp number other than the default)
      const account = /^(.*):account:([^:]*)$/.exec(target);
      if (account) {
        target = account[1]!;
        if (!ACCOUNT_ID.test(account[2]!))
          throw bad(
            `${quoted(account[2]!)} is not an OpenClaw account id (letters, digits, _ and -, e.g. work)`,
          );
      }
      const accountId = account ? { accountId: account[2]!.toLowerCase() } : {};
      if (!CHANNEL.test(channel))
        throw bad(`${quoted(channel)} is not an OpenClaw channel name (e.g. whatsapp, discord, telegram)`);
      if (target.trim() === "")
        throw bad("the OpenClaw target is missing, e.g. openclaw:whatsapp:+15551234567");
      // a Telegram topic is a number; a Slack thread is a timestamp such as 1712345678.123456
      const topic = target.match(channel === "telegram" ? /^(.+):topic:(\d+)$/ : /^(.+):topic:([\w.-]+)$/);
      if (topic && channel === "telegram" && !THREAD_ID.test(topic[2]!))
        throw bad(`${quoted(topic[2]!)} is not a topic id (a whole number from 1: topic ids start at 1)`);
      return topic
        ? { scheme: "openclaw", channel, target: topic[1]!, threadId: topic[2]!, ...accountId }
        : { scheme: "openclaw", channel, target, threadId: null, ...accountId };
    }
    case "webhook":
      if (rest === "") throw bad("the webhook URL is missing, e.g. webhook:https://example.com/hooks/cctask");
      return { scheme: "webhook", url: rest };
    default:
      throw bad(`unknown target scheme ${quoted(scheme)}`);
  }
}

/** The canonical string of a target: how it is stored and shown. */
export function formatTarget(t: Target): string {
  switch (t.scheme) {
    case "telegram":
      return `telegram:${t.chatId}${t.threadId === null ? "" : `:topic:${t.threadId}`}`;
    case "openclaw":
      return `openclaw:${t.channel}:${t.target}${t.threadId === null ? "" : `:topic:${t.threadId}`}${t.accountId ? `:account:${t.accountId}` : ""}`;
    case "webhook":
      return `webhook:${t.url}`;
    case "console":
      return "console";
    default: {
      const never: never = t;
      return never;
    }
  }
}
