// A loopback fake of an OpenAI-compatible chat completions API, as the OpenClaw gateway uses it
// for a custom model provider (openclaw.md §12.5): POST /v1/chat/completions (SSE when
// `stream: true`, plain JSON otherwise) and GET /v1/models, Bearer auth with the configured key.
// Replies are decided by a function of the last real user message; inter-session messages get
// REPLY_SKIP and the announce step ANNOUNCE_SKIP, so sessions_send does not ping-pong.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ModelRequest {
  /** The last user message that is not OpenClaw's internal context block. */
  userText: string;
  /** Every user message of the request, in order: the session's history as the model sees it. */
  userTexts: string[];
  stream: boolean;
  authorization: string | null;
  time: number;
}

export interface FakeOpenAiOptions {
  apiKey?: string;
  modelId?: string;
  /** The reply to a user message; default `Echo: <text>`. */
  reply?: (userText: string) => string;
}

export interface FakeOpenAi {
  baseUrl: string;
  apiKey: string;
  modelId: string;
  requests: ModelRequest[];
  close(): Promise<void>;
}

interface ChatMessage {
  role?: unknown;
  content?: unknown;
}

const INTERNAL_CONTEXT = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>";

/** Text of a chat message whose content is a string or an array of text parts. */
function textOf(message: ChatMessage): string {
  if (typeof message.content === "string") return message.content;
  if (!Array.isArray(message.content)) return "";
  return message.content
    .map((part: { type?: unknown; text?: unknown }) =>
      part?.type === "text" && typeof part.text === "string" ? part.text : "",
    )
    .join("");
}

export function pickUserText(messages: ChatMessage[]): string {
  const users = messages.filter((m) => m.role === "user").map(textOf);
  return users.reverse().find((t) => !t.includes(INTERNAL_CONTEXT)) ?? "";
}

/** The user's own words: without the timestamp, the "Conversation info" block and the runtime line. */
export function stripEnvelope(userText: string): string {
  let text = userText.replace(/^\[[^\]]*\]\s*/, "");
  const fence = text.lastIndexOf("```");
  if (text.startsWith("Conversation info") && fence >= 0) text = text.slice(fence + 3);
  return (text.split(/\n\s*Runtime: /)[0] ?? "").trim();
}

export function defaultReply(userText: string): string {
  if (userText.includes("[Inter-session message]")) return "REPLY_SKIP";
  if (/announce/i.test(userText) && /ANNOUNCE_SKIP/.test(userText)) return "ANNOUNCE_SKIP";
  return `Echo: ${stripEnvelope(userText).slice(0, 200)}`;
}

function completionChunks(id: string, model: string, text: string): object[] {
  const base = { id, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model };
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  return [
    { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage },
  ];
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAi(opts: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const apiKey = opts.apiKey ?? "stub-key";
  const modelId = opts.modelId ?? "stub-model";
  const reply = opts.reply ?? defaultReply;
  const requests: ModelRequest[] = [];
  let nextId = 1;

  const complete = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    let body: { messages?: ChatMessage[]; stream?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return sendJson(res, 400, { error: { message: "invalid JSON body", type: "invalid_request_error" } });
    }
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const userText = pickUserText(messages);
    const userTexts = messages.filter((m) => m.role === "user").map(textOf);
    const stream = body.stream === true;
    const authorization = req.headers.authorization ?? null;
    requests.push({ userText, userTexts, stream, authorization, time: Date.now() });
    const id = `chatcmpl-fake-${nextId++}`;
    const text = reply(userText);
    if (!stream) {
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: modelId,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const chunk of completionChunks(id, modelId, text)) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end("data: [DONE]\n\n");
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return sendJson(res, 401, {
          error: {
            message: "Incorrect API key provided",
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        });
      }
      if (req.method === "GET" && path === "/v1/models") {
        return sendJson(res, 200, {
          object: "list",
          data: [{ id: modelId, object: "model", owned_by: "fake" }],
        });
      }
      if (req.method === "POST" && path === "/v1/chat/completions") {
        return complete(req, res, Buffer.concat(chunks).toString("utf8"));
      }
      sendJson(res, 404, { error: { message: `Unknown path ${path}`, type: "invalid_request_error" } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    modelId,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
