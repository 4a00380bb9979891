/** Run lifecycle through the real CLI and daemon, with the replay claude (fast). */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { createSandbox, groupAlive, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

let sb: Sandbox;
afterEach(async () => {
  await sb?.cleanup();
});

describe("run, status, wait, result", () => {
  it("launches, prints a receipt with a live pid, and ends with the agent's result", async () => {
    sb = createSandbox();
    const receipt = await sb.json([
      "run",
      "--task",
      "do it REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=all-good",
      "--project",
      sb.project,
    ]);
    expect(receipt.state).toBe("running");
    expect(receipt.id).toMatch(/^[0-9a-z]{8}$/);
    expect(receipt.pid).toBeGreaterThan(0);
    expect(isAlive(receipt.pid!)).toBe(true);
    expect(receipt.files.events).toBe(join(sb.home, "runs", receipt.id, "events.jsonl"));
    expect(readFileSync(join(sb.home, "runs", receipt.id, "prompt.txt"), "utf8")).toContain("do it");

    const status = await sb.json(["status", receipt.id]);
    expect(status.state).toBe("running");

    const w = await sb.cli(["wait", receipt.id]);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain(`run ${receipt.id}: ✅ succeeded`);

    const done = await sb.json(["status", receipt.id.slice(0, 5)]);
    expect(done.state).toBe("succeeded");
    expect(done.toolCalls).toBeGreaterThanOrEqual(8);
    expect(done.costUsd).toBeCloseTo(0.001, 6);
    expect(done.exitCode).toBe(0);
    const r = await sb.cli(["result", receipt.id]);
    expect(r.stdout).toBe("all-good\n");
    expect(readFileSync(done.files.result, "utf8")).toBe("all-good");
  });

  it("returns its receipt while the agent starts, without waiting for its init line; --wait-init waits", async () => {
    sb = createSandbox();
    // The replay claude sleeps 3 s before its init line: a receipt that waited for it would know the session.
    const task = "REPLAY_START_DELAY_MS=3000 REPLAY_RESULT=late";
    const quick = await sb.json(["run", "-t", task, "-p", sb.project]);
    expect(quick.state).toBe("running");
    expect(quick.sessionId).toBeNull();
    expect(quick.model).toBeNull();
    expect(isAlive(quick.pid!)).toBe(true);

    const full = await sb.json([
      "run",
      "--wait-init",
      "-t",
      "REPLAY_EMIT_FOR_S=2 REPLAY_RESULT=early",
      "-p",
      sb.project,
    ]);
    expect(full.state).toBe("running");
    expect(full.apiKeySource).toBe("none");
    expect(full.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    for (const id of [quick.id, full.id]) expect((await sb.cli(["wait", id])).code).toBe(0);
    expect((await sb.json(["status", quick.id])).sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("--wait stays attached and ends with the final text and the outcome's exit code", async () => {
    sb = createSandbox();
    const r = await sb.cli(["run", "--wait", "-t", "REPLAY_RESULT=waited-for", "-p", sb.project]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✅ succeeded\n\nwaited-for\n$/);
    const f = await sb.cli([
      "run",
      "--wait",
      "--json",
      "-t",
      "REPLAY_IS_ERROR=1 REPLAY_RESULT=nope",
      "-p",
      sb.project,
    ]);
    expect(f.code).toBe(1);
    expect(JSON.parse(f.stdout)).toMatchObject({ state: "failed", reason: "agent_error" });
  });

  it("lists runs in order and shows a readable log", async () => {
    sb = createSandbox();
    const a = await sb.json(["run", "-t", "first REPLAY_RESULT=one", "-p", sb.project]);
    const b = await sb.json(["run", "-t", "second REPLAY_RESULT=two", "-p", sb.project]);
    await sb.cli(["wait", a.id, b.id]);
    const list = await sb.json<RunView[]>(["list"]);
    expect(list.map((v) => v.id)).toEqual([a.id, b.id]);
    const ps = await sb.cli(["ps"]);
    expect(ps.stdout.split("\n")[0]).toMatch(/^ID\s+STATE\s+ELAPSED/);
    const logs = await sb.cli(["logs", a.id]);
    expect(logs.stdout).toContain("⚙ session");
    expect(logs.stdout).toContain("✅ result (success)");
    const raw = await sb.cli(["logs", a.id, "--raw"]);
    expect(
      raw.stdout
        .split("\n")
        .filter(Boolean)
        .every((l) => JSON.parse(l).type),
    ).toBe(true);
  });

  it("reads a 1 MB task from a file and from stdin (never argv)", async () => {
    sb = createSandbox();
    const big = `REPLAY_RESULT=big ${"x".repeat(1024 * 1024)}`;
    const file = join(sb.root, "task.txt");
    await import("node:fs").then((fs) => fs.writeFileSync(file, big));
    const a = await sb.json(["run", "--task-file", file, "-p", sb.project]);
    const b = await sb.json(["run", "--task", "-", "-p", sb.project], { stdin: big });
    expect((await sb.cli(["wait", a.id, b.id])).code).toBe(0);
    for (const v of [a, b]) expect(statSync(v.files.prompt).size).toBe(big.length);
    expect((await sb.json(["status", b.id])).state).toBe("succeeded");
  });
});

describe("outcomes", () => {
  it("an agent-reported error is a failure with exit 1", async () => {
    sb = createSandbox();
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_IS_ERROR=1 REPLAY_RESULT=broken REPLAY_DELAY_MS=500",
      "-p",
      sb.project,
    ]);
    const w = await sb.cli(["wait", v.id, "--json"]);
    expect(w.code).toBe(1);
    const end = JSON.parse(w.stdout) as RunView;
    expect(end.state).toBe("failed");
    expect(end.reason).toBe("agent_error");
  });

  it("times out: SIGTERM to the group, partial output kept, exit 124", async () => {
    sb = createSandbox();
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_HANG=1 REPLAY_NO_RESULT=1 REPLAY_RESULT=partial-work",
      "-p",
      sb.project,
      "--timeout",
      "1",
    ]);
    const w = await sb.cli(["wait", v.id, "--json"]);
    expect(w.code).toBe(124);
    const end = JSON.parse(w.stdout) as RunView;
    expect(end.state).toBe("timed_out");
    expect(end.exitCode).toBe(143);
    expect(isAlive(v.pid!)).toBe(false);
    expect(readFileSync(end.files.result, "utf8")).toBe("partial-work");
  });

  it("cancels a running run and its whole process group", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_HANG=1 REPLAY_NO_RESULT=1", "-p", sb.project]);
    const c = await sb.json(["cancel", v.id]);
    expect(c.state).toBe("cancelled");
    expect(isAlive(v.pid!)).toBe(false);
    expect(groupAlive(v.processGroup!)).toBe(false);
    expect((await sb.cli(["wait", v.id])).code).toBe(130);
  });

  it("terminates a process that lingers after its result; the outcome comes from the result", async () => {
    sb = createSandbox();
    sb.writeConfig({ watchdog: { postResultGraceSeconds: 1 } });
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_LINGER_MS=60000 REPLAY_RESULT=done-then-stuck",
      "-p",
      sb.project,
    ]);
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
    expect(end.detail).toMatch(/terminated/i);
    expect(isAlive(v.pid!)).toBe(false);
  });

  it("the silence watchdog kills a run that prints nothing, when configured", async () => {
    sb = createSandbox();
    sb.writeConfig({ watchdog: { silenceKillSeconds: 1 } });
    const v = await sb.json(["run", "-t", "REPLAY_HANG=1 REPLAY_NO_RESULT=1", "-p", sb.project]);
    const w = await sb.cli(["wait", v.id, "--json"]);
    const end = JSON.parse(w.stdout) as RunView;
    expect(end.state).toBe("failed");
    expect(end.reason).toBe("stalled");
    expect(w.code).toBe(1);
  });

  it("processes the agent left behind in its process group are stopped when the run ends", async () => {
    sb = createSandbox();
    sb.writeConfig({ watchdog: { killGraceSeconds: 1 } });
    const v = await sb.json([
      "run",
      "-t",
      "REPLAY_BACKGROUND=1 REPLAY_DELAY_MS=300 REPLAY_RESULT=ok",
      "-p",
      sb.project,
    ]);
    await waitFor(
      () => readFileSync(v.files.stderr, "utf8").includes("background pid"),
      5000,
      "the background child",
    );
    const bg = Number(readFileSync(v.files.stderr, "utf8").match(/background pid (\d+)/)![1]);
    expect(isAlive(bg)).toBe(true);
    expect((await sb.json(["wait", v.id])).state).toBe("succeeded");
    await waitFor(() => !isAlive(bg), 5000, "the leftover child to be stopped");
    expect(groupAlive(v.processGroup!)).toBe(false);
  });

  it("a malformed line is recorded and skipped; the run goes on", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_MALFORMED=1 REPLAY_RESULT=fine", "-p", sb.project]);
    const end = await sb.json(["wait", v.id]);
    expect(end.state).toBe("succeeded");
    expect(end.malformedLines).toBe(1);
  });

  it("a process killed from outside is a crash with its signal", async () => {
    sb = createSandbox();
    const v = await sb.json(["run", "-t", "REPLAY_HANG=1 REPLAY_NO_RESULT=1", "-p", sb.project]);
    process.kill(v.pid!, "SIGKILL");
    const w = await sb.cli(["wait", v.id, "--json"]);
    const end = JSON.parse(w.stdout) as RunView;
    expect(end.state).toBe("failed");
    expect(end.reason).toBe("crashed");
    expect(end.detail).toContain("SIGKILL");
    expect(end.exitCode).toBe(137);
  });
});

