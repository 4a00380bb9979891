import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkGateway, invokeTool, judgeToolAnswer } from "../../../src/openclaw/gateway.js";
import { type FakeGateway, startFakeGateway } from "../../fakes/gateway.js";

let gw: FakeGateway;
beforeEach(async () => {
  gw = await startFakeGateway();
});
afterEach(async () => {
  await gw.close();
});

const endpoint = () => ({ url: gw.url, token: gw.token });
const sendArgs = { action: "send", channel: "telegram", target: "-1009876", message: "hi" };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe("invokeTool against the fake gateway", () => {
  it("succeeds on the real 200 shape and returns details", async () => {
    const out = await invokeTool(endpoint(), "message", { ...sendArgs, threadId: "7" });
    expect(out).toEqual({
      ok: true,
      details: { ok: true, messageId: "1", chatId: "-1009876", receipt: { threadId: "7" } },
    });
    expect(gw.calls[0]).toEqual({
      tool: "message",
      args: { ...sendArgs, threadId: "7" },
      authorization: `Bearer ${gw.token}`,
      idempotencyKey: null,
    });
  });

  it("treats 200 with details.status error as a failure, keeping the description", async () => {
    gw.inject({ type: "tool-error", error: "No session found: agent:main:explicit:nope" });
    expect(await invokeTool(endpoint(), "message", sendArgs)).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 200,
        description: "No session found: agent:main:explicit:nope",
        retryAfterSeconds: null,
        permanent: false,
      },
    });
  });

  it("makes a quoted channel 4xx permanent and a forbidden status permanent", async () => {
    gw.inject({
      type: "tool-error",
      error:
        "OutboundDeliveryError: Call to 'sendMessage' failed! (400: Bad Request: message thread not found)",
    });
    const out = await invokeTool(endpoint(), "message", sendArgs);
    expect(out.ok === false && out.failure.kind === "remote" && out.failure.permanent).toBe(true);
    gw.inject({ type: "tool-error", status: "forbidden", error: "not allowed" });
    const forbidden = await invokeTool(endpoint(), "message", sendArgs);
    expect(forbidden.ok === false && forbidden.failure.kind === "remote" && forbidden.failure.permanent).toBe(
      true,
    );
  });

  it("reports 401 as permanent without the token in the message", async () => {
    const out = await invokeTool({ url: gw.url, token: "wrong-token" }, "message", sendArgs);
    expect(out).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 401,
        description: "Unauthorized",
        retryAfterSeconds: null,
        permanent: true,
      },
    });
    expect(JSON.stringify(out)).not.toContain("wrong-token");
  });

  it("reports a denied or unknown tool (404) as permanent", async () => {
    expect(await invokeTool(endpoint(), "sessions_send", { sessionKey: "x", message: "m" })).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 404,
        description: "Tool not available: sessions_send",
        retryAfterSeconds: null,
        permanent: true,
      },
    });
  });

  it("honours Retry-After on 429, and retries 5xx", async () => {
    gw.inject({ type: "rate-limit", retryAfter: 7 });
    expect(await invokeTool(endpoint(), "message", sendArgs)).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 429,
        description: "Too Many Requests",
        retryAfterSeconds: 7,
        permanent: false,
      },
    });
    gw.inject({ type: "server-error", status: 503 }, 2);
    for (let i = 0; i < 2; i += 1) {
      const out = await invokeTool(endpoint(), "message", sendArgs);
      expect(out).toMatchObject({
        ok: false,
        failure: { status: 503, description: "tool execution failed", permanent: false },
      });
    }
    expect((await invokeTool(endpoint(), "message", sendArgs)).ok).toBe(true);
  });

  it("reports a dropped connection and a closed port as network failures", async () => {
    gw.inject({ type: "drop" });
    const dropped = await invokeTool(endpoint(), "message", sendArgs);
    expect(dropped.ok === false && dropped.failure.kind).toBe("network");
    const port = await closedPort();
    const refused = await invokeTool({ url: `http://127.0.0.1:${port}`, token: "t" }, "message", sendArgs);
    expect(refused).toEqual({
      ok: false,
      failure: {
        kind: "network",
        message: `no answer from the OpenClaw gateway at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
        maybeDelivered: false, // refused: it never reached the gateway
      },
    });
  });
});

describe("judgeToolAnswer (the §4.2 predicate)", () => {
  const answer = (status: number, body: unknown) => ({
    status,
    headers: new Headers(),
    text: JSON.stringify(body),
  });

  it.each([
    ["result.isError", { ok: true, result: { isError: true, content: [], details: {} } }],
    ["body.error", { ok: true, error: { message: "x" }, result: { details: {} } }],
    ["body.ok false", { ok: false, result: { details: {} } }],
    ["details.status timeout", { ok: true, result: { details: { status: "timeout" } } }],
    ["details.status failed", { ok: true, result: { details: { status: "failed" } } }],
  ])("fails on 200 with %s", (_name, body) => {
    expect(judgeToolAnswer(answer(200, body)).ok).toBe(false);
  });

  it("accepts a 200 with an accepted status", () => {
    const details = { status: "accepted", runId: "r" };
    expect(judgeToolAnswer(answer(200, { ok: true, result: { details } }))).toEqual({ ok: true, details });
  });

  it("reads a Retry-After date", () => {
    const headers = new Headers({ "retry-after": new Date(10_000).toUTCString() });
    const out = judgeToolAnswer({ status: 429, headers, text: "" }, 4_000);
    expect(out.ok === false && out.failure.kind === "remote" && out.failure.retryAfterSeconds).toBe(6);
  });
});

describe("checkGateway", () => {
  it("is ok when /healthz answers, and explains an unreachable gateway", async () => {
    expect(await checkGateway(endpoint())).toEqual({ ok: true });
    const port = await closedPort();
    const out = await checkGateway({ url: `http://127.0.0.1:${port}`, token: null });
    expect(out).toEqual({
      ok: false,
      message: `no answer from the OpenClaw gateway at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}. Fix: start the gateway (\`openclaw gateway\`), or point cctask at it with OPENCLAW_GATEWAY_PORT / gateway.port (or OPENCLAW_GATEWAY_URL)`,
    });
  });
});
