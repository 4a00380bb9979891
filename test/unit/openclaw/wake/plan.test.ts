/**
 * Which wake paths a route can use, from the real facts: the fake openclaw CLI's version (found on
 * PATH or through openclaw.bin), OpenClaw's config (gateway.tools, hooks) read from disk, and the
 * exec marker. Every refusal says which config line enables the path.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Config, loadConfig } from "../../../../src/config.js";
import { forgetDetectedVersions } from "../../../../src/openclaw/wake/cli.js";
import { gatherWakeFacts } from "../../../../src/openclaw/wake/facts.js";
import { planWake } from "../../../../src/openclaw/wake/plan.js";
import { previewWake } from "../../../../src/openclaw/wake/preview.js";
import type { OpenClawRoute } from "../../../../src/route.js";
import { ROOT } from "../../../helpers/cctask.js";
import { testRoute } from "../../../helpers/route.js";

const FAKE_CLI = join(ROOT, "test/fakes/openclaw-cli.mjs");
let dir: string;
let env: NodeJS.ProcessEnv;
let config: Config;

beforeEach(() => {
  forgetDetectedVersions();
  dir = mkdtempSync(join(tmpdir(), "cctask-wakeplan-"));
  mkdirSync(join(dir, ".openclaw"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "cctask"));
  symlinkSync(FAKE_CLI, join(dir, "bin", "openclaw"));
  env = { HOME: dir, PATH: `${join(dir, "bin")}:${process.env.PATH}` };
  config = loadConfig(join(dir, "cctask"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function openclawConfig(data: object): string {
  const path = join(dir, ".openclaw", "openclaw.json");
  writeFileSync(path, JSON.stringify({ gateway: { port: 18789, auth: { token: "gw-token" } }, ...data }));
  return path;
}

async function plan(route: OpenClawRoute = testRoute(), processEnv: NodeJS.ProcessEnv = env) {
  const facts = await gatherWakeFacts(route, config, { stateDir: join(dir, "cctask"), processEnv });
  return planWake(route, facts);
}

const HOOKS = { enabled: true, token: "hook-secret", allowRequestSessionKey: true };
/** A Telegram DM thread: sessions_send wakes its parent, the DM session. */
const DM_THREAD = testRoute({
  sessionKey: "agent:main:main:thread:111222333:42",
  family: "telegram-dm-thread",
  target: "111222333",
  threadId: "42",
  wakeKey: "agent:main:main",
});

