/**
 * The Telegram channel: Bot API sendMessage / editMessageText with HTML, split into ordered
 * chunks, one plain-text resend when Telegram cannot parse the markup, and failures reported as
 * data for the retry policy. A wrong thread is a failure, never a silent post to the main chat
 * (telegram.md §5). No retries happen here.
 */

import type { SendResult, Target } from "../notification.js";
import { DEFAULT_API_ROOT } from "../notification.js";
import type { Channel, SendRequest } from "./channel.js";
import { type ApiAnswer, isNotModifiedError, isParseEntitiesError, redactToken } from "./telegram-errors.js";
import { renderTelegram, renderTelegramPlain } from "./telegram-format.js";
import { type BotApiConfig, callBotApi } from "./telegram-http.js";

export interface TelegramChannelOptions {
  token: string;
  /** Bot API server root (default https://api.telegram.org), without /bot<token>. */
  apiRoot?: string;
  /** Deadline per HTTP call (default 15 s). */
  timeoutMs?: number;
  /** Most messages per notification (default 4); heartbeats always take one. */
  maxChunks?: number;
}

type TelegramTarget = Extract<Target, { scheme: "telegram" }>;

const DEFAULT_TIMEOUT_MS = 15_000;
const GENERAL_TOPIC = 1;

export class TelegramChannel implements Channel {
  readonly scheme = "telegram" as const;
  readonly #api: BotApiConfig;
  readonly #maxChunks: number | undefined;

  constructor(opts: TelegramChannelOptions) {
    this.#api = {
      token: opts.token,
      apiRoot: normalizeApiRoot(opts.apiRoot ?? DEFAULT_API_ROOT, opts.token),
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
    this.#maxChunks = opts.maxChunks;
  }

  /**
   * Sends the chunks in order, from `req.fromPart` (the ones before it were accepted earlier),
   * reporting each accepted chunk through `req.onPart` before sending the next. remoteId is the
   * FIRST chunk's message_id when this call sent it (else null: the caller has it): where the
   * notification starts (title, fields), and for a heartbeat card (one chunk) the message to edit.
   */
  async send(req: SendRequest): Promise<SendResult> {
    const target = requireTelegramTarget(req.target);
    const opts = { maxChunks: this.#maxChunks };
    const chunks = renderTelegram(req.content, opts);
    const params = {
      chat_id: target.chatId,
      disable_notification: req.content.silent,
      link_preview_options: { is_disabled: true },
      // The General topic must be addressed by omitting the id; 1 is refused (telegram.md §5).
      ...(target.threadId !== null && target.threadId !== GENERAL_TOPIC
        ? { message_thread_id: target.threadId }
        : {}),
    };
    let firstId: string | null = null;
    for (let i = req.fromPart ?? 0; i < chunks.length; i++) {
      const html = chunks[i] ?? "";
      // Only the first chunk replies; a reply to a message that is gone is sent as a plain message.
      const reply =
        i === 0 && req.replyTo
          ? { reply_parameters: { message_id: Number(req.replyTo), allow_sending_without_reply: true } }
          : {};
      const answer = await this.#post(
        "sendMessage",
        { ...params, ...reply },
        html,
        () => renderTelegramPlain(req.content, opts)[i],
      );
      if (!answer.ok) return answer;
      const remoteId = readMessageId(answer.result);
      if (i === 0) firstId = remoteId;
      req.onPart?.({ index: i, total: chunks.length, remoteId });
    }
    return { ok: true, remoteId: firstId };
  }

  /** Replaces a live card's text; "message is not modified" means it already shows this. */
  async edit(req: SendRequest & { editRemoteId: string }): Promise<SendResult> {
    const target = requireTelegramTarget(req.target);
    const messageId = Number(req.editRemoteId);
    if (!Number.isSafeInteger(messageId)) {
      throw new TypeError(
        `Telegram edit needs a numeric message id, got ${JSON.stringify(req.editRemoteId)}`,
      );
    }
    const single = { maxChunks: 1 };
    const params = {
      chat_id: target.chatId,
      message_id: messageId,
      link_preview_options: { is_disabled: true },
    };
    const html = renderTelegram(req.content, single)[0] ?? "";
    const answer = await this.#post(
      "editMessageText",
      params,
      html,
      () => renderTelegramPlain(req.content, single)[0],
    );
    if (answer.ok || isNotModifiedError(answer.failure)) return { ok: true, remoteId: req.editRemoteId };
    return answer;
  }

  /** One call with HTML; if Telegram cannot parse it, one more with the same text unformatted. */
  async #post(
    method: string,
    params: object,
    html: string,
    plain: () => string | undefined,
  ): Promise<ApiAnswer> {
    const answer = await callBotApi(this.#api, method, { ...params, text: html, parse_mode: "HTML" });
    if (answer.ok || !isParseEntitiesError(answer.failure)) return answer;
    return callBotApi(this.#api, method, { ...params, text: plain() ?? "" });
  }
}

function requireTelegramTarget(target: Target): TelegramTarget {
  if (target.scheme !== "telegram") {
    throw new TypeError(`TelegramChannel got a ${target.scheme} target`);
  }
  return target;
}

function readMessageId(result: unknown): string | null {
  const id = (result as { message_id?: unknown } | null)?.message_id;
  return typeof id === "number" ? String(id) : null;
}

/** The root must be the server only: with /bot<token> in it every call is a 404 (telegram.md §8). */
function normalizeApiRoot(apiRoot: string, token: string): string {
  const root = apiRoot.replace(/\/+$/, "");
  if (!URL.canParse(root)) {
    throw new TypeError(`Telegram apiRoot is not a URL: ${JSON.stringify(redactToken(root, token))}`);
  }
  if (/\/bot\d+:/.test(new URL(root).pathname) || (token !== "" && root.includes(token))) {
    throw new TypeError(
      `Telegram apiRoot must be the server root only (e.g. ${DEFAULT_API_ROOT}), without /bot<token>`,
    );
  }
  return root;
}
