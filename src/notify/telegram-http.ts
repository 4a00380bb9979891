/**
 * One Bot API call: a JSON POST through the shared HTTP client (http.ts: a hard deadline, so a
 * hung connection can never block the outbox), its answer classified the Telegram way, and the
 * token, which travels in the URL, scrubbed from every text kept.
 */
import { exchangeHttp, networkFailure } from "../http.js";
import { type ApiAnswer, classifyReply, redactToken } from "./telegram-errors.js";

export interface BotApiConfig {
  token: string;
  /** Server root only, without a trailing slash or /bot<token> (telegram.md §8). */
  apiRoot: string;
  timeoutMs: number;
}

// Bot API answers are small; a proxy sending megabytes is cut off rather than buffered.
const MAX_BODY_BYTES = 1 << 20;

export async function callBotApi(config: BotApiConfig, method: string, params: object): Promise<ApiAnswer> {
  const exchange = await exchangeHttp({
    method: "POST",
    url: `${config.apiRoot}/bot${config.token}/${method}`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
    timeoutMs: config.timeoutMs,
    peer: "the Bot API",
    maxBodyBytes: MAX_BODY_BYTES,
  });
  if (exchange.answered)
    return classifyReply(
      method,
      { status: exchange.answer.status, body: exchange.answer.text },
      config.token,
    );
  const failure = networkFailure(exchange, `Telegram ${method}: `);
  return { ok: false, failure: { ...failure, message: redactToken(failure.message, config.token) } };
}