describe("queue", () => {
  it("runs at most maxConcurrent at once and starts the rest in order", async () => {
    sb = createSandbox();
    sb.writeConfig({ maxConcurrent: 2 });
    const views: RunView[] = [];
    for (let i = 0; i < 4; i++)
      // long enough to outlast four launches on a loaded machine
      views.push(await sb.json(["run", "-t", `REPLAY_EMIT_FOR_S=6 n${i}`, "-p", sb.project]));
    expect(views.map((v) => v.state)).toEqual(["running", "running", "queued", "queued"]);
    expect(views[2]!.pid).toBeNull();
    const ends = await Promise.all(views.map((v) => sb.json(["wait", v.id])));
    expect(ends.every((e) => e.state === "succeeded")).toBe(true);
    const starts = ends.map((e) => Date.parse(e.startedAt!));
    expect(starts[2]).toBeGreaterThanOrEqual(
      Math.min(Date.parse(ends[0]!.endedAt!), Date.parse(ends[1]!.endedAt!)),
    );
    expect(starts[3]).toBeGreaterThanOrEqual(starts[2]!);
  });

  it("never runs two resumes of one session at the same time", async () => {
    sb = createSandbox();
    const sid = "11111111-2222-3333-4444-555555555555";
    const a = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=6", "-p", sb.project, "--resume", sid]);
    const b = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=1", "-p", sb.project, "--resume", sid]);
    const c = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=6 other", "-p", sb.project]);
    expect([a.state, b.state, c.state]).toEqual(["running", "queued", "running"]);
    const [ea, eb] = await Promise.all([sb.json(["wait", a.id]), sb.json(["wait", b.id])]);
    expect(Date.parse(eb.startedAt!)).toBeGreaterThanOrEqual(Date.parse(ea.endedAt!));
    expect(eb.state).toBe("succeeded");
  });

  it("cancels a queued run without starting it", async () => {
    sb = createSandbox();
    sb.writeConfig({ maxConcurrent: 1 });
    const a = await sb.json(["run", "-t", "REPLAY_HANG=1", "-p", sb.project]);
    const b = await sb.json(["run", "-t", "never", "-p", sb.project]);
    expect(b.state).toBe("queued");
    const cb = await sb.json(["cancel", b.id]);
    expect(cb.state).toBe("cancelled");
    expect(cb.startedAt).toBeNull();
    expect(existsSync(join(sb.home, "runs", b.id, "env.json"))).toBe(false);
    await sb.cli(["cancel", a.id]);
  });
});
