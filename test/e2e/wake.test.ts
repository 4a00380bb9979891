/**
 * The wake end to end: a real daemon, runs of the replay claude submitted with an OpenClaw route,
 * the fake openclaw CLI, the fake gateway (hooks, sessions_send) and the fake Telegram Bot API for
 * the routed topic. Fallback order, the exec marker, the visible notice when nothing wakes the
 * agent, trace markers, and claim/commit across a daemon SIGKILL.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DaemonClient } from "../../src/client.js";
import type { RunView } from "../../src/protocol.js";
import type { OpenClawRoute } from "../../src/route.js";
import { type FakeGateway, type FakeGatewayOptions, startFakeGateway } from "../fakes/gateway.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { createSandbox, isAlive, REPLAY_CLAUDE, ROOT, type Sandbox, waitFor } from "../helpers/cctask.js";
import { testRoute } from "../helpers/route.js";

const FAKE_CLI = join(ROOT, "test/fakes/openclaw-cli.mjs");
const CHAT = "-1009876";
const KEY = "agent:main:telegram:group:-1009876:topic:7";
const DM_THREAD: Partial<OpenClawRoute> = {
  sessionKey: "agent:main:main:thread:111222333:42",
  family: "telegram-dm-thread",
  wakeKey: "agent:main:main",
};
const HOOKS = { enabled: true, token: "hook-secret", allowRequestSessionKey: true };

let sb: Sandbox | undefined;
let gw: FakeGateway | undefined;
let tg: FakeTelegram | undefined;

afterEach(async () => {
  await sb?.cleanup();
  await gw?.close();
  await tg?.close();
  sb = gw = tg = undefined;
});

async function setup(o: {
  gateway?: FakeGatewayOptions;
  openclaw?: object;
  env?: Record<string, string>;
  wakeTimeoutSeconds?: number;
}): Promise<Sandbox> {
  tg = await startFakeTelegram({ token: "123456:TEST-token" });
  gw = await startFakeGateway(o.gateway ?? {});
  sb = createSandbox({
    env: {
      TELEGRAM_BOT_TOKEN: tg.token,
      CCTASK_TELEGRAM_API_ROOT: tg.apiRoot,
      FAKE_OPENCLAW_LOG: "", // set below, inside the sandbox
      ...o.env,
    },
  });
  sb.env.FAKE_OPENCLAW_LOG = join(sb.root, "openclaw-cli.log");
  sb.writeConfig({
    notify: { heartbeatSeconds: 0 },
    openclaw: { bin: FAKE_CLI, wakeTimeoutSeconds: o.wakeTimeoutSeconds ?? 20 },
  });
  mkdirSync(join(sb.env.HOME!, ".openclaw"), { recursive: true });
  writeFileSync(
    join(sb.env.HOME!, ".openclaw", "openclaw.json"),
    JSON.stringify({
      gateway: { port: Number(new URL(gw.url).port), auth: { mode: "token", token: gw.token } },
      ...o.openclaw,
    }),
  );
  return sb;
}

/** Submits a run that reports to the topic and wakes the route's session, as `--session` would. */
async function submit(route: Partial<OpenClawRoute> = {}, task = "REPLAY_RESULT=all-done"): Promise<RunView> {
  const s = sb!;
  await s.cli(["status"]); // starts the daemon
  const client = new DaemonClient(join(s.home, "daemon.sock"));
  return client.submit({
    task,
    projectDir: s.project,
    projectExplicit: true,
    createProject: false,
    timeoutSeconds: 60,
    resume: null,
    sessionLabel: null,
    model: null,
    outputFile: null,
    maxBudgetUsd: null,
    permissionMode: "bypassPermissions",
    completionMode: "single",
    notify: [`telegram:${CHAT}:topic:7`],
    heartbeatMode: null,
    allowOfflineDelivery: false,
    umask: 0o022,
    maxIterations: null,
    extraArgs: [],
    claudeBin: REPLAY_CLAUDE,
    env: s.env,
    openclaw: testRoute(route),
  });
}

async function settledWake(id: string): Promise<RunView> {
  let v: RunView | undefined;
  await waitFor(
    async () => {
      const now: RunView = await sb!.json(["status", id]);
      v = now;
      return now.wake !== null && !["pending", "claimed"].includes(now.wake.state);
    },
    60_000,
    `the wake of ${id} to settle`,
  );
  return v!;
}

