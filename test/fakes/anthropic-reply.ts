// Reply shapes a scenario can return, and their rendering as the SSE event sequence of §9.3.
import { randomUUID } from "node:crypto";

export type ReplyBlock =
  | { type: "text"; text: string /** characters per text_delta; default 64 */; chunk?: number }
  | { type: "tool_use"; name: string; input: Record<string, unknown>; id?: string }
  | { type: "thinking"; thinking: string };

export interface Usage {
  input_tokens?: number;
  /** Final output tokens, reported in message_delta. Default: ~chars/4 of the reply. */
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

interface CommonKnobs {
  delayBeforeHeadersMs?: number;
  headers?: Record<string, string>;
}

export interface MessageReply extends CommonKnobs {
  blocks: ReplyBlock[];
  /** Default: "tool_use" when a tool_use block is present, else "end_turn". */
  stopReason?: "end_turn" | "tool_use" | "max_tokens" | "stop_sequence";
  usage?: Usage;
  delayBetweenEventsMs?: number;
  /** Send message_start and then nothing (a hung stream, §7.3). */
  hangAfterStart?: boolean;
}

export interface ErrorReply extends CommonKnobs {
  status: number;
  /** Default derived from the status (see errorBody). */
  errorType?: string;
  message?: string;
}

export type Reply = MessageReply | ErrorReply;

const ERROR_TYPES: Record<number, [type: string, message: string]> = {
  400: ["invalid_request_error", "fake invalid request"],
  401: ["authentication_error", "invalid x-api-key"],
  403: ["permission_error", "fake permission denied"],
  404: ["not_found_error", "fake not found"],
  413: ["request_too_large", "fake request too large"],
  429: ["rate_limit_error", "fake rate limit exceeded"],
  500: ["api_error", "Internal server error"],
  529: ["overloaded_error", "Overloaded"],
};

export function errorBody(status: number, message?: string, type?: string) {
  const [defType, defMessage] = ERROR_TYPES[status] ?? ["api_error", `fake error ${status}`];
  return { type: "error", error: { type: type ?? defType, message: message ?? defMessage } };
}

interface SseEvent {
  type: string;
  [key: string]: unknown;
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [""];
}

function blockEvents(block: ReplyBlock, index: number): SseEvent[] {
  const start = (content_block: unknown): SseEvent => ({ type: "content_block_start", index, content_block });
  const delta = (d: unknown): SseEvent => ({ type: "content_block_delta", index, delta: d });
  const stop: SseEvent = { type: "content_block_stop", index };
  if (block.type === "text") {
    const deltas = chunks(block.text, block.chunk ?? 64).map((text) => delta({ type: "text_delta", text }));
    return [start({ type: "text", text: "" }), ...deltas, stop];
  }
  if (block.type === "thinking") {
    return [
      start({ type: "thinking", thinking: "", signature: "" }),
      ...chunks(block.thinking, 64).map((thinking) => delta({ type: "thinking_delta", thinking })),
      delta({ type: "signature_delta", signature: "fake-signature" }),
      stop,
    ];
  }
  const id = block.id ?? newToolId();
  // The input JSON arrives in pieces in real streams; split it so the CLI's concatenation is exercised.
  const json = JSON.stringify(block.input);
  const deltas = chunks(json, Math.max(8, Math.ceil(json.length / 3))).map((partial_json) =>
    delta({ type: "input_json_delta", partial_json }),
  );
  return [
    start({ type: "tool_use", id, name: block.name, input: {} }),
    delta({ type: "input_json_delta", partial_json: "" }),
    ...deltas,
    stop,
  ];
}

function outputSize(blocks: ReplyBlock[]): number {
  let chars = 0;
  for (const b of blocks) {
    chars +=
      b.type === "text"
        ? b.text.length
        : b.type === "thinking"
          ? b.thinking.length
          : JSON.stringify(b.input).length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

const newToolId = () => `toolu_fake_${randomUUID().replaceAll("-", "").slice(0, 20)}`;

const stopReasonOf = (reply: MessageReply) =>
  reply.stopReason ?? (reply.blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");

function startMessage(reply: MessageReply, model: string, id: string) {
  const usage = reply.usage ?? {};
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [] as unknown[],
    stop_reason: null as string | null,
    stop_sequence: null,
    usage: {
      input_tokens: usage.input_tokens ?? 1000,
      output_tokens: 1,
      cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    },
  };
}

export function messageEvents(reply: MessageReply, model: string, messageId: string): SseEvent[] {
  return [
    { type: "message_start", message: startMessage(reply, model, messageId) },
    { type: "ping" },
    ...reply.blocks.flatMap(blockEvents),
    {
      type: "message_delta",
      delta: { stop_reason: stopReasonOf(reply), stop_sequence: null },
      usage: { output_tokens: reply.usage?.output_tokens ?? outputSize(reply.blocks) },
    },
    { type: "message_stop" },
  ];
}

/** The non-streaming shape. The CLI streams, but retries with stream:false after some errors (a 404). */
export function messageJson(reply: MessageReply, model: string, messageId: string) {
  const message = startMessage(reply, model, messageId);
  message.content = reply.blocks.map((b) => {
    if (b.type === "text") return { type: "text", text: b.text };
    if (b.type === "thinking") return { type: "thinking", thinking: b.thinking, signature: "fake-signature" };
    return { type: "tool_use", id: b.id ?? newToolId(), name: b.name, input: b.input };
  });
  message.stop_reason = stopReasonOf(reply);
  message.usage.output_tokens = reply.usage?.output_tokens ?? outputSize(reply.blocks);
  return message;
}
