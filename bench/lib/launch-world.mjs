/**
 * The shared setting of the launch comparison (bench/launch-original.mjs): one temp HOME whose
 * ~/.openclaw/openclaw.json names the fake gateway (bench/lib/fake-gateway.mjs, on 127.0.0.1:18789,
 * the only address the original run-task.py can reach) and its token; the real claude CLI against
 * the fake Anthropic API, or the replay claude, each as `claude` on PATH (for the original) and as
 * CCTASK_CLAUDE_BIN (for cctask); a git project both run in. Both tools get the same environment.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./dist.mjs";
import { startFakeGateway } from "./fake-gateway.mjs";
import { createSandbox, REPLAY } from "./sandbox.mjs";
import { loadClaudeFakes } from "./ts-fakes.mjs";

export const ORIGINAL_PORT = 18789;
export const WA_JID = "120363012345678901@g.us";
export const WA_KEY = `agent:main:whatsapp:group:${WA_JID}`;
const TOKEN = "bench-gateway-token";
const REAL_CLAUDE = join(ROOT, "node_modules/.bin/claude");
const FIXTURE_ROWS = join(ROOT, "test/fixtures/openclaw/2026.3.2/sessions_list.json");

/** The gateway's sessions_list rows: the recorded WhatsApp group row, made recent. */
function sessionRows() {
  const { sessions } = JSON.parse(readFileSync(FIXTURE_ROWS, "utf8"));
  return sessions.filter((s) => s.key === WA_KEY).map((s) => ({ ...s, updatedAt: Date.now() - 60_000 }));
}

/** A python3 that can import requests (the original needs it), resolved past pyenv-style shims. */
function findPython() {
  const wanted = process.env.CCTASK_BENCH_PYTHON || "python3";
  try {
    return execFileSync(wanted, ["-c", "import sys, requests; print(sys.executable)"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } catch (e) {
    return {
      error: `${wanted} cannot import requests (${String(e.stderr ?? e.message)
        .trim()
        .split("\n")
        .at(-1)})`,
    };
  }
}

/** The original, from CCTASK_BENCH_ORIGINAL; { skipped } says why it is not measured. */
export function findOriginal() {
  const script = process.env.CCTASK_BENCH_ORIGINAL;
  if (!script)
    return {
      skipped:
        "CCTASK_BENCH_ORIGINAL is not set (set it to run-task.py of VsevolodUstinov/openclaw-worker-relay at commit 50593d8)",
    };
  if (!existsSync(script)) return { skipped: `CCTASK_BENCH_ORIGINAL is ${script}, which does not exist` };
  const python = findPython();
  if (typeof python !== "string") return { skipped: python.error };
  return { script, python };
}

export async function createLaunchWorld({ original }) {
  let gateway;
  try {
    gateway = await startFakeGateway({ port: ORIGINAL_PORT, token: TOKEN, sessions: sessionRows() });
  } catch (e) {
    if (e.code !== "EADDRINUSE") throw e;
    if (original.script)
      original = { skipped: `port ${ORIGINAL_PORT}, the original's hard-coded gateway port, was in use` };
    gateway = await startFakeGateway({ port: 0, token: TOKEN, sessions: sessionRows() });
  }
  const fakes = await loadClaudeFakes();
  const api = await fakes.startFakeAnthropic();
  const sb = createSandbox("launch-original");
  const home = sb.env.HOME;
  const tmp = join(sb.root, "tmp");
  mkdirSync(join(home, ".openclaw"), { recursive: true });
  mkdirSync(tmp);
  writeFileSync(
    join(home, ".openclaw", "openclaw.json"),
    JSON.stringify({
      gateway: {
        port: gateway.port,
        auth: { mode: "token", token: TOKEN },
        tools: { allow: ["sessions_send"] },
      },
      tools: { sessions: { visibility: "all" } },
    }),
    { mode: 0o600 },
  );
  execFileSync("git", ["init", "-q", sb.project]);

  const agents = { real: REAL_CLAUDE, replay: REPLAY };
  const envs = {};
  for (const [name, bin] of Object.entries(agents)) {
    const dir = join(sb.root, `bin-${name}`);
    mkdirSync(dir);
    symlinkSync(bin, join(dir, "claude"));
    envs[name] = {
      ...sb.env,
      ...fakes.offlineClaudeEnv({ baseUrl: api.url, home, tmp }),
      PATH: `${dir}:${sb.env.PATH}`,
      CCTASK_CLAUDE_BIN: join(dir, "claude"),
    };
  }

  return {
    sb,
    gateway,
    api,
    original,
    envs,
    output: join(sb.root, "original-output.txt"),
    async close() {
      await sb.cleanup();
      await api.close();
      await gateway.close();
      fakes.remove();
      // the original keeps a per-project wake-dedupe file in /tmp (run-task.py state_file_for_project)
      const hash = createHash("sha1").update(sb.project).digest("hex");
      rmSync(`/tmp/cc-orchestrator-state-${hash.slice(0, 12)}.json`, { force: true });
    },
  };
}
