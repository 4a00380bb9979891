/**
 * One Bot API call over node:http(s) with a hard deadline, so a hung connection can never block
 * the outbox, and so every way of failing is ours to describe (without the token in the URL).
 */
import http from "node:http";
import https from "node:https";
import { type ApiAnswer, classifyReply, describeNetworkError, type RawReply } from "./telegram-errors.js";

export interface BotApiConfig {
  token: string;
  /** Server root only, without a trailing slash or /bot<token> (telegram.md §8). */
  apiRoot: string;
  timeoutMs: number;
}

// Bot API answers are small; a proxy sending megabytes is cut off rather than buffered.
const MAX_BODY_BYTES = 1 << 20;

export async function callBotApi(config: BotApiConfig, method: string, params: object): Promise<ApiAnswer> {
  let url: URL;
  try {
    url = new URL(`${config.apiRoot}/bot${config.token}/${method}`);
  } catch (err) {
    return describeNetworkError(method, "an invalid apiRoot", err, config.token);
  }
  try {
    return classifyReply(method, await postJson(url, params, config.timeoutMs), config.token);
  } catch (err) {
    return describeNetworkError(method, url.host, err, config.token);
  }
}

function postJson(url: URL, params: object, timeoutMs: number): Promise<RawReply> {
  const payload = Buffer.from(JSON.stringify(params), "utf8");
  const transport = url.protocol === "https:" ? https : http;
  return new Promise<RawReply>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = transport.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        });
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          settle(() => resolve({ status: res.statusCode ?? 0, body }));
        });
        res.on("error", (err) => settle(() => reject(err)));
      },
    );
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`timed out after ${timeoutMs} ms`), { code: "ETIMEDOUT" });
      settle(() => reject(err));
      req.destroy(err);
    }, timeoutMs);
    req.on("error", (err) => settle(() => reject(err)));
    req.end(payload);
  });
}
