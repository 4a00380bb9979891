/**
 * Each wake path against its fake peer with the real answer shapes, judged by what the peer said:
 * openclaw agent by its JSON reply and deliveryStatus (never its exit code alone), /hooks/agent by
 * its status and body, sessions_send by details.status. A definite failure is "failed" (the next
 * path may be tried); a request that may have been accepted is "no_answer".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WakeFacts } from "../../../../src/openclaw/wake/facts.js";
import { judgeAgentCli } from "../../../../src/openclaw/wake/judge.js";
import { attemptWake } from "../../../../src/openclaw/wake/paths.js";
import type { OpenClawRoute } from "../../../../src/route.js";
import { type FakeGateway, startFakeGateway } from "../../../fakes/gateway.js";
import { ROOT } from "../../../helpers/cctask.js";
import { SESSION_UUID, testRoute } from "../../../helpers/route.js";

const FAKE_CLI = join(ROOT, "test/fakes/openclaw-cli.mjs");
let gw: FakeGateway | undefined;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cctask-wakepaths-"));
});
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function facts(over: Partial<WakeFacts> = {}): WakeFacts {
  return {
    cli: { found: true, bin: FAKE_CLI, version: "2026.9.6", versionProblem: null },
    openclawConfigFile: "/x/openclaw.json",
    openclawConfigProblem: null,
    cctaskConfigFile: "/x/config.json5",
    toolsAllow: ["sessions_send"],
    toolsDeny: [],
    hooks: {
      enabled: true,
      token: "hook-secret",
      tokenProblem: null,
      path: "/hooks",
      allowRequestSessionKey: true,
      allowedSessionKeyPrefixes: null,
    },
    gateway: gw ? { url: gw.url, token: gw.token } : null,
    gatewayProblem: null,
    execMarker: false,
    ...over,
  };
}

function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, FAKE_OPENCLAW_LOG: join(dir, "cli.log"), ...extra };
}

function cliCalls(): Record<string, unknown>[] {
  try {
    return readFileSync(join(dir, "cli.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

const attempt = (
  path: Parameters<typeof attemptWake>[0],
  route: OpenClawRoute,
  f: WakeFacts,
  env = cliEnv(),
) => attemptWake(path, { route, facts: f, text: "wake text", timeoutSeconds: 5, processEnv: env });

describe("openclaw agent", () => {
  it("a delivered reply wakes; the call carries --session-id, --deliver, --json and the timeout", async () => {
    const r = await attempt("openclaw-agent", testRoute(), facts());
    expect(r.outcome).toBe("woken");
    expect(r.detail).toMatch(/^openclaw agent completed run [0-9a-f-]{36}; its reply was delivered$/);
    expect(cliCalls()).toEqual([
      expect.objectContaining({
        sessionId: SESSION_UUID,
        message: "wake text",
        deliver: true,
        json: true,
        timeout: "5",
        shell: null,
      }),
    ]);
  });

  it("2026.9.6 gets the text as a 0600 --message-file (out of argv), removed afterwards; older versions --message", async () => {
    const r = await attemptWake("openclaw-agent", {
      route: testRoute(),
      facts: facts(),
      text: "wake text",
      timeoutSeconds: 5,
      processEnv: cliEnv(),
      privateDir: dir,
    });
    expect(r.outcome).toBe("woken");
    const [call] = cliCalls();
    expect(call).toMatchObject({ message: "wake text", messageFile: expect.stringMatching(/wake-message-/) });
    expect(existsSync(call!.messageFile as string)).toBe(false);
    await attemptWake("openclaw-agent", {
      route: testRoute(),
      facts: facts({ cli: { found: true, bin: FAKE_CLI, version: "2026.3.2", versionProblem: null } }),
      text: "wake text",
      timeoutSeconds: 5,
      processEnv: cliEnv(),
      privateDir: dir,
    });
    expect(cliCalls()[1]).toMatchObject({ message: "wake text", messageFile: null });
  });

  it("exit 0 with deliveryStatus failed is a failure, not a wake", async () => {
    const r = await attempt(
      "openclaw-agent",
      testRoute(),
      facts(),
      cliEnv({ FAKE_OPENCLAW_AGENT: "delivery-failed" }),
    );
    expect(r.outcome).toBe("failed");
    expect(r.detail).toMatch(
      /^openclaw agent completed run [0-9a-f-]{36} but its reply was not delivered \(deliveryStatus failed: invalid_delivery_target\)$/,
    );
  });

  it("a reply the agent chose to keep silent (no_visible_payload) still woke it", async () => {
    const r = await attempt(
      "openclaw-agent",
      testRoute(),
      facts(),
      cliEnv({ FAKE_OPENCLAW_AGENT: "suppressed" }),
    );
    expect(r.outcome).toBe("woken");
    expect(r.detail).toContain("the agent replied nothing visible (no_visible_payload)");
  });

  it("the launcher's exec marker is passed on, and 2026.9.6's refusal is a failure", async () => {
    const r = await attempt("openclaw-agent", testRoute({ execShell: true }), facts());
    expect(r).toEqual({
      outcome: "failed",
      detail:
        "openclaw agent refused: Gateway agent from agent exec would lose inter-session attribution. Use the attributed session-messaging tool available to this run, or return the result through normal subagent completion. Do not retry through another CLI route or remove the exec marker. (cli_error)",
    });
    expect(cliCalls()[0]).toMatchObject({ shell: "exec" });
  });

  it("judging: never the exit code alone", () => {
    const base = { signal: null, stderr: "", timedOut: false, timeoutSeconds: 60 };
    expect(judgeAgentCli({ ...base, code: 0, stdout: "done\n" })).toEqual({
      outcome: "no_answer",
      detail: "openclaw agent exited 0 without a JSON reply, so the wake is unconfirmed",
    });
    expect(judgeAgentCli({ ...base, code: 1, stdout: "", stderr: "boom\n" })).toEqual({
      outcome: "failed",
      detail: "openclaw agent exited 1 without a JSON reply: boom",
    });
    expect(judgeAgentCli({ ...base, code: 0, stdout: '{"runId":"r1","status":"in_flight"}' })).toEqual({
      outcome: "failed",
      detail: "openclaw agent answered in_flight: a turn of this session is already running",
    });
    expect(
      judgeAgentCli({
        ...base,
        code: 1,
        stdout:
          '{"ok":false,"runId":"r","origin":"gateway","error":{"type":"cli_error","message":"gateway timeout after 60000ms"}}',
      }).outcome,
    ).toBe("no_answer");
    expect(judgeAgentCli({ ...base, code: null, stdout: "", timedOut: true })).toEqual({
      outcome: "no_answer",
      detail: "openclaw agent did not finish within 60 s and was stopped; the agent's turn may have started",
    });
    // deliveryStatus inside result (as the 2026.9.6 docs show it) counts the same
    expect(
      judgeAgentCli({
        ...base,
        code: 0,
        stdout:
          '{"runId":"r2","status":"ok","result":{"deliveryStatus":{"status":"failed","reason":"no_delivery_target"}}}',
      }),
    ).toEqual({
      outcome: "failed",
      detail:
        "openclaw agent completed run r2 but its reply was not delivered (deliveryStatus failed: no_delivery_target)",
    });
  });

  it("a CLI that hangs is stopped after its timeout and the wake is unconfirmed", async () => {
    const started = Date.now();
    const r = await attemptWake("openclaw-agent", {
      route: testRoute(),
      facts: facts(),
      text: "t",
      timeoutSeconds: 0.2,
      processEnv: cliEnv({ FAKE_OPENCLAW_AGENT: "hang" }),
    });
    expect(r.outcome).toBe("no_answer");
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});

describe("POST /hooks/agent", () => {
  it("200 {ok, runId} wakes; the body carries the exact sessionKey, persistent, the text, wakeMode now, deliver", async () => {
    gw = await startFakeGateway({ hooks: { token: "hook-secret", allowRequestSessionKey: true } });
    const r = await attempt("hooks-agent", testRoute(), facts());
    expect(r.outcome).toBe("woken");
    expect(r.detail).toMatch(/^POST \/hooks\/agent accepted \(run [0-9a-f-]{36}\)$/);
    expect(gw.hookCalls).toEqual([
      {
        path: "/hooks/agent",
        authorization: "Bearer hook-secret",
        body: {
          message: "wake text",
          name: "cctask",
          sessionKey: "agent:main:telegram:group:-1009876:topic:7",
          sessionMode: "persistent",
          wakeMode: "now",
          deliver: true,
        },
      },
    ]);
  });

  it("400 when the gateway does not allow a request sessionKey, with its message", async () => {
    gw = await startFakeGateway({ hooks: { token: "hook-secret" } });
    expect(await attempt("hooks-agent", testRoute(), facts())).toEqual({
      outcome: "failed",
      detail:
        "POST /hooks/agent: the gateway answered HTTP 400: sessionKey is disabled for externally supplied hook payload values; set hooks.allowRequestSessionKey=true to enable",
    });
  });

  it("401 plain text on a wrong token; 404 where hooks are off", async () => {
    gw = await startFakeGateway({ hooks: { token: "other" } });
    expect(await attempt("hooks-agent", testRoute(), facts())).toEqual({
      outcome: "failed",
      detail: "POST /hooks/agent: the gateway refused the hooks token: Unauthorized",
    });
    await gw.close();
    gw = await startFakeGateway();
    expect((await attempt("hooks-agent", testRoute(), facts())).detail).toBe(
      "POST /hooks/agent: the gateway has no /hooks/agent (hooks not enabled there?): Not Found",
    );
  });

  it("503 at the admission timeout (a run of this session in progress) is retried with backoff until admitted, once", async () => {
    gw = await startFakeGateway({ hooks: { token: "hook-secret", allowRequestSessionKey: true } });
    gw.injectHooks({ type: "admission-timeout" }, 2);
    const started = Date.now();
    const r = await attemptWake("hooks-agent", {
      route: testRoute(),
      facts: facts(),
      text: "t",
      timeoutSeconds: 5,
      hooksBusyDelaysMs: [200, 400, 800],
    });
    expect(r.outcome).toBe("woken");
    expect(r.detail).toMatch(
      /^POST \/hooks\/agent accepted \(run [0-9a-f-]{36}\) after 2 busy answers \(HTTP 503: hook agent run did not start before admission timeout\)$/,
    );
    expect(gw.hookCalls).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600); // 200 + 400 ms apart
  });

  it("503 on every try: failed (not admitted, so the next path may wake) after the last, with the gateway's answer", async () => {
    gw = await startFakeGateway({ hooks: { token: "hook-secret", allowRequestSessionKey: true } });
    gw.injectHooks({ type: "admission-timeout" }, 10);
    const r = await attemptWake("hooks-agent", {
      route: testRoute(),
      facts: facts(),
      text: "t",
      timeoutSeconds: 5,
      hooksBusyDelaysMs: [50, 50, 50],
    });
    expect(r).toEqual({
      outcome: "failed",
      detail:
        "POST /hooks/agent: the gateway answered HTTP 503: hook agent run did not start before admission timeout (4 tries; a run of this session was still in progress each time)",
    });
    expect(gw.hookCalls).toHaveLength(4);
  });

  it("a gateway that never answers: no_answer (it may have started the turn); one that is down: failed", async () => {
    gw = await startFakeGateway({ hooks: { token: "hook-secret", allowRequestSessionKey: true } });
    gw.injectHooks({ type: "hang" });
    const hung = await attemptWake("hooks-agent", {
      route: testRoute(),
      facts: facts(),
      text: "t",
      timeoutSeconds: 0.3,
    });
    expect(hung.outcome).toBe("no_answer");
    expect(hung.detail).toMatch(/no answer within 0\.3 s; the request may have been accepted$/);
    const closed = gw.url;
    await gw.close();
    gw = undefined;
    const down = facts({ gateway: { url: closed, token: null } });
    const r = await attemptWake("hooks-agent", {
      route: testRoute(),
      facts: down,
      text: "t",
      timeoutSeconds: 2,
    });
    expect(r.outcome).toBe("failed");
    expect(r.detail).toMatch(/ECONNREFUSED/);
  });
});

describe("sessions_send over /tools/invoke", () => {
  it("accepted with timeoutSeconds 0 wakes; the parent key is used", async () => {
    gw = await startFakeGateway({ allowTools: ["sessions_send"] });
    const route = testRoute({
      sessionKey: "agent:main:main:thread:-100555:42",
      family: "telegram-dm-thread",
      wakeKey: "agent:main:main",
    });
    const r = await attempt("sessions-send", route, facts());
    expect(r.outcome).toBe("woken");
    expect(r.detail).toMatch(/^sessions_send accepted \(run [0-9a-f-]{36}\)$/);
    expect(gw.sessionSends).toEqual([
      { sessionKey: "agent:main:main", message: "wake text", timeoutSeconds: 0 },
    ]);
  });

  it("HTTP 200 with details.status error is a failure (a thread-scoped key, an unknown session)", async () => {
    gw = await startFakeGateway({ allowTools: ["sessions_send"], sessionKeys: ["agent:main:main"] });
    const thread = await attempt(
      "sessions-send",
      testRoute({ wakeKey: "agent:main:main:thread:42" }),
      facts(),
    );
    expect(thread).toEqual({
      outcome: "failed",
      detail:
        "sessions_send: HTTP 200: sessions_send cannot target a thread session for inter-agent coordination. Use the parent channel session key instead.",
    });
    const unknown = await attempt(
      "sessions-send",
      testRoute({ wakeKey: "agent:main:explicit:nope" }),
      facts(),
    );
    expect(unknown).toEqual({
      outcome: "failed",
      detail: "sessions_send: HTTP 200: No session found: agent:main:explicit:nope",
    });
  });

  it("denied by gateway.tools: 404 not_found", async () => {
    gw = await startFakeGateway();
    expect(await attempt("sessions-send", testRoute(), facts())).toEqual({
      outcome: "failed",
      detail:
        "sessions_send: HTTP 404: Tool not available: sessions_send (is sessions_send in gateway.tools.allow?)",
    });
  });

  it("a hang is no_answer", async () => {
    gw = await startFakeGateway({ allowTools: ["sessions_send"] });
    gw.inject({ type: "hang" });
    const r = await attemptWake("sessions-send", {
      route: testRoute(),
      facts: facts(),
      text: "t",
      timeoutSeconds: 0.3,
    });
    expect(r.outcome).toBe("no_answer");
  });
});
