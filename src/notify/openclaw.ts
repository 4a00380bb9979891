/**
 * Delivery to any OpenClaw channel (WhatsApp, Discord, Telegram, …) through the gateway's
 * `message` tool (openclaw.md §7.1). OpenClaw converts Markdown to each channel's own markup
 * (`**bold**` becomes <b> on Telegram) and escapes what needs escaping, so the text is plain with
 * light Markdown. It also chunks at 4000 characters; we stay under that so a notification is one
 * message with one remote id (details.messageId).
 */

import type { DeliveryFailure, NotificationContent, SendResult } from "../notification.js";
import { type GatewayEndpoint, invokeTool } from "../openclaw/gateway.js";
import type { Channel, SendRequest } from "./channel.js";

/** OpenClaw's default textChunkLimit. */
export const OPENCLAW_MESSAGE_LIMIT = 4000;
const TRUNCATED = "… (truncated)";
const TRUNCATED_SEE_BELOW = "… (truncated; the full text is linked below)";

export interface OpenClawChannelOptions {
  /** The gateway, or a function that resolves it per send (the token may change while we run). */
  gateway: GatewayEndpoint | (() => GatewayEndpoint);
  timeoutMs?: number;
}

/** Cut at a code-unit budget without splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = Math.max(0, max);
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

/** A cut inside a ``` block would swallow the rest of the message into code: close it. */
function closeFences(text: string): string {
  const fences = text.match(/^\s*```/gm)?.length ?? 0;
  return fences % 2 === 1 ? `${text}\n\`\`\`` : text;
}

function renderHead(c: NotificationContent): string {
  const title = `${c.icon} **${c.title}**`.trim();
  const fields = c.fields.map(([label, value]) => `**${label}:** ${value}`).join("\n");
  return fields ? `${title}\n${fields}` : title;
}

/** The message text, at most `limit` characters: the quote gives way first, with a pointer. */
export function renderOpenClawMessage(c: NotificationContent, limit = OPENCLAW_MESSAGE_LIMIT): string {
  if (c.kind === "heartbeat" || c.kind === "trace") return cut(c.line, limit);
  const head = renderHead(c);
  const footer = c.footer ?? "";
  const join = (parts: string[]) => parts.filter((p) => p !== "").join("\n\n");
  if (!c.quote) return cut(join([head, footer]), limit);

  const label = `**${c.quote.label.replace(/:\s*$/, "")}:**`;
  const quote = c.quote.text.trim();
  const whole = join([head, `${label}\n${quote}`, footer]);
  if (whole.length <= limit) return whole;

  const marker = footer ? TRUNCATED_SEE_BELOW : TRUNCATED;
  // Room left for the quote once everything else (and the fence we may add) is in place.
  const fixed = join([head, `${label}\n`, footer]).length + 2 + marker.length + 5;
  const room = limit - fixed;
  if (room < 100) return cut(join([head, footer]), limit);
  const shortened = `${closeFences(cut(quote, room).trimEnd())}\n${marker}`;
  return cut(join([head, `${label}\n${shortened}`, footer]), limit);
}

/** The `message` tool's args for one send. `silent` is Telegram-only in OpenClaw's mapping. */
export function buildMessageArgs(
  target: { channel: string; target: string; threadId: string | null; accountId?: string },
  content: NotificationContent,
  replyTo: string | null = null,
): Record<string, unknown> {
  return {
    action: "send",
    channel: target.channel,
    target: target.target,
    message: renderOpenClawMessage(content),
    ...(target.channel === "telegram" && content.silent ? { silent: true } : {}),
    ...(target.threadId !== null ? { threadId: target.threadId } : {}),
    // the message tool's own parameter (2026.9.6 message-tool-schema): the account to send from
    ...(target.accountId ? { accountId: target.accountId } : {}),
    // a Telegram message id means nothing to another channel
    ...(target.channel === "telegram" && replyTo ? { replyTo } : {}),
  };
}

function messageIdOf(details: unknown): string | null {
  if (typeof details !== "object" || details === null) return null;
  const id = (details as { messageId?: unknown }).messageId;
  return typeof id === "string" || typeof id === "number" ? String(id) : null;
}

export class OpenClawChannel implements Channel {
  readonly scheme = "openclaw" as const;
  private readonly opts: OpenClawChannelOptions;

  constructor(opts: OpenClawChannelOptions) {
    this.opts = opts;
  }

  async send(req: SendRequest): Promise<SendResult> {
    const { target } = req;
    if (target.scheme !== "openclaw")
      throw new Error(`OpenClawChannel cannot send to a ${target.scheme} target`);
    const gw = typeof this.opts.gateway === "function" ? this.opts.gateway() : this.opts.gateway;
    // The gateway sends a repeated idempotencyKey only once: a retry after a lost answer is safe.
    const outcome = await invokeTool(
      gw,
      "message",
      buildMessageArgs(target, req.content, req.replyTo ?? null),
      {
        idempotencyKey: req.deliveryId,
        ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
      },
    );
    return outcome.ok
      ? { ok: true, remoteId: messageIdOf(outcome.details) }
      : { ok: false, failure: explainFailure(outcome.failure, target) };
  }
}

/** Tries of the gateway's bare "tool execution failed" before the notification fails. */
export const UNEXPLAINED_ATTEMPTS = 3;
const UNEXPLAINED = "tool execution failed";

/**
 * What a refusal of the message tool means, and what to do (2026.9.6,
 * dist/tools-invoke-shared-*.mjs). Bad arguments come back as 400 with their message, a blocked
 * call as 403, a denied tool as 404: final, with the gateway's words. Every other error the tool
 * throws becomes a bare 500 "tool execution failed", its reason only in the gateway's log:
 * "Channel is unavailable: whatsapp" (no plugin or account), an unknown target or account, no
 * linked WhatsApp listener (all for good) — but also a send the channel failed for a moment. So
 * that answer is tried a few times, then failed with where to look.
 */
export function explainFailure(
  f: DeliveryFailure,
  t: { channel: string; target: string; accountId?: string },
): DeliveryFailure {
  if (f.kind !== "remote") return f;
  if (f.status === 500 && f.description === UNEXPLAINED)
    return {
      ...f,
      attemptsAllowed: UNEXPLAINED_ATTEMPTS,
      fix:
        `The gateway gives no reason over HTTP (its log does: "tools-invoke: ${UNEXPLAINED}: …"); ` +
        "a channel that is not configured or not linked, or a target it does not know, fails this way. " +
        `Fix: run \`openclaw channels status\` and check that ${t.channel} is configured and linked ` +
        `(\`openclaw channels login --channel ${t.channel}\`) and that ${t.target} is the right target`,
    };
  if (!f.permanent) return f;
  const fix = permanentFix(f, t);
  return fix ? { ...f, fix } : f;
}

function permanentFix(
  f: Extract<DeliveryFailure, { kind: "remote" }>,
  t: { channel: string; target: string; accountId?: string },
): string | null {
  const d = f.description;
  if (/channel is unavailable|unknown channel/i.test(d))
    return `Fix: the gateway has no usable ${t.channel} channel; run \`openclaw channels status\`, then enable and link it (\`openclaw channels login --channel ${t.channel}\`)`;
  if (/no active whatsapp web listener|not linked/i.test(d))
    return `Fix: link the account: \`openclaw channels login --channel ${t.channel}\` (\`openclaw channels status\` shows which are linked)`;
  if (/unknown account|invalid account|account .* is disabled/i.test(d))
    return `Fix: the ${t.channel} account${t.accountId ? ` "${t.accountId}"` : ""} is not one the gateway can use; \`openclaw channels status\` lists them`;
  if (/unknown target|ambiguous target|requires target/i.test(d))
    return `Fix: check that ${t.target} is a ${t.channel} target the gateway knows (a group id or E.164 number for WhatsApp)`;
  if (f.status === 401)
    return "Fix: cctask holds a gateway token the gateway does not accept; set gateway.auth.token in openclaw.json (or OPENCLAW_GATEWAY_TOKEN) to the running gateway's token";
  if (/tool not available: message/i.test(d))
    return 'Fix: the gateway\'s tool policy hides the message tool; remove "message" from gateway.tools.deny in openclaw.json';
  return null;
}
