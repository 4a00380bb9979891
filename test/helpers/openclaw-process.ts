/** Processes of a real OpenClaw gateway under test: free ports, the CLI under Node 24, cleanup by PID. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Peers } from "./peers.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
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

export function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes (in any process group) whose environment names this gateway's state dir. */
export function processesOf(stateDir: string): number[] {
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
