/** The daemon's lifecycle: single instance, crash recovery, idle exit, many clients at once. */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { createSandbox, groupAlive, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

let sb: Sandbox;
afterEach(async () => {
  await sb?.cleanup();
});

describe("daemon", () => {
  it("a second daemon on the same CCTASK_HOME refuses and changes nothing", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=100", "-p", sb.project]);
    const first = sb.daemonPid();
    const second = await sb.cli(["daemon", "run"]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/another cctask daemon is already running for .*home\. Nothing to do/);
    expect(sb.daemonPid()).toBe(first);
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
  });

  it("keeps state private: dir 0700, database and run files 0600", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_RESULT=x", "-p", sb.project]);
    await sb.cli(["wait", v.id]);
    expect(statSync(sb.home).mode & 0o777).toBe(0o700);
    expect(statSync(join(sb.home, "runs", v.id)).mode & 0o777).toBe(0o700);
    for (const f of ["cctask.db", "daemon.sock", "daemon.log"])
      expect(statSync(join(sb.home, f)).mode & 0o077).toBe(0);
    for (const f of ["prompt.txt", "events.jsonl", "stderr.log", "result.md", "exit"])
      expect(statSync(join(sb.home, "runs", v.id, f)).mode & 0o077).toBe(0);
    expect(existsSync(join(sb.home, "runs", v.id, "env.json"))).toBe(false);
  });

  it("what Node prints as the daemon dies is kept in daemon.stderr.log (0600), not lost with the CLI that started it", async () => {
    sb = createSandbox();
    // --trace-exit makes Node itself write to stderr as the process exits, as it does for an abort.
    const env = { NODE_OPTIONS: "--trace-exit" };
    expect((await sb.cli(["list"], { env })).code).toBe(0);
    const pid = sb.daemonPid()!;
    expect((await sb.cli(["daemon", "stop"])).code).toBe(0);
    await waitFor(() => !isAlive(pid), 10_000, "the daemon to exit");
    const file = join(sb.home, "daemon.stderr.log");
    expect(readFileSync(file, "utf8")).toMatch(
      new RegExp(`\\(node:${pid}\\) WARNING: Exited the environment with code 0`),
    );
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("SIGKILLed mid-run: the next CLI call starts a daemon that re-adopts the live run", async () => {
    sb = createSandbox();
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_EMIT_FOR_S=3 REPLAY_INTERVAL_MS=100 REPLAY_RESULT=survived",
      "-p",
      sb.project,
    ]);
    const old = sb.daemonPid()!;
    process.kill(old, "SIGKILL");
    await waitFor(() => !isAlive(old), 5000, "the daemon to die");
    expect(isAlive(v.pid!)).toBe(true);
    const s = await sb.json(["status", v.id]);
    expect(s.state).toBe("running");
    expect(s.pid).toBe(v.pid);
    expect(sb.daemonPid()).not.toBe(old);
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
    expect(end.toolCalls).toBeGreaterThanOrEqual(25);
    expect(readFileSync(end.files.result, "utf8")).toBe("survived");
    expect(readFileSync(join(sb.home, "daemon.log"), "utf8")).toMatch(
      /reconcile: re-adopted 1 live run\(s\), finished 0/,
    );
  });

  it("a run that ends while no daemon runs is finished from its files, once", async () => {
    sb = createSandbox();
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_EMIT_FOR_S=1 REPLAY_INTERVAL_MS=100 REPLAY_RESULT=offline-end",
      "-p",
      sb.project,
    ]);
    process.kill(sb.daemonPid()!, "SIGKILL");
    rmSync(join(sb.home, "bin", "cctask")); // so the run's wrapper cannot bring a daemon back itself
    await waitFor(() => !groupAlive(v.processGroup!), 10_000, "the run to end");
    expect(existsSync(join(sb.home, "daemon.sock"))).toBe(true); // stale: nobody listens
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
    expect(end.exitCode).toBe(0);
    expect(end.toolCalls).toBeGreaterThanOrEqual(8);
    expect(readFileSync(end.files.result, "utf8")).toBe("offline-end");
    const again = await sb.json(["status", v.id]);
    expect(again.endedAt).toBe(end.endedAt);
    const list = await sb.json<RunView[]>(["list"]);
    expect(list.filter((r) => r.id === v.id)).toHaveLength(1);
    expect(readFileSync(join(sb.home, "daemon.log"), "utf8")).toMatch(/finished 1 ended run/);
  });

  it("a run whose whole process group was killed with no exit status is interrupted", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_HANG=1 REPLAY_NO_RESULT=1", "-p", sb.project]);
    process.kill(-v.processGroup!, "SIGKILL");
    const end = await sb.json(["wait", v.id], { expect: 1 });
    expect(end.state).toBe("interrupted");
    expect(end.detail).toMatch(/disappeared without recording an exit status/);
  });

  it("daemon stop leaves runs running; the next daemon picks them up", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=100", "-p", sb.project]);
    const stop = await sb.cli(["daemon", "stop"]);
    expect(stop.stdout).toMatch(/stopped; 1 active run\(s\) keep running/);
    const st = await sb.cli(["daemon", "status"]);
    expect(st.code).toBe(3);
    expect(isAlive(v.pid!)).toBe(true);
    expect((await sb.json(["wait", v.id])).state).toBe("succeeded");
  });

  it("exits after the configured idle time", async () => {
    sb = createSandbox();
    sb.writeConfig({ idleExitSeconds: 1 });
    const v = await sb.json(["run", "-t", "REPLAY_RESULT=x", "-p", sb.project]);
    await sb.cli(["wait", v.id]);
    const pid = sb.daemonPid()!;
    await waitFor(() => !isAlive(pid), 10_000, "the idle daemon to exit");
    expect(existsSync(join(sb.home, "daemon.sock"))).toBe(false);
    expect((await sb.json(["status", v.id])).state).toBe("succeeded"); // a new daemon serves the old state
  });

  it("50 parallel cctask run calls on a cold daemon: all recorded and supervised", async () => {
    sb = createSandbox();
    sb.writeConfig({ maxConcurrent: 50 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sb.cli(
          [
            "run",
            "-t",
            `REPLAY_EMIT_FOR_S=5 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=r${i}`, // still running at its receipt
            "-p",
            sb.project,
            "--json",
          ],
          { timeoutMs: 120_000 },
        ),
      ),
    );
    for (const r of results) {
      expect(r.stderr).not.toMatch(/locked/);
      expect(r.code).toBe(0);
    }
    const receipts = results.map((r) => JSON.parse(r.stdout) as RunView);
    expect(new Set(receipts.map((v) => v.id)).size).toBe(50);
    expect(receipts.every((v) => v.state === "running" && v.pid !== null)).toBe(true);
    const ends = await sb.json<RunView[]>(["wait", ...receipts.map((v) => v.id)]);
    expect(ends.filter((e) => e.state === "succeeded")).toHaveLength(50);
    const log = readFileSync(join(sb.home, "daemon.log"), "utf8");
    expect(log.match(/listening on/g)).toHaveLength(1);
  }, 240_000);
});
