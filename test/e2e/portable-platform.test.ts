/**
 * The daemon on the portable way (what macOS uses: ps for process start times, a lock file for
 * one daemon per state directory), forced on Linux with CCTASK_PLATFORM_PORTABLE=1: the single
 * instance, a run to its end, and recovery after the daemon is killed with SIGKILL.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { createSandbox, groupAlive, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

const PS_START = /^[A-Z][a-z]{2}_[A-Z][a-z]{2}_\d{1,2}_\d\d:\d\d:\d\d_\d{4}$/;

let sb: Sandbox;
afterEach(async () => {
  await sb?.cleanup();
});

function portableSandbox(): Sandbox {
  return createSandbox({ env: { CCTASK_PLATFORM_PORTABLE: "1" } });
}

function lockFiles(): string[] {
  return readdirSync(join(sb.home, "daemon.lock")).filter((f) => !f.startsWith("."));
}

/** "<wrapper pid> <agent pid> <wrapper start time>", as the run wrapper wrote it. */
function pidFile(id: string): string[] {
  return readFileSync(join(sb.home, "runs", id, "pid"), "utf8")
    .trim()
    .split(" ");
}

describe("daemon on the portable way (forced on Linux)", () => {
  it("holds its lock in a file: a second daemon refuses and changes nothing", async () => {
    sb = portableSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=100", "-p", sb.project]);
    const first = sb.daemonPid()!;
    expect(lockFiles()).toEqual(["1"]);
    expect(readFileSync(join(sb.home, "daemon.lock", "1"), "utf8")).toMatch(
      new RegExp(`^${first} [A-Z][a-z]{2}_\\S+\\n$`),
    );
    const second = await sb.cli(["daemon", "run"]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/another cctask daemon is already running for .*home\. Nothing to do/);
    expect(sb.daemonPid()).toBe(first);
    expect(lockFiles()).toEqual(["1"]);
    expect((await sb.json(["wait", v.id])).state).toBe("succeeded");
  });

  it("a run to its end; SIGKILL to the daemon mid-run; the next daemon takes the stale lock and re-adopts the live run", async () => {
    sb = portableSandbox();
    const done = await sb.json(["run", "--wait", "-t", "REPLAY_RESULT=first", "-p", sb.project]);
    expect(done.state).toBe("succeeded");
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_EMIT_FOR_S=3 REPLAY_INTERVAL_MS=100 REPLAY_RESULT=survived",
      "-p",
      sb.project,
    ]);
    await waitFor(() => existsSync(join(sb.home, "runs", v.id, "pid")), 10_000, "the run's pid file");
    const [wrapper, , start] = pidFile(v.id);
    expect(Number(wrapper)).toBe(v.processGroup);
    expect(start).toMatch(PS_START);
    const old = sb.daemonPid()!;
    process.kill(old, "SIGKILL");
    await waitFor(() => !isAlive(old), 5000, "the daemon to die");
    expect(lockFiles()).toEqual(["1"]); // stale now: its holder is gone
    const s = await sb.json(["status", v.id]);
    expect(s.state).toBe("running");
    expect(sb.daemonPid()).not.toBe(old);
    expect(lockFiles()).toEqual(["2"]);
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
    expect(readFileSync(end.files.result, "utf8")).toBe("survived");
    expect((await sb.json(["status", done.id])).endedAt).toBe(done.endedAt);
    expect(readFileSync(join(sb.home, "daemon.log"), "utf8")).toMatch(
      /reconcile: re-adopted 1 live run\(s\), finished 0/,
    );
  });

  it("a run that ends while no daemon runs is finished from its files, once", async () => {
    sb = portableSandbox();
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
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
    expect(readFileSync(end.files.result, "utf8")).toBe("offline-end");
    const list = await sb.json<RunView[]>(["list"]);
    expect(list.filter((r) => r.id === v.id)).toHaveLength(1);
    expect(readFileSync(join(sb.home, "daemon.log"), "utf8")).toMatch(/finished 1 ended run/);
  });

  it("cancel stops a running run's whole process group", async () => {
    sb = portableSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_HANG=1 REPLAY_NO_RESULT=1", "-p", sb.project]);
    const c = await sb.json(["cancel", v.id]);
    expect(c.state).toBe("cancelled");
    expect(isAlive(v.pid!)).toBe(false);
    expect(groupAlive(v.processGroup!)).toBe(false);
    expect((await sb.cli(["wait", v.id])).code).toBe(130);
  });

  it("20 parallel cctask run calls on a cold daemon: one daemon, all supervised to their end", async () => {
    sb = portableSandbox();
    sb.writeConfig({ maxConcurrent: 20 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sb.cli(
          [
            "run",
            "-t",
            `REPLAY_EMIT_FOR_S=3 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=r${i}`,
            "-p",
            sb.project,
            "--json",
          ],
          {
            timeoutMs: 120_000,
          },
        ),
      ),
    );
    for (const r of results) expect(r.code).toBe(0);
    const receipts = results.map((r) => JSON.parse(r.stdout) as RunView);
    const ends = await sb.json<RunView[]>(["wait", ...receipts.map((v) => v.id)]);
    expect(ends.filter((e) => e.state === "succeeded")).toHaveLength(20);
    expect(readFileSync(join(sb.home, "daemon.log"), "utf8").match(/listening on/g)).toHaveLength(1);
    expect(lockFiles()).toEqual(["1"]);
  }, 240_000);
});
