/**
 * The refusals of routing, worded as the original skill words them (seed-behaviour.md §3), with
 * the agent id of the key where the original hard-coded "main"; and the refusal the original
 * lacked (a key that resolves to no target, which it dropped silently).
 */
import { FAMILY_LABEL, type ParsedKey } from "./session-key.js";

const lines = (...l: string[]) => l.join("\n");

export const threadNeedsTelegram = () =>
  "❌ Invalid routing: thread session requires --notify-channel telegram";

export const threadIdOnOtherChannel = (channel: string, key: string) =>
  lines(
    `❌ Invalid routing: --notify-thread-id is a Telegram thread id, but the session key is a ${channel} session`,
    `   session key: ${key}`,
    "   Drop --notify-thread-id, or pass the key of the Telegram thread.",
  );

export const sessionIdMismatch = (session: string, provided: string, expected: string) =>
  lines(
    "❌ Invalid routing: --notify-session-id does not match --session key",
    `   session key: ${session}`,
    `   provided:   ${provided}`,
    `   expected:   ${expected}`,
  );

export const threadTargetUnresolved = (lookups: string[]) =>
  lines(
    "❌ Invalid routing: thread session requires resolvable telegram target (auto-resolve failed)",
    "   Tip: ensure session exists in sessions_list or local thread session files",
    ...lookupLines(lookups),
  );

export const threadOnlyBlocked = (agentId: string) =>
  lines(
    "❌ Unsafe routing blocked: Telegram launch requires thread session (:thread:<id>)",
    `   Use --session agent:${agentId}:main:thread:<id>`,
  );

export const userScopeBlocked = (agentId: string) =>
  lines(
    `❌ Unsafe routing blocked: session key is non-thread user scope (agent:${agentId}:telegram:user:...).`,
    `   For thread chats use --session agent:${agentId}:main:thread:<id>.`,
    "   For intentional non-thread Telegram, pass --allow-main-telegram or --telegram-routing-mode allow-non-thread.",
  );

export const recentThreadBlocked = () =>
  lines(
    "❌ Unsafe routing blocked: recent thread session detected for this Telegram target.",
    "   Use thread session key (:thread:<id>) or pass --allow-main-telegram to force non-thread.",
  );

export const telegramTargetUnresolved = (lookups: string[]) =>
  lines(
    "❌ Invalid routing: Telegram target could not be resolved from session metadata",
    "   Provide a valid thread/user session key resolvable via sessions_list/local files.",
    ...lookupLines(lookups),
  );

export const channelMismatch = (given: string, channel: string, key: string) =>
  lines(
    `❌ Invalid routing: --notify-channel ${given} does not match the session's channel ${channel}`,
    `   session key: ${key}`,
    `   Drop --notify-channel, or pass the key of a ${given} session.`,
  );

export const notASessionKey = (problem: string) =>
  lines(
    `❌ Invalid routing: ${problem}`,
    "   Pass the key sessions_list shows for the chat (cctask run --session, or run_task's session argument).",
  );

function tipFor(p: ParsedKey): string {
  const id = p.agentId ?? "main";
  switch (p.family) {
    case "main":
    case "direct-peer":
    case "explicit":
      return `   Tip: pass the key of the chat itself (e.g. agent:${id}:main:thread:<chatId>:<threadId>, agent:${id}:telegram:group:<chatId>:topic:<n>, agent:${id}:whatsapp:group:<jid>@g.us), or make sure the session exists in sessions_list or the session store on disk.`;
    case "other":
      return "   Tip: this session has no chat of its own; pass the key of the chat that should hear about the run.";
    default:
      return "   Tip: make sure the session exists in sessions_list or the session store on disk (OPENCLAW_STATE_DIR).";
  }
}

export const noDeliveryTarget = (p: ParsedKey, lookups: string[]) =>
  lines(
    `❌ Invalid routing: session key resolves to no delivery target (recognised as ${FAMILY_LABEL[p.family]})`,
    `   session key: ${p.key}`,
    tipFor(p),
    "   Or add --notify TARGET (telegram:<chatId>, openclaw:<channel>:<target>), or pass --allow-no-delivery to start it with no notifications.",
    ...lookupLines(lookups),
  );

function lookupLines(lookups: string[]): string[] {
  return lookups.map((l) => `   Lookup: ${l}`);
}
