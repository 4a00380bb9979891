/**
 * The whole way an OpenClaw agent uses cctask: `cctask run --session <topic key> --trace-live`
 * from the exec tool (OPENCLAW_SHELL=exec in the environment, the tool's process group killed
 * right after the command returns). The run survives, the result reaches the topic, and the wake
 * arrives through a path OpenClaw allows from there (hooks), never through `openclaw agent`.
 */
import { spawn } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { type FakeGateway, startFakeGateway } from "../fakes/gateway.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { CLI, createSandbox, ROOT, type Sandbox, waitFor } from "../helpers/cctask.js";

const FIX = join(ROOT, "test/fixtures/openclaw/2026.3.2");
const FAKE_CLI = join(ROOT, "test/fakes/openclaw-cli.mjs");
const TOPIC_KEY = "agent:main:telegram:group:-1009876:topic:7";

let sb: Sandbox | undefined;
let tg: FakeTelegram | undefined;
let gw: FakeGateway | undefined;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
  await gw?.close();
  sb = tg = gw = undefined;
});

/** Runs the CLI the way OpenClaw's exec tool does, then kills the tool's process group. */
function execTool(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...env, OPENCLAW_SHELL: "exec" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        process.kill(-child.pid!, "SIGKILL"); // the exec tool's scope cleanup
      } catch {
        // nothing left in the group
      }
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

it("launched from the exec tool with --session and --trace-live: the run survives and hooks wake the topic's session", async () => {
  tg = await startFakeTelegram({ token: "123456:TEST-token" });
  const { sessions } = JSON.parse(readFileSync(join(FIX, "sessions_list.json"), "utf8")) as {
    sessions: Record<string, unknown>[];
  };
  gw = await startFakeGateway({
    token: "gw-secret",
    sessions: sessions.map((s, i) => ({ ...s, updatedAt: Date.now() - 60_000 * (i + 1) })),
    hooks: { token: "hook-secret", allowRequestSessionKey: true },
  });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
  const state = join(sb.root, "openclaw-state");
  cpSync(join(FIX, "agents"), join(state, "agents"), { recursive: true });
  writeFileSync(
    join(state, "openclaw.json"),
    JSON.stringify({ hooks: { enabled: true, allowRequestSessionKey: true } }),
  );
  sb.env.OPENCLAW_STATE_DIR = state;
  sb.env.FAKE_OPENCLAW_LOG = join(sb.root, "openclaw-cli.log");
  sb.writeConfig({
    notify: { heartbeatSeconds: 0 },
    openclaw: { gatewayUrl: gw.url, bin: FAKE_CLI, wakeTimeoutSeconds: 20 },
  });

  const launch = await execTool(
    [
      "run",
      "-t",
      "REPLAY_RESULT=all-done REPLAY_DELAY_MS=300",
      "-p",
      sb.project,
      "--session",
      TOPIC_KEY,
      "--trace-live",
      "--json",
    ],
    { ...sb.env, OPENCLAW_GATEWAY_TOKEN: "gw-secret", OPENCLAW_HOOKS_TOKEN: "hook-secret" },
  );
  expect(launch.stderr).toBe("");
  expect(launch.code).toBe(0);
  const receipt = JSON.parse(launch.stdout) as RunView;

  let v: RunView | undefined;
  await waitFor(
    async () => {
      const now: RunView = await sb!.json(["status", receipt.id]);
      v = now;
      return now.wake !== null && !["pending", "claimed"].includes(now.wake.state);
    },
    60_000,
    "the wake",
  );
  expect(v!.state).toBe("succeeded");
  expect(v!.wake).toMatchObject({
    state: "woken",
    path: "hooks-agent",
    sessionKey: "agent:main:telegram:group:-1009876",
  });
  expect(gw.hookCalls).toHaveLength(1);
  expect(gw.hookCalls[0]!.authorization).toBe("Bearer hook-secret");
  // the topic's own session, in it: a forum group's parent session may not exist
  expect(gw.hookCalls[0]!.body).toMatchObject({ sessionKey: TOPIC_KEY, sessionMode: "persistent" });
  expect(gw.hookCalls[0]!.body.message).toContain(`run_id=${receipt.id} wake_id=${v!.wake!.id}`);
  // 2026.9.6 refuses `openclaw agent` under the marker: it is not even tried.
  let cliCalls = "";
  try {
    cliCalls = readFileSync(sb.env.FAKE_OPENCLAW_LOG, "utf8");
  } catch {
    // never called
  }
  expect(cliCalls).toBe("");

  const topic = () =>
    tg!.calls
      .filter((c) => c.chat_id === "-1009876" && c.message_thread_id === 7 && c.status === 200)
      .map((c) => c.text ?? "");
  await waitFor(() => topic().some((t) => t.includes("[WAKE]")), 30_000, "the wake trace marker");
  const traces = topic().filter((t) => t.startsWith("[TRACE]"));
  const out = v!.files.result;
  expect(traces).toEqual([
    `[TRACE][TECH][RUN_TASK][START] project=${sb.project} mode=single limit=1 run_id=${receipt.id}`,
    `[TRACE][TECH][RUN_TASK][COMPLETE] exit=0 output=${out} size=8 run_id=${receipt.id} wake_id=${v!.wake!.id}`,
    `[TRACE][TECH][TELEGRAM][WAKE] dispatching hooks/agent wake (project=project, output=${out}, wake_id=${v!.wake!.id})`,
  ]);
  expect(topic().some((t) => t.includes("all-done"))).toBe(true);
  expect(tg.calls.filter((c) => c.message_thread_id === null)).toEqual([]);
  const status = await sb.cli(["status", receipt.id]);
  expect(status.stdout).toContain(
    `\n  wake:       agent:main:telegram:group:-1009876 woken via hooks-agent (wake ${v!.wake!.id})\n`,
  );
}, 120_000);
