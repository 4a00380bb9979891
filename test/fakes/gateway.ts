// A loopback fake of the OpenClaw gateway's HTTP surface (openclaw.md §3, §4, §6, §7.1, §9),
// answering with the real 2026.9.6 shapes: POST /tools/invoke with Bearer auth, the `message` and
// `sessions_list` tools, `sessions_send` only when allowed (as gateway.tools.allow does), 404
// "Tool not available" for anything else, POST /hooks/agent when hooks are configured, GET
// /healthz and /readyz, and scripted faults for the failure paths (200-with-error, 429, 5xx,
// dropped connections, a request that is never answered).
// A body-level `idempotencyKey` (2026.9.6, openclaw.md §4.1) is honoured the way such keys are
// meant to be: a repeated key gets the first send's answer and sends nothing again.
import { randomUUID } from "node:crypto";
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
  /**
   * /hooks/agent while a run on the same session key is in progress: 2026.9.6 waits for
   * admission, then answers 503 without starting the run (openclaw-gateway-contract.test.ts).
   */
  | { type: "admission-timeout" }
  /** Close the socket without answering. */
  | { type: "drop" }
  /** Never answer (until the fake is closed). */
  | { type: "hang" };

export interface FakeGatewayOptions {
  token?: string;
  sessions?: Record<string, unknown>[];
  /** Tools the HTTP deny list lets through (gateway.tools.allow): sessions_send answers only if listed. */
  allowTools?: string[];
  /** Hooks as configured in OpenClaw (hooks.enabled + hooks.token); absent: /hooks/* is 404. */
  hooks?: { token: string; allowRequestSessionKey?: boolean; path?: string };
  /** sessions_send: keys that exist; absent: every key exists. */
  sessionKeys?: string[];
  /**
   * The channels the gateway can send on (configured, plugin loaded, linked); absent: every
   * channel. A `message` send on any other channel fails the way 2026.9.6 fails it: the tool
   * throws "Channel is unavailable: <channel>", which /tools/invoke turns into a bare HTTP 500
   * (the reason is only in the gateway's log).
   */
  channels?: string[];
}

export interface HookCall {
  path: string;
  authorization: string | null;
  body: Record<string, unknown>;
}

export interface FakeGateway {
  url: string;
  token: string;
  /** Every authorised /tools/invoke call, in order (including faulted ones). */
  calls: ToolCall[];
  /** The `message` sends that succeeded. */
  messages: Record<string, unknown>[];
  sessions: Record<string, unknown>[];
  /** Every /hooks/* request, in order (whatever the answer). */
  hookCalls: HookCall[];
  /** The sessions_send calls the gateway accepted (the wakes). */
  sessionSends: Record<string, unknown>[];
  /** Queue a fault for the next `times` /tools/invoke calls. */
  inject(fault: GatewayFault, times?: number): void;
  /** Queue a fault for the next `times` /hooks/* calls. */
  injectHooks(fault: GatewayFault, times?: number): void;
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
  const hookFaults: GatewayFault[] = [];
  const calls: ToolCall[] = [];
  const hookCalls: HookCall[] = [];
  const sessionSends: Record<string, unknown>[] = [];
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
      if (opts.channels && !opts.channels.includes(String(args.channel)))
        return sendJson(res, 500, {
          ok: false,
          error: { type: "tool_error", message: "tool execution failed" },
        });
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
    if (tool === "sessions_send" && opts.allowTools?.includes("sessions_send"))
      return sendJson(res, 200, toolResult(sessionsSend(args)));
    sendJson(res, 404, { ok: false, error: { type: "not_found", message: `Tool not available: ${tool}` } });
  }

  /** sessions_send's details (openclaw.md §6): errors are HTTP 200 with status "error". */
  function sessionsSend(args: Record<string, unknown>): Record<string, unknown> {
    const key = typeof args.sessionKey === "string" ? args.sessionKey : "";
    if (key === "") return { status: "error", error: "Either sessionKey or label is required" };
    const runId = randomUUID();
    // 2026.9.6 refuses forum topics and DM threads alike (test/e2e/openclaw-gateway-contract.test.ts).
    if (/:(thread|topic):/.test(key) && !key.includes("whatsapp-account-"))
      return {
        runId,
        status: "error",
        error:
          "sessions_send cannot target a thread session for inter-agent coordination. Use the parent channel session key instead.",
        sessionKey: key,
      };
    if (opts.sessionKeys && !opts.sessionKeys.includes(key))
      return { runId, status: "error", error: `No session found: ${key}`, sessionKey: key };
    sessionSends.push(args);
    if (args.timeoutSeconds === 0)
      return {
        runId,
        status: "accepted",
        sessionKey: key,
        targetDisposition: "queued",
        delivery: { status: "pending", mode: "announce" },
      };
    return {
      runId,
      status: "ok",
      reply: "ok",
      sessionKey: key,
      delivery: { status: "pending", mode: "announce" },
    };
  }

  async function handleHook(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
    const hooks = opts.hooks;
    const text = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // recorded as empty
    }
    const authorization = req.headers.authorization ?? null;
    hookCalls.push({ path, authorization, body });
    const base = hooks?.path ?? "/hooks";
    if (!hooks || path !== `${base}/agent`)
      return sendJson(res, 404, { error: { message: "Not Found", type: "not_found" } });
    const fault = hookFaults.shift();
    if (fault) return applyFault(fault, res);
    if (authorization !== `Bearer ${hooks.token}`) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
      return res.end("Unauthorized");
    }
    if (typeof body.message !== "string" || body.message.trim() === "")
      return sendJson(res, 400, { ok: false, error: "message required" });
    if (body.sessionKey !== undefined && !hooks.allowRequestSessionKey)
      return sendJson(res, 400, {
        ok: false,
        error:
          "sessionKey is disabled for externally supplied hook payload values; set hooks.allowRequestSessionKey=true to enable",
      });
    sendJson(res, 200, { ok: true, runId: randomUUID() });
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
      case "admission-timeout":
        return sendJson(res, 503, {
          ok: false,
          error: "hook agent run did not start before admission timeout",
          runId: randomUUID(),
        });
      case "drop":
        return res.socket?.destroy();
      case "hang":
        return; // closeAllConnections() ends it
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
    if (path?.startsWith("/hooks/") && req.method === "POST") {
      handleHook(req, res, path).catch((e: unknown) => sendJson(res, 500, { error: { message: String(e) } }));
      return;
    }
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
    hookCalls,
    sessionSends,
    get sessions() {
      return state.sessions;
    },
    set sessions(v) {
      state.sessions = v;
    },
    inject(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    injectHooks(fault, times = 1) {
      for (let i = 0; i < times; i += 1) hookFaults.push(fault);
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
