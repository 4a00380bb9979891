// A loopback fake of the OpenClaw gateway's HTTP surface (openclaw.md §3, §4, §7.1), answering
// with the real 2026.9.6 shapes: POST /tools/invoke with Bearer auth, the `message` and
// `sessions_list` tools, 404 "Tool not available" for anything else, GET /healthz and /readyz,
// and scripted faults for the failure paths (200-with-error, 429, 5xx, dropped connections).
// A body-level `idempotencyKey` (2026.9.6, openclaw.md §4.1) is honoured the way such keys are
// meant to be: a repeated key gets the first send's answer and sends nothing again.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ToolCall {
  tool: string;
  args: Record<string, unknown>;
  authorization: string | null;
  idempotencyKey: string | null;
}

export type GatewayFault =
  /** 200 with result.details.status (the tool failed; HTTP says fine). */
  | { type: "tool-error"; status?: "error" | "forbidden" | "timeout" | "failed"; error: string }
  | { type: "rate-limit"; retryAfter: number }
  | { type: "server-error"; status?: number; message?: string }
  /** Close the socket without answering. */
  | { type: "drop" };

export interface FakeGatewayOptions {
  token?: string;
  sessions?: Record<string, unknown>[];
}

export interface FakeGateway {
  url: string;
  token: string;
  /** Every authorised /tools/invoke call, in order (including faulted ones). */
  calls: ToolCall[];
  /** The `message` sends that succeeded. */
  messages: Record<string, unknown>[];
  sessions: Record<string, unknown>[];
  /** Queue a fault for the next `times` /tools/invoke calls. */
  inject(fault: GatewayFault, times?: number): void;
  close(): Promise<void>;
}

const UNAUTHORIZED = { error: { message: "Unauthorized", type: "unauthorized" } };

function toolResult(details: Record<string, unknown>) {
  return {
    ok: true,
    result: { content: [{ type: "text", text: JSON.stringify(details, null, 2) }], details },
  };
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeGateway(opts: FakeGatewayOptions = {}): Promise<FakeGateway> {
  const token = opts.token ?? "cctask-test-token";
  const faults: GatewayFault[] = [];
  const calls: ToolCall[] = [];
  const messages: Record<string, unknown>[] = [];
  const state = { sessions: opts.sessions ?? [], nextMessageId: 1 };
  const sentByKey = new Map<string, Record<string, unknown>>();

  function runTool(
    tool: string,
    args: Record<string, unknown>,
    res: http.ServerResponse,
    key: string | null,
  ) {
    if (tool === "message") {
      if (typeof args.message !== "string" || args.message === "") {
        return sendJson(res, 400, { ok: false, error: { type: "tool_error", message: "message required" } });
      }
      const earlier = key === null ? undefined : sentByKey.get(key);
      if (earlier) return sendJson(res, 200, toolResult(earlier));
      messages.push(args);
      const details: Record<string, unknown> = {
        ok: true,
        messageId: String(state.nextMessageId++),
        chatId: String(args.target ?? args.to ?? ""),
      };
      if (args.threadId !== undefined) details.receipt = { threadId: String(args.threadId) };
      if (key !== null) sentByKey.set(key, details);
      return sendJson(res, 200, toolResult(details));
    }
    if (tool === "sessions_list") {
      const limit = typeof args.limit === "number" ? args.limit : 100;
      const sessions = state.sessions.slice(0, limit);
      return sendJson(
        res,
        200,
        toolResult({
          count: sessions.length,
          hasMore: state.sessions.length > limit,
          limitApplied: limit,
          sessions,
        }),
      );
    }
    sendJson(res, 404, { ok: false, error: { type: "not_found", message: `Tool not available: ${tool}` } });
  }

  function applyFault(fault: GatewayFault, res: http.ServerResponse) {
    switch (fault.type) {
      case "tool-error": {
        const details = { status: fault.status ?? "error", error: fault.error };
        return sendJson(res, 200, toolResult(details));
      }
      case "rate-limit":
        return sendJson(
          res,
          429,
          { error: { message: "Too Many Requests", type: "rate_limited" } },
          {
            "retry-after": String(fault.retryAfter),
          },
        );
      case "server-error":
        return sendJson(res, fault.status ?? 500, {
          ok: false,
          error: { type: "tool_error", message: fault.message ?? "tool execution failed" },
        });
      case "drop":
        return res.socket?.destroy();
      default: {
        const never: never = fault;
        throw new Error(`unknown fault ${JSON.stringify(never)}`);
      }
    }
  }

  async function handleInvoke(req: http.IncomingMessage, res: http.ServerResponse) {
    const authorization = req.headers.authorization ?? null;
    const text = await readBody(req);
    if (authorization !== `Bearer ${token}`) return sendJson(res, 401, UNAUTHORIZED);
    let body: { tool?: unknown; name?: unknown; args?: unknown; idempotencyKey?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return sendJson(res, 400, {
        ok: false,
        error: { type: "invalid_request", message: "invalid JSON body" },
      });
    }
    const tool = typeof body.tool === "string" ? body.tool : typeof body.name === "string" ? body.name : "";
    const args = (typeof body.args === "object" && body.args !== null ? body.args : {}) as Record<
      string,
      unknown
    >;
    const key = typeof body.idempotencyKey === "string" ? body.idempotencyKey : null;
    calls.push({ tool, args, authorization, idempotencyKey: key });
    const fault = faults.shift();
    if (fault) return applyFault(fault, res);
    runTool(tool, args, res, key);
  }

  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") return sendJson(res, 200, { ok: true, status: "live" });
    if (req.method === "GET" && path === "/readyz") return sendJson(res, 200, { ready: true, failing: [] });
    if (path === "/tools/invoke") {
      if (req.method !== "POST") return sendJson(res, 405, { error: { message: "Method Not Allowed" } });
      handleInvoke(req, res).catch((e: unknown) => sendJson(res, 500, { error: { message: String(e) } }));
      return;
    }
    sendJson(res, 404, { error: { message: "Not Found", type: "not_found" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    messages,
    get sessions() {
      return state.sessions;
    },
    set sessions(v) {
      state.sessions = v;
    },
    inject(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
