/**
 * Runs the built CLI (dist/cli.js) the way a user does, in a private CCTASK_HOME, and cleans up
 * every process it caused: the daemon and each run's process group, by PID.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { RunView } from "../../src/protocol.js";
import { CLAUDE_BIN, offlineClaudeEnv } from "../fakes/claude-env.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/cli.js");
export const REPLAY_CLAUDE = join(ROOT, "test/fakes/replay-claude.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Sandbox {
  root: string;
  home: string;
  project: string;
  env: Record<string, string>;
  cli(
    args: string[],
    opts?: { stdin?: string; env?: Record<string, string>; timeoutMs?: number },
  ): Promise<CliResult>;
  /** cli() with --json appended, parsed; throws with the output if the exit code is not `expect`. */
  json<T = RunView>(
    args: string[],
    opts?: { stdin?: string; expect?: number; env?: Record<string, string> },
  ): Promise<T>;
  writeConfig(config: object): void;
  daemonPid(): number | null;
  cleanup(): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Does any process of this process group still exist? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Every run's process group, from the pid files the wrapper writes. */
function runGroups(home: string): number[] {
  try {
    return readdirSync(join(home, "runs")).flatMap((id) => {
      try {
        const n = Number(readFileSync(join(home, "runs", id, "pid"), "utf8").split(" ")[0]);
        return n > 0 ? [n] : [];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/**
 * @param opts.claudeApi run the REAL Claude Code CLI against the fake Messages API at this URL, with
 *   its HOME and TMPDIR inside the sandbox (so cleanup removes them too)
 */
export function createSandbox(
  opts: { claudeBin?: string; claudeApi?: string; env?: Record<string, string> } = {},
): Sandbox {
  const root = mkdtempSync(join(tmpdir(), "cctask-test-"));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(project);
  const claude = opts.claudeApi
    ? offlineClaudeEnv({
        baseUrl: opts.claudeApi,
        home: join(root, "claude-home"),
        tmp: join(root, "claude-tmp"),
      })
    : {};
  if (opts.claudeApi) {
    mkdirSync(claude.HOME!);
    mkdirSync(claude.TMPDIR!);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(root, "userhome"),
    CCTASK_HOME: home,
    CCTASK_CLAUDE_BIN: opts.claudeBin ?? (opts.claudeApi ? CLAUDE_BIN : REPLAY_CLAUDE),
    IS_SANDBOX: "1",
    ...claude,
    ...opts.env,
  };
  mkdirSync(env.HOME!, { recursive: true });
  const groups = new Set<number>();

  const cli: Sandbox["cli"] = (args, o = {}) =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: root,
        env: { ...env, ...o.env },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(
            `cctask ${args.join(" ")} did not finish in ${o.timeoutMs ?? 60000} ms\n${stdout}\n${stderr}`,
          ),
        );
      }, o.timeoutMs ?? 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        for (const m of stdout.matchAll(/"processGroup":(\d+)/g)) groups.add(Number(m[1]));
        resolvePromise({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(o.stdin ?? "");
    });

  const sandbox: Sandbox = {
    root,
    home,
    project,
    env,
    cli,
    async json<T>(args: string[], o: { stdin?: string; expect?: number; env?: Record<string, string> } = {}) {
      const r = await cli([...args, "--json"], { stdin: o.stdin, ...(o.env ? { env: o.env } : {}) });
      if (r.code !== (o.expect ?? 0))
        throw new Error(
          `cctask ${args.join(" ")} exited ${r.code} (expected ${o.expect ?? 0})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
        );
      return JSON.parse(r.stdout) as T;
    },
    writeConfig(config) {
      mkdirSync(home, { recursive: true, mode: 0o700 });
      writeFileSync(join(home, "config.json5"), JSON.stringify(config), { mode: 0o600 }); // it may hold a token
    },
    daemonPid() {
      try {
        return Number(readFileSync(join(home, "daemon.pid"), "utf8").trim()) || null;
      } catch {
        return null;
      }
    },
    async cleanup() {
      const pid = sandbox.daemonPid();
      if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
      for (const g of [...groups, ...runGroups(home)]) {
        try {
          process.kill(-g, "SIGKILL");
        } catch {
          // already gone
        }
      }
      // a process killed a moment ago may still be writing its last file
      rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  return sandbox;
}
