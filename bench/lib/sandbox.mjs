/**
 * A private CCTASK_HOME in a temp dir, and the built CLI run in it the way a user runs it.
 * Every process it causes is cleaned up by PID: the daemon and each run's process group.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST, importDist, ROOT } from "./dist.mjs";
import { isAlive } from "./proc.mjs";
import { sleep } from "./stats.mjs";

const { DaemonClient } = await importDist("client.js");
export const CLI = join(DIST, "cli.js");
export const REPLAY = join(ROOT, "test/fakes/replay-claude.mjs");

const live = new Set();

/** Runs `node ...args`; `ms` is from spawn to process exit. Never rejects on a non-zero exit. */
export function runNode(args, { env, cwd, timeoutMs = 120_000 } = {}) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    let ms = 0;
    const child = spawn(process.execPath, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", fail);
    child.on("exit", () => {
      ms = performance.now() - t0;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr, ms });
    });
  });
}

export function createSandbox(name, config) {
  const root = mkdtempSync(join(tmpdir(), `cctask-bench-${name}-`));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(join(root, "userhome"), { recursive: true });
  mkdirSync(project);
  mkdirSync(home, { mode: 0o700 });
  if (config) writeFileSync(join(home, "config.json5"), JSON.stringify(config));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(root, "userhome"),
    CCTASK_HOME: home,
    CCTASK_CLAUDE_BIN: REPLAY,
    IS_SANDBOX: "1",
  };
  const groups = new Set();

  const sb = {
    root,
    home,
    project,
    env,
    client: new DaemonClient(join(home, "daemon.sock")),
    async cli(args, opts = {}) {
      const r = await runNode([CLI, ...args], { env, cwd: root, ...opts });
      for (const m of r.stdout.matchAll(/"processGroup":(\d+)/g)) groups.add(Number(m[1]));
      return r;
    },
    /** cli() with --json, parsed; throws with the output when stdout is not JSON. */
    async json(args, opts) {
      const r = await sb.cli([...args, "--json"], opts);
      try {
        return { ...r, value: JSON.parse(r.stdout) };
      } catch {
        throw new Error(`cctask ${args.join(" ")} exited ${r.code}: ${r.stdout}${r.stderr}`);
      }
    },
    daemonPid() {
      try {
        return Number(readFileSync(join(home, "daemon.pid"), "utf8").trim()) || null;
      } catch {
        return null;
      }
    },
    async startDaemon() {
      const r = await sb.json(["daemon", "start"]);
      if (r.code !== 0) throw new Error(`cctask daemon start exited ${r.code}: ${r.stderr}`);
      return r.value.pid;
    },
    /** `cctask daemon stop`, then proof: the pid is gone and so is its pid file. */
    async stopDaemon() {
      const pid = sb.daemonPid();
      const r = await sb.cli(["daemon", "stop"]);
      if (r.code !== 0) throw new Error(`cctask daemon stop exited ${r.code}: ${r.stderr}`);
      for (let i = 0; i < 500; i++) {
        if ((pid === null || !isAlive(pid)) && sb.daemonPid() === null) return;
        await sleep(10);
      }
      throw new Error(`the daemon ${pid} was still alive 5 s after cctask daemon stop`);
    },
    async cleanup() {
      live.delete(sb);
      const pid = sb.daemonPid();
      if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
      for (const g of [...groups, ...runGroups(home)]) {
        try {
          process.kill(-g, "SIGKILL");
        } catch {
          // already gone
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  live.add(sb);
  return sb;
}

/** Cleans up every sandbox not yet cleaned (on an interrupt or a crash of the benchmark). */
export async function cleanupAll() {
  for (const sb of [...live]) await sb.cleanup();
}

/** Every run's process group, from the pid files the wrapper writes. */
function runGroups(home) {
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

/** Waits for a run to end: its run.ended event on the daemon's stream (replayed when it has already ended). */
export async function waitEnded(client, id) {
  const stop = new AbortController();
  try {
    for await (const e of client.events({ runId: id, after: 0, signal: stop.signal }))
      if (e.type === "run.ended") return await client.get(id);
  } finally {
    stop.abort();
  }
  throw new Error(`the event stream of run ${id} ended before the run did`);
}
