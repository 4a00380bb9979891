/**
 * A minimal fake of the OpenClaw gateway's tool endpoint for the launch comparison: node:http on
 * 127.0.0.1 at a given port (the original run-task.py can only reach localhost:18789). POST
 * /tools/invoke with Bearer auth (and GET /healthz, /readyz, which cctask probes); `message`, `sessions_list` and `sessions_send` answer with the
 * shapes of test/fakes/gateway.ts (200 with result.content[0].text + result.details), anything else
 * 404 "Tool not available". Every call is recorded with its arrival time: performance.now() when
 * the request's headers arrived, on the same clock as the benchmark's spawn times.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";

const toolResult = (details) => ({
  ok: true,
  result: { content: [{ type: "text", text: JSON.stringify(details, null, 2) }], details },
});

function answer(tool, args, state) {
  if (tool === "message") {
    if (typeof args.message !== "string" || args.message === "")
      return [400, { ok: false, error: { type: "tool_error", message: "message required" } }];
    return [
      200,
      toolResult({ ok: true, messageId: String(state.nextId++), chatId: String(args.target ?? "") }),
    ];
  }
  if (tool === "sessions_list") {
    const limit = typeof args.limit === "number" ? args.limit : 100;
    const sessions = state.sessions.slice(0, limit);
    return [200, toolResult({ count: sessions.length, hasMore: false, limitApplied: limit, sessions })];
  }
  if (tool === "sessions_send") {
    const key = typeof args.sessionKey === "string" ? args.sessionKey : "";
    if (key === "")
      return [200, toolResult({ status: "error", error: "Either sessionKey or label is required" })];
    return [
      200,
      toolResult({
        runId: randomUUID(),
        status: "ok",
        reply: "ok",
        sessionKey: key,
        delivery: { status: "pending" },
      }),
    ];
  }
  return [404, { ok: false, error: { type: "not_found", message: `Tool not available: ${tool}` } }];
}

/** Resolves to the fake, or rejects with EADDRINUSE when the port is taken. */
export async function startFakeGateway({ port = 0, token, sessions = [] }) {
  const calls = []; // { tool, args, at, status }
  const state = { sessions, nextId: 1 };
  const server = http.createServer((req, res) => {
    const at = performance.now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const reply = (status, body) => {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && req.url === "/healthz") return reply(200, { ok: true, status: "live" });
      if (req.method === "GET" && req.url === "/readyz") return reply(200, { ready: true, failing: [] });
      if (req.method !== "POST" || req.url !== "/tools/invoke")
        return reply(404, { error: { message: "Not Found", type: "not_found" } });
      if (req.headers.authorization !== `Bearer ${token}`)
        return reply(401, { error: { message: "Unauthorized", type: "unauthorized" } });
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return reply(400, { ok: false, error: { type: "invalid_request", message: "invalid JSON body" } });
      }
      const tool = typeof body.tool === "string" ? body.tool : "";
      const args = typeof body.args === "object" && body.args !== null ? body.args : {};
      const [status, out] = answer(tool, args, state);
      calls.push({ tool, args, at, status });
      reply(status, out);
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    port: server.address().port,
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
