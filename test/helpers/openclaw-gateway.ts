/**
 * A real OpenClaw gateway (the pinned version from peers.json, under Node 24) for one test file:
 * loopback only, a free port, its own HOME/state dir/config/log, a hand-written config whose
 * model provider is the fake OpenAI API and whose Telegram channel polls the fake Bot API.
 * stop() kills the gateway's process group by PID and removes every temp dir.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { FakeOpenAi } from "../fakes/openai-api.js";
import type { FakeTelegram } from "../fakes/telegram-api.js";
import { loadPeers, type Peers } from "./peers.js";

export const GATEWAY_TOKEN = "cctask-gateway-test-token";
export const HOOKS_TOKEN = "cctask-hooks-test-token";

/** The config file as a test edits it: plain JSON, reached into by key. */
// biome-ignore lint/suspicious/noExplicitAny: a test mutates arbitrary config paths.
export type GatewayConfig = Record<string, any>;

export interface GatewayOptions {
  model: FakeOpenAi;
  telegram: FakeTelegram;
  /** gateway.tools.allow (default: sessions_send). */
  toolsAllow?: string[];
  /** tools.sessions.visibility (default: all). */
  sessionVisibility?: "self" | "tree" | "agent" | "all";
  /** hooks.allowRequestSessionKey (default: false). */
  allowRequestSessionKey?: boolean;
  readyTimeoutMs?: number;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface HttpReply {
  status: number;
  body: unknown;
  text: string;
}

export interface RealGateway {
  peers: Peers;
  url: string;
  port: number;
  pid: number;
  home: string;
  stateDir: string;
  configPath: string;
  logFile: string;
  /** An `openclaw` executable (a wrapper that runs the pinned CLI under Node 24), for programs under test. */
  bin: string;
  /** The environment the gateway and every `openclaw` CLI call run with (no secrets in it). */
  env: Record<string, string>;
  /** Milliseconds from spawn until /readyz said ready. */
  readyMs: number;
  openclaw(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun>;
  /** POST /tools/invoke with the gateway token. */
  invoke(tool: string, args: Record<string, unknown>, token?: string): Promise<HttpReply>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpReply>;
  output(): string;
  /** Wait until the gateway's console output or log file matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Rewrite the config file and wait for the gateway's hot reload of it. */
  updateConfig(mutate: (config: GatewayConfig) => void, timeoutMs?: number): Promise<void>;
  /** Kill the gateway's processes; its files stay until stop(). */
  kill(): Promise<void>;
  /** Kill the gateway's processes and remove every file it had. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function buildGatewayConfig(opts: GatewayOptions, port: number, logFile: string): object {
  return {
    gateway: {
      mode: "local",
      port,
      bind: "loopback",
      auth: { mode: "token", token: GATEWAY_TOKEN },
      tools: { allow: opts.toolsAllow ?? ["sessions_send"] },
    },
    hooks: {
      enabled: true,
      token: HOOKS_TOKEN,
      path: "/hooks",
      allowRequestSessionKey: opts.allowRequestSessionKey ?? false,
      ...(opts.allowRequestSessionKey ? { allowedSessionKeyPrefixes: ["agent:", "hook:"] } : {}),
    },
    tools: { sessions: { visibility: opts.sessionVisibility ?? "all" } },
    logging: { file: logFile, level: "info" },
    models: {
      mode: "merge",
      providers: {
        stubllm: {
          baseUrl: opts.model.baseUrl,
          api: "openai-completions",
          apiKey: opts.model.apiKey,
          models: [
            {
              id: opts.model.modelId,
              name: "stub",
              contextWindow: 64000,
              maxTokens: 2048,
              input: ["text"],
              reasoning: false,
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            },
          ],
        },
      },
    },
    agents: { defaults: { model: { primary: `stubllm/${opts.model.modelId}` } } },
    channels: {
      telegram: {
        enabled: true,
        botToken: opts.telegram.token,
        apiRoot: opts.telegram.apiRoot,
        dmPolicy: "open",
        allowFrom: ["*"],
        groupPolicy: "open",
        groups: { "*": { requireMention: false } },
        network: { dangerouslyAllowPrivateNetwork: true },
      },
    },
    bindings: [{ agentId: "main", match: { channel: "telegram", accountId: "default" } }],
    // Only the plugins the tests use: the others (browser, canvas, memory, …) slow the start.
    plugins: { allow: ["telegram"] },
  };
}

function collect(child: ChildProcess, sink: { text: string }) {
  child.stdout?.on("data", (b: Buffer) => {
    sink.text += b.toString("utf8");
  });
  child.stderr?.on("data", (b: Buffer) => {
    sink.text += b.toString("utf8");
  });
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes (in any process group) whose environment names this gateway's state dir. */
function processesOf(stateDir: string): number[] {
  const marker = `OPENCLAW_STATE_DIR=${stateDir}\0`;
  return readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) return [];
    try {
      return readFileSync(`/proc/${name}/environ`, "latin1").includes(marker) ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}

async function fetchReply(url: string, init: RequestInit): Promise<HttpReply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, body, text };
}

async function waitReady(url: string, child: ChildProcess, out: { text: string }, timeoutMs: number) {
  const end = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < end) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `openclaw gateway exited (${child.exitCode ?? child.signalCode}) before ready:\n${out.text}`,
      );
    }
    try {
      const res = await fetch(`${url}/readyz`);
      last = await res.text();
      if ((JSON.parse(last) as { ready?: boolean }).ready === true) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `openclaw gateway not ready after ${timeoutMs} ms (last /readyz: ${last}):\n${out.text.slice(-4000)}`,
  );
}

