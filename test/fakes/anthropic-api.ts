// A loopback fake of the Anthropic Messages API, just faithful enough for the real
// Claude Code CLI (see shared reference §9). node:http only, so it runs anywhere vitest runs.
//
// Replies are scripted per "anchor": the latest user message that is a real prompt (no
// tool_result). The turn index is how many assistant messages follow it. This lets the main
// thread, each subagent and each resumed follow-up be scripted independently (§9.5).
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ErrorReply,
  errorBody,
  type MessageReply,
  messageEvents,
  messageJson,
  type Reply,
} from "./anthropic-reply.js";
import { anchorOf, type FakeRequest, parseRequest } from "./anthropic-request.js";
import { builtinScenarios } from "./anthropic-scenarios.js";

export type { ErrorReply, MessageReply, Reply, ReplyBlock } from "./anthropic-reply.js";

/** What a scenario handler gets to decide its reply. */
export interface ScenarioContext {
  /** The scenario pattern's match against the anchor text. */
  match: RegExpExecArray;
  /** Anchor text with `<system-reminder>` blocks removed. */
  anchorText: string;
  /** Number of assistant messages after the anchor (0 = first reply to this prompt). */
  turn: number;
  /** How many earlier requests this fake saw for the same session + anchor + turn (retries). */
  attempt: number;
  /** The anchor is the `<task-notification>` prompt the CLI sends after a background agent ends;
   *  the scenario was then found through the conversation's first prompt. */
  taskNotification: boolean;
  model: string;
  request: FakeRequest;
}

export interface Scenario {
  /** Tested against the anchor text (reminders stripped); first matching scenario wins. */
  pattern: RegExp;
  reply: (ctx: ScenarioContext) => Reply;
}

export interface FakeAnthropicOptions {
  /** Merged over the built-ins by name; these are tried before the built-ins. */
  scenarios?: Record<string, Scenario>;
  /** Reply when no scenario matches. Default: text "OK". */
  fallback?: (ctx: Omit<ScenarioContext, "match">) => Reply;
  /** Answer like the real API does for a model it does not serve: 404 not_found_error "model: <name>".
   *  By default every model name is accepted and echoed. */
  rejectModel?: (model: string) => boolean;
  /** Keep each parsed request body in the log (they are ~50 KB each). */
  keepBodies?: boolean;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  /** Scenario name that answered, "fallback", or undefined for non-message endpoints. */
  scenario?: string;
  anchor?: string;
  turn?: number;
  attempt?: number;
  summary?: { model: string; messages: number; tools: number; bytes: number; stream: boolean };
  headers: Record<string, string>;
  body?: unknown;
}

