/**
 * A real OpenClaw gateway (the pinned version from peers.json, under Node 24) for one test file:
 * loopback only, a free port, its own HOME/state dir/config/log, a hand-written config whose
 * model provider is the fake OpenAI API and whose Telegram channel polls the fake Bot API.
 * stop() kills the gateway's process group by PID and removes every temp dir.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  buildGatewayConfig,
  GATEWAY_TOKEN,
  type GatewayConfig,
  type GatewayOptions,
} from "./openclaw-config.js";
import {
  type CliRun,
  freePort,
  groupAlive,
  killGroup,
  processesOf,
  runOpenclaw,
} from "./openclaw-process.js";
import { loadPeers, type Peers } from "./peers.js";

export { GATEWAY_TOKEN, type GatewayConfig, type GatewayOptions, HOOKS_TOKEN } from "./openclaw-config.js";
export type { CliRun } from "./openclaw-process.js";

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

function collect(child: ChildProcess, sink: { text: string }) {
  child.stdout?.on("data", (b: Buffer) => {
    sink.text += b.toString("utf8");
  });
  child.stderr?.on("data", (b: Buffer) => {
    sink.text += b.toString("utf8");
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