describe("the wake plan", () => {
  it("with a plain OpenClaw install: only openclaw agent, and each other path says how to enable it", async () => {
    const file = openclawConfig({});
    expect(await plan()).toEqual([
      {
        path: "openclaw-agent",
        usable: true,
        reason: `openclaw 2026.9.6 at ${join(dir, "bin", "openclaw")}, --session-id 3f9a2b10-7c4d-4e8f-9a1b-2c3d4e5f6a7b`,
      },
      {
        path: "hooks-agent",
        usable: false,
        reason: `hooks are not enabled; set "hooks": {"enabled": true, "token": "<secret>", "allowRequestSessionKey": true, "allowedSessionKeyPrefixes": ["hook:", "agent:"]} in ${file} to enable it`,
      },
      {
        path: "sessions-send",
        usable: false,
        reason:
          'sessions_send is denied by gateway.tools; add "sessions_send" to gateway.tools.allow to enable it',
      },
    ]);
  });

  it("under the exec marker, 2026.9.6 skips openclaw agent (the marker is kept) and hooks take over", async () => {
    openclawConfig({ hooks: HOOKS });
    const checks = await plan(testRoute({ execShell: true }));
    expect(checks[0]).toEqual({
      path: "openclaw-agent",
      usable: false,
      reason:
        "the run was launched from OpenClaw's exec tool (OPENCLAW_SHELL=exec), where openclaw 2026.9.6 refuses `openclaw agent` (since 2026.9.6); the marker is kept, so another path is used",
    });
    expect(checks[1]).toEqual({
      path: "hooks-agent",
      usable: true,
      reason:
        "POST http://127.0.0.1:18789/hooks/agent with sessionKey agent:main:telegram:group:-1009876:topic:7",
    });
  });

  it("the marker in the daemon's own environment counts too", async () => {
    openclawConfig({});
    const checks = await plan(testRoute(), { ...env, OPENCLAW_SHELL: "exec" });
    expect(checks[0]!.usable).toBe(false);
  });

  it("an older openclaw (2026.3.2) still wakes through openclaw agent under the marker", async () => {
    openclawConfig({});
    const checks = await plan(testRoute({ execShell: true }), { ...env, FAKE_OPENCLAW_VERSION: "2026.3.2" });
    expect(checks[0]).toMatchObject({ path: "openclaw-agent", usable: true });
    expect(checks[0]!.reason).toMatch(/^openclaw 2026\.3\.2 at /);
  });

  it("no session id: openclaw agent cannot be used", async () => {
    openclawConfig({});
    const checks = await plan(testRoute({ sessionId: null }));
    expect(checks[0]).toEqual({
      path: "openclaw-agent",
      usable: false,
      reason:
        "openclaw agent needs the session's id (a UUID) for --session-id, and none was found for agent:main:telegram:group:-1009876:topic:7",
    });
  });

  it("no openclaw CLI on PATH, or a wrong openclaw.bin", async () => {
    openclawConfig({});
    const checks = await plan(testRoute(), { HOME: dir, PATH: "/nonexistent" });
    expect(checks[0]!.reason).toBe(
      `no openclaw CLI on PATH; install OpenClaw or set openclaw.bin in ${join(dir, "cctask", "config.json5")}`,
    );
    config = { ...config, openclaw: { ...config.openclaw, bin: join(dir, "nope") } };
    const again = await plan();
    expect(again[0]!.reason).toBe(
      `openclaw.bin in ${join(dir, "cctask", "config.json5")} is "${join(dir, "nope")}", which is not an executable file; fix the path`,
    );
    config = { ...config, openclaw: { ...config.openclaw, bin: FAKE_CLI } };
    expect((await plan())[0]!.usable).toBe(true);
  });

  it("hooks: each missing setting is named with its fix", async () => {
    const file = openclawConfig({ hooks: { enabled: true } });
    expect((await plan())[1]!.reason).toBe(
      `hooks.token is not set; set "hooks.token" to a secret in ${file} to enable it`,
    );
    openclawConfig({ hooks: { enabled: true, token: "t" } });
    expect((await plan())[1]!.reason).toBe(
      `hooks.allowRequestSessionKey is not set, so the gateway refuses a sessionKey; set "allowRequestSessionKey": true, "allowedSessionKeyPrefixes": ["hook:", "agent:"] in "hooks" of ${file} to enable it`,
    );
    openclawConfig({ hooks: { ...HOOKS, allowedSessionKeyPrefixes: ["agent:ops:"] } });
    expect((await plan())[1]!.reason).toBe(
      `agent:main:telegram:group:-1009876:topic:7 is outside hooks.allowedSessionKeyPrefixes (agent:ops:); add "agent:main:" to it in ${file} to enable it`,
    );
    openclawConfig({ hooks: { ...HOOKS, allowedSessionKeyPrefixes: ["agent:main:"], path: "/in/" } });
    expect((await plan())[1]).toEqual({
      path: "hooks-agent",
      usable: true,
      reason:
        "POST http://127.0.0.1:18789/in/agent with sessionKey agent:main:telegram:group:-1009876:topic:7",
    });
  });

  it("hooks.token as an env SecretRef is resolved; a missing variable is reported", async () => {
    openclawConfig({ hooks: { ...HOOKS, token: { source: "env", provider: "default", id: "HOOKS_TOKEN" } } });
    expect((await plan(testRoute(), { ...env, HOOKS_TOKEN: "x" }))[1]!.usable).toBe(true);
    const missing = (await plan())[1]!;
    expect(missing.usable).toBe(false);
    expect(missing.reason).toContain("HOOKS_TOKEN, which is not set");
  });

  it("sessions_send: allowed by gateway.tools.allow, refused when also denied", async () => {
    const file = openclawConfig({ gateway: { port: 18789, tools: { allow: ["sessions_send"] } } });
    expect((await plan(DM_THREAD))[2]).toEqual({
      path: "sessions-send",
      usable: true,
      reason: "sessions_send to agent:main:main over http://127.0.0.1:18789/tools/invoke",
    });
    openclawConfig({
      gateway: { port: 18789, tools: { allow: ["sessions_send"], deny: ["sessions_send"] } },
    });
    expect((await plan(DM_THREAD))[2]!.reason).toBe(
      `sessions_send is listed in gateway.tools.deny; remove it there (${file}) to enable it`,
    );
  });

  it("sessions_send cannot reach a forum topic: the key is refused and the group's session may not exist", async () => {
    openclawConfig({ gateway: { port: 18789, tools: { allow: ["sessions_send"] } } });
    const topic = testRoute({ wakeKey: "agent:main:telegram:group:-1009876" });
    expect((await plan(topic))[2]).toEqual({
      path: "sessions-send",
      usable: false,
      reason:
        "sessions_send cannot reach a forum-topic session (OpenClaw refuses topic keys, and the group's own session agent:main:telegram:group:-1009876 exists only if someone wrote outside a topic); enable hooks instead",
    });
  });

  it("reads OpenClaw's config where the launcher's environment points", async () => {
    const other = join(dir, "elsewhere.json");
    writeFileSync(other, JSON.stringify({ gateway: { port: 19001, tools: { allow: ["sessions_send"] } } }));
    const checks = await plan({ ...DM_THREAD, launchEnv: { OPENCLAW_CONFIG_PATH: other } });
    expect(checks[2]!.reason).toBe(
      "sessions_send to agent:main:main over http://127.0.0.1:19001/tools/invoke",
    );
  });
});

describe("previewWake", () => {
  it("names the path that will be used and keeps every check", async () => {
    openclawConfig({ hooks: HOOKS });
    const route = testRoute({ execShell: true, launchEnv: { HOME: dir, PATH: env.PATH! } });
    const preview = await previewWake(route, config);
    expect(preview.chosen).toBe("hooks-agent");
    expect(preview.checks.map((c) => [c.path, c.usable])).toEqual([
      ["openclaw-agent", false],
      ["hooks-agent", true],
      ["sessions-send", false],
    ]);
  });

  it("no usable path: chosen is null", async () => {
    openclawConfig({});
    const route = testRoute({ sessionId: null, launchEnv: { HOME: dir, PATH: env.PATH! } });
    expect((await previewWake(route, config)).chosen).toBeNull();
  });
});