export interface FakeAnthropic {
  /** Base URL without /v1, for ANTHROPIC_BASE_URL. */
  url: string;
  requests: RequestLogEntry[];
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFakeAnthropic(opts: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const scenarios = Object.entries({ ...builtinScenarios, ...opts.scenarios });
  // User scenarios first, so a test can shadow a built-in token with a more specific one.
  const userNames = new Set(Object.keys(opts.scenarios ?? {}));
  scenarios.sort(([a], [b]) => Number(userNames.has(b)) - Number(userNames.has(a)));

  const requests: RequestLogEntry[] = [];
  const attempts = new Map<string, number>();
  let counter = 0;

  const handleMessages = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const entry = logEntry(req);
    requests.push(entry);
    const request = parseRequest(raw);
    const anchor = anchorOf(request.messages);
    const key = `${req.headers["x-claude-code-session-id"] ?? ""}\u0000${anchor.raw}\u0000${anchor.turn}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    Object.assign(entry, {
      anchor: anchor.text,
      turn: anchor.turn,
      attempt,
      summary: {
        model: request.model,
        messages: request.messages.length,
        tools: request.toolCount,
        bytes: raw.length,
        stream: request.stream,
      },
      ...(opts.keepBodies ? { body: request.json } : {}),
    });

    // A task-notification prompt carries no scenario token; the conversation's first prompt does.
    const base = {
      anchorText: anchor.text,
      turn: anchor.turn,
      attempt,
      taskNotification: anchor.taskNotification,
      model: request.model,
      request,
    };
    const [scenarioName, reply] = opts.rejectModel?.(request.model)
      ? ["rejectModel", { status: 404, message: `model: ${request.model}` }]
      : chooseReply(scenarios, base, anchor.taskNotification ? anchor.firstPromptText : anchor.text, opts);
    entry.scenario = scenarioName;

    counter += 1;
    const requestId = `req_fake_${String(counter).padStart(6, "0")}`;
    if (reply.delayBeforeHeadersMs) await sleep(reply.delayBeforeHeadersMs);
    if ("status" in reply) {
      entry.status = reply.status;
      sendError(res, reply, requestId);
      return;
    }
    entry.status = 200;
    if (request.stream) await streamMessage(res, reply, request.model, requestId);
    else sendJson(res, 200, messageJson(reply, request.model, newMessageId()), { "request-id": requestId });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      route(req, res, raw).catch((err: unknown) => {
        // A bug in the fake must be loud in the CLI output, not a silent hang.
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify(errorBody(500, `fake server error: ${String(err)}`)));
        } else res.destroy();
      });
    });
  });

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.method === "POST" && path === "/v1/messages") return handleMessages(req, res, raw);
    const entry = logEntry(req);
    requests.push(entry);
    if (req.method === "HEAD" && (path === "/" || path === "/api/hello")) {
      res.writeHead(200).end();
    } else if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
    } else if (req.method === "GET" && path === "/v1/models") {
      const model = {
        type: "model",
        id: "claude-fake-1",
        display_name: "Fake",
        created_at: "2026-01-01T00:00:00Z",
      };
      sendJson(res, 200, { data: [model], has_more: false, first_id: model.id, last_id: model.id });
    } else {
      sendJson(res, 404, errorBody(404, `fake: no route for ${req.method} ${path}`));
    }
    entry.status = res.statusCode;
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets and hung streams would otherwise keep close() pending.
        server.closeAllConnections();
      }),
  };
}

/** First scenario whose pattern matches `text`, else the fallback. */
function chooseReply(
  scenarios: [string, Scenario][],
  ctx: Omit<ScenarioContext, "match">,
  text: string,
  opts: FakeAnthropicOptions,
): [string, Reply] {
  for (const [name, scenario] of scenarios) {
    // A global flag would make exec() stateful across requests.
    const match = new RegExp(scenario.pattern.source, scenario.pattern.flags.replace("g", "")).exec(text);
    if (match) return [name, scenario.reply({ ...ctx, match })];
  }
  return ["fallback", opts.fallback ? opts.fallback(ctx) : { blocks: [{ type: "text", text: "OK" }] }];
}

function logEntry(req: http.IncomingMessage): RequestLogEntry {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    headers[k] = k === "x-api-key" || k === "authorization" ? "<redacted>" : String(v);
  }
  return { method: req.method ?? "", path: req.url ?? "", status: 0, headers };
}

const newMessageId = () => `msg_fake_${randomUUID().replaceAll("-", "").slice(0, 24)}`;

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, reply: ErrorReply, requestId: string) {
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "request-id": requestId,
    ...reply.headers,
  });
  res.end(JSON.stringify(errorBody(reply.status, reply.message, reply.errorType)));
}

async function streamMessage(
  res: http.ServerResponse,
  reply: MessageReply,
  model: string,
  requestId: string,
) {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "request-id": requestId,
    ...reply.headers,
  });
  for (const event of messageEvents(reply, model, newMessageId())) {
    if (res.destroyed) return; // the CLI went away (killed, or aborted the request)
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    if (reply.hangAfterStart && event.type === "message_start") return; // never ends; close() cuts it
    if (reply.delayBetweenEventsMs) await sleep(reply.delayBetweenEventsMs);
  }
  res.end();
}