function cliCalls(): Record<string, unknown>[] {
  try {
    return readFileSync(sb!.env.FAKE_OPENCLAW_LOG!, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

/** Texts Telegram accepted in the topic. */
function topicTexts(): string[] {
  return tg!.calls
    .filter((c) => c.chat_id === CHAT && c.message_thread_id === 7 && c.status === 200)
    .map((c) => c.text ?? "");
}

async function restartDaemonAfterKill(): Promise<void> {
  const pid = sb!.daemonPid()!;
  process.kill(pid, "SIGKILL");
  await waitFor(() => !isAlive(pid), 10_000, "the daemon to die");
  await sb!.cli(["status"]);
}

describe("wake", () => {
  it("falls back in order: openclaw agent (reply not delivered) → hooks (400) → sessions_send; never repeated after a SIGKILL", async () => {
    await setup({
      env: { FAKE_OPENCLAW_AGENT: "delivery-failed" },
      // OpenClaw's config says hooks take a sessionKey, the gateway itself refuses it: a runtime 400.
      openclaw: { hooks: HOOKS, gateway: undefined },
      gateway: { hooks: { token: "hook-secret" }, allowTools: ["sessions_send"] },
    });
    writeFileSync(
      join(sb!.env.HOME!, ".openclaw", "openclaw.json"),
      JSON.stringify({
        gateway: {
          port: Number(new URL(gw!.url).port),
          auth: { mode: "token", token: gw!.token },
          tools: { allow: ["sessions_send"] },
        },
        hooks: HOOKS,
      }),
    );
    // a DM thread: sessions_send wakes its parent, the DM session (a forum topic has none to wake)
    const run = await submit(DM_THREAD);
    const v = await settledWake(run.id);
    expect(v.state).toBe("succeeded");
    expect(v.wake).toMatchObject({ state: "woken", path: "sessions-send", sessionKey: "agent:main:main" });
    expect(v.wake!.attempts.map((a) => [a.path, a.outcome])).toEqual([
      ["openclaw-agent", "failed"],
      ["hooks-agent", "failed"],
      ["sessions-send", "woken"],
    ]);
    expect(v.wake!.attempts[0]!.detail).toMatch(
      /but its reply was not delivered \(deliveryStatus failed: invalid_delivery_target\)$/,
    );
    expect(v.wake!.attempts[1]!.detail).toBe(
      "POST /hooks/agent: the gateway answered HTTP 400: sessionKey is disabled for externally supplied hook payload values; set hooks.allowRequestSessionKey=true to enable",
    );
    const text = gw!.sessionSends[0]!.message as string;
    expect(text).toMatch(
      new RegExp(
        `^\\[CC:single\\] outcome=succeeded exit=0 project=project .* run_id=${run.id} wake_id=${v.wake!.id}\n`,
      ),
    );
    expect(text).toContain("Result:\nall-done\n");
    expect(text).toContain(`Claude Code session to resume: ${v.sessionId}\n`);
    expect(gw!.sessionSends[0]!.timeoutSeconds).toBe(0);
    expect(cliCalls()).toHaveLength(1);
    expect(cliCalls()[0]).toMatchObject({
      sessionId: testRoute().sessionId,
      deliver: true,
      json: true,
      shell: null,
    });

    const status = await sb!.cli(["status", run.id]);
    expect(status.stdout).toContain(
      `\n  wake:       agent:main:main woken via sessions-send (wake ${v.wake!.id})\n`,
    );
    expect(topicTexts().some((t) => t.includes("could not be woken"))).toBe(false);

    await restartDaemonAfterKill();
    await new Promise((r) => setTimeout(r, 1500));
    expect(gw!.sessionSends).toHaveLength(1);
    expect(gw!.hookCalls).toHaveLength(1);
    expect(cliCalls()).toHaveLength(1);
    expect((await sb!.json(["status", run.id])).wake).toMatchObject({ state: "woken", id: v.wake!.id });
  }, 120_000);

  it("exec marker, version not detectable: openclaw agent refuses (marker passed on) and hooks wake instead", async () => {
    await setup({
      env: { FAKE_OPENCLAW_VERSION_OUTPUT: "openclaw dev build" },
      openclaw: { hooks: HOOKS },
      gateway: { hooks: { token: "hook-secret", allowRequestSessionKey: true } },
    });
    const run = await submit({ execShell: true });
    const v = await settledWake(run.id);
    expect(v.wake!.attempts.map((a) => [a.path, a.outcome])).toEqual([
      ["openclaw-agent", "failed"],
      ["hooks-agent", "woken"],
    ]);
    expect(v.wake!.attempts[0]!.detail).toBe(
      "openclaw agent refused: Gateway agent from agent exec would lose inter-session attribution. Use the attributed session-messaging tool available to this run, or return the result through normal subagent completion. Do not retry through another CLI route or remove the exec marker. (cli_error)",
    );
    expect(v.wake!.attempts[1]!.detail).toMatch(/^POST \/hooks\/agent accepted \(run [0-9a-f-]{36}\)$/);
    expect(cliCalls().map((c) => c.shell)).toEqual(["exec"]);
    expect(gw!.hookCalls[0]!.body).toMatchObject({ sessionKey: KEY, wakeMode: "now", deliver: true });
  }, 120_000);

  it("exec marker with openclaw 2026.9.6: openclaw agent is not even tried", async () => {
    await setup({
      openclaw: { hooks: HOOKS },
      gateway: { hooks: { token: "hook-secret", allowRequestSessionKey: true } },
    });
    const run = await submit({ execShell: true });
    const v = await settledWake(run.id);
    expect(v.wake).toMatchObject({ state: "woken", path: "hooks-agent" });
    expect(v.wake!.attempts.map((a) => a.path)).toEqual(["hooks-agent"]);
    expect(cliCalls()).toEqual([]);
  }, 120_000);

  it("hooks busy twice (503 at the admission timeout), then admitted: woken once through hooks, no other path", async () => {
    await setup({
      openclaw: { hooks: HOOKS },
      gateway: { hooks: { token: "hook-secret", allowRequestSessionKey: true } },
    });
    gw!.injectHooks({ type: "admission-timeout" }, 2);
    const run = await submit({ ...DM_THREAD, execShell: true });
    const v = await settledWake(run.id);
    expect(v.wake).toMatchObject({ state: "woken", path: "hooks-agent" });
    expect(v.wake!.attempts.map((a) => [a.path, a.outcome])).toEqual([["hooks-agent", "woken"]]);
    expect(v.wake!.attempts[0]!.detail).toMatch(
      /after 2 busy answers \(HTTP 503: hook agent run did not start/,
    );
    expect(gw!.hookCalls).toHaveLength(3);
    expect(gw!.sessionSends).toEqual([]);
    expect(cliCalls()).toEqual([]);
  }, 180_000);

  it("every path failing: a visible notice in the topic says so and where the result is", async () => {
    await setup({ env: { FAKE_OPENCLAW_AGENT: "delivery-failed" } });
    const run = await submit();
    const v = await settledWake(run.id);
    expect(v.wake!.state).toBe("failed");
    await waitFor(() => topicTexts().some((t) => t.includes("could not be woken")), 30_000, "the notice");
    const notice = topicTexts().find((t) => t.includes("could not be woken"))!;
    const file = join(sb!.env.HOME!, ".openclaw", "openclaw.json");
    expect(notice).toContain("⚠️ <b>The OpenClaw agent could not be woken</b>\n");
    expect(notice).toContain(`<b>Run:</b> ${run.id}\n<b>Session:</b> ${KEY}\n<b>Wake:</b> ${v.wake!.id}\n`);
    expect(notice).toMatch(
      /<b>Path 1:<\/b> openclaw-agent: openclaw agent completed run \S+ but its reply was not delivered/,
    );
    expect(notice).toContain(
      `<b>Path 2:</b> hooks-agent: not used: hooks are not enabled; set "hooks": {"enabled": true, "token": "&lt;secret&gt;", "allowRequestSessionKey": true, "allowedSessionKeyPrefixes": ["hook:", "agent:"]} in ${file} to enable it\n`,
    );
    expect(notice).toContain(
      '<b>Path 3:</b> sessions-send: not used: sessions_send is denied by gateway.tools; add "sessions_send" to gateway.tools.allow to enable it\n',
    );
    expect(notice).toContain(`Result: ${v.files.result}`);
    const status = await sb!.cli(["status", run.id]);
    expect(status.stdout).toMatch(
      new RegExp(
        `\n  wake:       ⚠ could not wake ${KEY} \\(wake ${v.wake!.id}\\): openclaw-agent: openclaw agent completed`,
      ),
    );
  }, 120_000);

  it("a path that does not answer in time may have woken the agent: uncertain, no other path, a notice", async () => {
    await setup({
      wakeTimeoutSeconds: 1,
      openclaw: { hooks: HOOKS },
      gateway: {
        hooks: { token: "hook-secret", allowRequestSessionKey: true },
        allowTools: ["sessions_send"],
      },
    });
    writeFileSync(
      join(sb!.env.HOME!, ".openclaw", "openclaw.json"),
      JSON.stringify({
        gateway: {
          port: Number(new URL(gw!.url).port),
          auth: { mode: "token", token: gw!.token },
          tools: { allow: ["sessions_send"] },
        },
        hooks: HOOKS,
      }),
    );
    gw!.injectHooks({ type: "hang" });
    const run = await submit({ sessionId: null });
    const v = await settledWake(run.id);
    expect(v.wake).toMatchObject({ state: "uncertain", path: "hooks-agent" });
    expect(v.wake!.detail).toMatch(/no answer within 1 s; the request may have been accepted$/);
    expect(gw!.sessionSends).toEqual([]);
    await waitFor(
      () => topicTexts().some((t) => t.includes("may not have been woken")),
      30_000,
      "the notice",
    );
    const notice = topicTexts().find((t) => t.includes("may not have been woken"))!;
    expect(notice).toContain("⚠️ <b>The OpenClaw agent may not have been woken</b>\n");
    expect(notice).toContain(
      "<b>Next:</b> It was not woken again, to avoid a second wake; if it does not answer, ask it to read the result.",
    );
  }, 120_000);

  it("SIGKILL mid-wake: the claim becomes uncertain, is reported, and no path is tried again; trace markers show it", async () => {
    await setup({
      wakeTimeoutSeconds: 300,
      openclaw: { hooks: HOOKS, gateway: undefined },
      gateway: {
        hooks: { token: "hook-secret", allowRequestSessionKey: true },
        allowTools: ["sessions_send"],
      },
    });
    writeFileSync(
      join(sb!.env.HOME!, ".openclaw", "openclaw.json"),
      JSON.stringify({
        gateway: {
          port: Number(new URL(gw!.url).port),
          auth: { mode: "token", token: gw!.token },
          tools: { allow: ["sessions_send"] },
        },
        hooks: HOOKS,
      }),
    );
    gw!.injectHooks({ type: "hang" });
    const run = await submit({ sessionId: null, traceLive: true });
    await waitFor(
      async () => {
        const w = (await sb!.json(["status", run.id])).wake;
        return w?.state === "claimed" && w.attempts.length === 1 && gw!.hookCalls.length === 1;
      },
      60_000,
      "the hooks attempt to be in flight",
    );
    const claimed = (await sb!.json(["status", run.id])).wake!;
    await restartDaemonAfterKill();
    const v = await settledWake(run.id);
    expect(v.wake).toMatchObject({
      id: claimed.id,
      state: "uncertain",
      path: "hooks-agent",
      detail:
        "cctask stopped while waking through hooks-agent; the agent may or may not have been woken, so the wake was not repeated",
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(gw!.hookCalls).toHaveLength(1);
    expect(gw!.sessionSends).toEqual([]);
    await waitFor(
      () => topicTexts().some((t) => t.includes("may not have been woken")),
      30_000,
      "the notice",
    );

    const out = v.files.result;
    const traces = topicTexts().filter((t) => t.startsWith("[TRACE]"));
    expect(traces).toEqual([
      `[TRACE][TECH][RUN_TASK][START] project=${sb!.project} mode=single limit=1 run_id=${run.id}`,
      `[TRACE][TECH][RUN_TASK][COMPLETE] exit=0 output=${out} size=8 run_id=${run.id} wake_id=${claimed.id}`,
      `[TRACE][TECH][TELEGRAM][WAKE] dispatching hooks/agent wake (project=project, output=${out}, wake_id=${claimed.id})`,
      `[TRACE][TECH][TELEGRAM][WAKE][SKIP] duplicate/stale wake ignored (project=project, output=${out}, wake_id=${claimed.id})`,
    ]);
    const status = await sb!.cli(["status", run.id]);
    expect(status.stdout).toContain(
      `\n  wake:       ⚠ uncertain whether ${KEY} was woken (wake ${claimed.id}): cctask stopped while waking through hooks-agent;`,
    );
  }, 120_000);
});