/** Run the openclaw CLI under Node 24 in its own process group; the group is killed on timeout. */
export function runOpenclaw(
  peers: Peers,
  env: Record<string, string>,
  args: string[],
  timeoutMs = 60_000,
): Promise<CliRun> {
  const started = Date.now();
  const child = spawn(peers.node.bin, [peers.openclaw.entry, ...args], {
    env,
    cwd: env.HOME,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b: Buffer) => {
    stdout += b.toString("utf8");
  });
  child.stderr.on("data", (b: Buffer) => {
    stderr += b.toString("utf8");
  });
  const timer = setTimeout(() => child.pid && killGroup(child.pid, "SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (child.pid) killGroup(child.pid, "SIGKILL");
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

export async function startRealGateway(opts: GatewayOptions): Promise<RealGateway> {
  const peers = loadPeers();
  const root = mkdtempSync(join(tmpdir(), "cctask-openclaw-"));
  const home = join(root, "home");
  const stateDir = join(home, ".openclaw");
  const configPath = join(stateDir, "openclaw.json");
  const logFile = join(root, "gateway.log");
  mkdirSync(stateDir, { recursive: true });
  const port = await freePort();
  const bin = join(root, "bin", "openclaw");
  mkdirSync(dirname(bin));
  writeFileSync(bin, `#!/bin/sh\nexec '${peers.node.bin}' '${peers.openclaw.entry}' "$@"\n`, { mode: 0o755 });
  writeFileSync(configPath, JSON.stringify(buildGatewayConfig(opts, port, logFile), null, 2), {
    mode: 0o600,
  });

  const env: Record<string, string> = {
    PATH: `${dirname(bin)}:${dirname(peers.node.bin)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    OPENCLAW_HOME: home,
    OPENCLAW_STATE_DIR: stateDir,
    OPENCLAW_CONFIG_PATH: configPath,
    TMPDIR: root,
    LANG: "C.UTF-8",
    NO_COLOR: "1",
  };
  const started = Date.now();
  const child = spawn(
    peers.node.bin,
    [peers.openclaw.entry, "gateway", "run", "--port", String(port), "--bind", "loopback", "--verbose"],
    { env, cwd: home, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const out = { text: "" };
  collect(child, out);
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn the openclaw gateway");
  const url = `http://127.0.0.1:${port}`;

  const kill = async () => {
    killGroup(pid, "SIGTERM");
    const end = Date.now() + 10_000;
    while (groupAlive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    killGroup(pid, "SIGKILL");
    // Helpers the gateway started in groups of their own (spawn broker, sqlite workers).
    for (const leftover of processesOf(stateDir)) {
      try {
        process.kill(leftover, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  };
  const stop = async () => {
    await kill();
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await waitReady(url, child, out, opts.readyTimeoutMs ?? 180_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const readyMs = Date.now() - started;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetchReply(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  const output = () => {
    let log = "";
    try {
      log = readFileSync(logFile, "utf8");
    } catch {
      // no log file yet
    }
    return `${out.text}\n${log}`;
  };
  const waitForOutput = async (pattern: RegExp, timeoutMs = 60_000) => {
    const end = Date.now() + timeoutMs;
    while (!pattern.test(output())) {
      if (Date.now() > end) throw new Error(`gateway output never matched ${pattern} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  return {
    peers,
    url,
    port,
    pid,
    home,
    stateDir,
    configPath,
    logFile,
    bin,
    env,
    readyMs,
    openclaw: (args, o = {}) => runOpenclaw(peers, { ...env, ...o.env }, args, o.timeoutMs),
    invoke: (tool, args, token = GATEWAY_TOKEN) =>
      post("/tools/invoke", { tool, args }, { authorization: `Bearer ${token}` }),
    post,
    output,
    waitForOutput,
    updateConfig: async (mutate, timeoutMs = 60_000) => {
      const reloads = (output().match(/config (hot reload|change) applied/g) ?? []).length;
      const config = JSON.parse(readFileSync(configPath, "utf8")) as GatewayConfig;
      mutate(config);
      writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
      const end = Date.now() + timeoutMs;
      const failures = (output().match(/config reload failed[^"\n]*/g) ?? []).length;
      while ((output().match(/config (hot reload|change) applied/g) ?? []).length <= reloads) {
        const failed = output().match(/config reload failed[^"\n]*/g) ?? [];
        if (failed.length > failures) throw new Error(`the gateway refused the new config: ${failed.at(-1)}`);
        if (Date.now() > end) {
          const lines = output()
            .split("\n")
            .filter((l) => /reload|config/i.test(l))
            .map((l) => l.slice(0, 400));
          throw new Error(
            `the gateway did not apply its new config within ${timeoutMs} ms:\n${lines.slice(-12).join("\n")}`,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    kill,
    stop,
  };
}
