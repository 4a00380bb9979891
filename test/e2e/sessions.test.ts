/**
 * The session registry end to end, with the REAL Claude Code CLI against the fake Messages API:
 * recording, resume by id and by label, refusals, queueing, import of the original's registry.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunView, SessionDetail, SessionView } from "../../src/protocol.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-api.js";
import { createSandbox, type Sandbox, waitFor } from "../helpers/cctask.js";

let fake: FakeAnthropic;
let sb: Sandbox;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(async () => {
  await sb?.cleanup();
});

function realSandbox(): Sandbox {
  sb = createSandbox({ claudeApi: fake.url });
  return sb;
}

async function runToEnd(args: string[], expectCode = 0): Promise<RunView> {
  const r = await sb.cli(["run", "--wait", "--json", ...args]);
  if (r.code !== expectCode) throw new Error(`cctask run exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as RunView;
}

describe("sessions", () => {
  it("records the session at the first event, lists it, and resumes it by id and by label", async () => {
    realSandbox();
    const receipt = await sb.json([
      "run",
      "-t",
      "SCEN_SLEEP_3 build the thing",
      "-p",
      sb.project,
      "--session-label",
      "Auth refactor",
    ]);
    // The receipt names the session once Claude's init line is in; on a loaded machine it may come just after.
    let first = receipt;
    await waitFor(
      async () => {
        first = await sb.json(["status", receipt.id]);
        return first.sessionId !== null;
      },
      30_000,
      "the run's session id",
    );
    // recorded while the run is still going, not only at its end
    const during = await sb.json<SessionDetail>(["sessions", "show", first.sessionId!]);
    expect(during.status).toBe("running");
    expect(during.label).toBe("Auth refactor");
    await sb.cli(["wait", first.id]);

    const byId = await runToEnd(["-t", "SCEN_PLAIN next step", "--resume", first.sessionId!]);
    expect(byId.state).toBe("succeeded");
    expect(byId.sessionId).toBe(first.sessionId);
    expect(byId.projectDir).toBe(sb.project);

    const byLabel = await runToEnd(["-t", "SCEN_PLAIN one more", "--resume", "auth REFACTOR"]);
    expect(byLabel.sessionId).toBe(first.sessionId);
    const partial = await runToEnd(["-t", "SCEN_PLAIN and more", "--resume", "refac"]);
    expect(partial.sessionId).toBe(first.sessionId);

    const list = await sb.json<SessionView[]>(["sessions"]);
    expect(list).toHaveLength(1);
    const s = list[0]!;
    expect(s).toMatchObject({
      sessionId: first.sessionId,
      label: "Auth refactor",
      status: "completed",
      runs: 4,
      projectDir: sb.project,
    });
    expect(s.createdAt).toMatch(/[+-]\d{2}:\d{2}$/); // timestamps carry a time zone
    const detail = await sb.json<SessionDetail>(["sessions", "show", "Auth refactor"]);
    expect(detail.runList.map((r) => r.id)).toEqual([first.id, byId.id, byLabel.id, partial.id]);
    const costs = detail.runList.map((r) => r.costUsd ?? 0);
    expect(s.costUsd).toBeCloseTo(
      costs.reduce((a, b) => a + b, 0),
      9,
    ); // the sum of per-run costs
    expect(costs[3]!).toBeLessThan(costs[2]! + costs[1]!); // per-run, not the session's cumulative total
  }, 60_000);

  it("a resume prompt gets the continuation preamble; a long one is shortened", async () => {
    realSandbox();
    const first = await runToEnd(["-t", "SCEN_PLAIN start", "-p", sb.project]);
    const long = `SCEN_PLAIN ${"context line\n".repeat(400)}`;
    const r = await runToEnd(["-t", long, "--resume", first.sessionId!]);
    expect(r.promptShortenedFrom).toBe(long.length);
    const prompt = readFileSync(r.files.prompt, "utf8");
    expect(prompt).toMatch(/^Continue the existing Claude Code session from its current state\./);
    expect(prompt.length).toBeLessThan(900);
    expect(readFileSync(join(r.files.dir, "task.txt"), "utf8")).toBe(long);
  }, 60_000);

  it("refuses an ambiguous label, an unknown label, and a conflicting --project", async () => {
    realSandbox();
    const a = await runToEnd(["-t", "SCEN_PLAIN a", "-p", sb.project, "--session-label", "report draft"]);
    await runToEnd(["-t", "SCEN_PLAIN b", "-p", sb.project, "--session-label", "report final"]);
    const amb = await sb.cli(["run", "-t", "SCEN_PLAIN x", "--resume", "report"]);
    expect(amb.code).toBe(2);
    expect(amb.stderr).toMatch(
      /the label "report" matches 2 sessions; resume one by its id:\n {2}\S+ {2}"report (final|draft)"/,
    );
    const none = await sb.cli(["run", "-t", "SCEN_PLAIN x", "--resume", "no such label"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no session has the id or label "no such label"/);
    const other = join(sb.root, "elsewhere");
    mkdirSync(other);
    const conflict = await sb.cli(["run", "-t", "SCEN_PLAIN x", "--resume", a.sessionId!, "-p", other]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(
      new RegExp(`session ${a.sessionId} was recorded in ${sb.project}, but --project is ${other}`),
    );
    expect((await sb.json<RunView[]>(["list"])).length).toBe(2); // nothing was started by the refusals
  }, 60_000);

  it("resume from another directory runs in the session's own project", async () => {
    realSandbox();
    const first = await runToEnd(["-t", "SCEN_PLAIN start", "-p", sb.project]);
    const r = await sb.cli(
      ["run", "--wait", "--json", "-t", "SCEN_BASH again", "--resume", first.sessionId!],
      {},
    );
    const v = JSON.parse(r.stdout) as RunView;
    expect(v.state).toBe("succeeded");
    expect(v.projectDir).toBe(sb.project);
  }, 60_000);

  it("a wrong resume id ends as resume_not_found with exit 42", async () => {
    realSandbox();
    const v = await runToEnd(
      ["-t", "SCEN_PLAIN x", "-p", sb.project, "--resume", "0b8e51d4-1111-4222-8333-944455556666"],
      42,
    );
    expect(v).toMatchObject({ state: "failed", reason: "resume_not_found" });
    expect(v.detail).toMatch(/Start a fresh run without --resume/);
    expect(await sb.json<SessionView[]>(["sessions", "--hours", "0"])).toEqual([]); // a failed resume records no session
  }, 60_000);

  it("two resumes of one session run one after the other", async () => {
    realSandbox();
    const first = await runToEnd(["-t", "SCEN_PLAIN start", "-p", sb.project]);
    const a = await sb.json(["run", "-t", "SCEN_SLEEP_2 a", "--resume", first.sessionId!]);
    const b = await sb.json(["run", "-t", "SCEN_PLAIN b", "--resume", first.sessionId!]);
    expect(a.state).toBe("running");
    expect(b.state).toBe("queued");
    const ends = await sb.json<RunView[]>(["wait", a.id, b.id]);
    expect(ends.map((e) => e.state)).toEqual(["succeeded", "succeeded"]);
    expect(Date.parse(ends[1]!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(ends[0]!.endedAt!));
  }, 60_000);

  it("iterate mode counts the chain and refuses a launch beyond the budget", async () => {
    realSandbox();
    const one = await runToEnd([
      "-t",
      "SCEN_PLAIN i1",
      "-p",
      sb.project,
      "--completion-mode",
      "iterate",
      "--max-iterations",
      "2",
    ]);
    expect([one.iteration, one.maxIterations]).toEqual([1, 2]);
    const two = await runToEnd(["-t", "SCEN_PLAIN i2", "--resume", one.sessionId!]);
    expect([two.completionMode, two.iteration, two.maxIterations]).toEqual(["iterate", 2, 2]);
    const three = await sb.cli(["run", "-t", "SCEN_PLAIN i3", "--resume", one.sessionId!]);
    expect(three.code).toBe(2);
    expect(three.stderr).toMatch(/has used 2 of its 2 iterations/);
  }, 60_000);

  it("label, forget", async () => {
    realSandbox();
    const v = await runToEnd(["-t", "SCEN_PLAIN x", "-p", sb.project]);
    const l = await sb.json<SessionView>(["sessions", "label", v.sessionId!, "Nightly report"]);
    expect(l.label).toBe("Nightly report");
    expect(
      (await sb.json<SessionView[]>(["sessions", "--label", "nightly"])).map((s) => s.sessionId),
    ).toEqual([v.sessionId]);
    await sb.cli(["sessions", "forget", v.sessionId!]);
    expect(await sb.json<SessionView[]>(["sessions", "--hours", "0"])).toEqual([]);
    expect((await sb.cli(["sessions", "show", v.sessionId!])).code).toBe(4);
  }, 60_000);
});

describe("import of the original registry", () => {
  const original = {
    sessions: {
      "3f9a0000-0000-4000-8000-000000000001": {
        session_id: "3f9a0000-0000-4000-8000-000000000001",
        label: "Auth refactor",
        task_summary: "Refactor the auth module",
        project_dir: "/home/u/projects/app",
        created_at: "2026-03-07T14:02:11.123456",
        last_accessed: "2026-03-07T15:00:00.000001",
        status: "completed",
        openclaw_session: "agent:main:main:thread:369520",
        output_file: "/tmp/cc-20260307-140211.txt",
        cost_estimate: null,
      },
      "3f9a0000-0000-4000-8000-000000000002": {
        session_id: "3f9a0000-0000-4000-8000-000000000002",
        label: null,
        task_summary: "Research",
        project_dir: "/tmp/cc-scratch",
        created_at: "2026-03-08T09:00:00",
        last_accessed: "2026-03-08T09:30:00",
        status: "timeout",
        openclaw_session: null,
        output_file: null,
        cost_estimate: 0.42,
      },
      broken: { label: "no project" },
    },
  };

  it("imports idempotently and keeps the original's facts", async () => {
    realSandbox();
    const file = join(sb.root, "claude_sessions.json");
    writeFileSync(file, JSON.stringify(original));
    const first = await sb.json<{ added: number; updated: number; skipped: string[] }>([
      "sessions",
      "import",
      file,
    ]);
    expect(first).toMatchObject({ added: 2, updated: 0, skipped: ["broken: no project_dir"] });
    const again = await sb.json<{ added: number; updated: number; unchanged: number }>([
      "sessions",
      "import",
      file,
    ]);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 2 });
    const all = await sb.json<SessionView[]>(["sessions", "--hours", "0"]);
    expect(all.map((s) => s.sessionId)).toEqual([
      "3f9a0000-0000-4000-8000-000000000002",
      "3f9a0000-0000-4000-8000-000000000001",
    ]);
    const auth = all[1]!;
    expect(auth).toMatchObject({
      label: "Auth refactor",
      status: "completed",
      origin: "agent:main:main:thread:369520",
      imported: true,
      runs: 0,
    });
    expect(new Date(auth.createdAt).getTime()).toBe(new Date(2026, 2, 7, 14, 2, 11, 123).getTime());
    expect(all[0]!.costUsd).toBe(0.42);
    expect((await sb.json<SessionDetail>(["sessions", "show", "auth"])).sessionId).toBe(auth.sessionId);
  }, 30_000);

  it("reports a corrupt file and leaves it untouched", async () => {
    realSandbox();
    const file = join(sb.root, "claude_sessions.json");
    const corrupt = '{"sessions": {"x": {"session_id": "x", ';
    writeFileSync(file, corrupt);
    const r = await sb.cli(["sessions", "import", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not valid JSON .*nothing was imported and the file was not changed/);
    expect(readFileSync(file, "utf8")).toBe(corrupt);
  }, 30_000);
});

describe("concurrency", () => {
  // 30 real Claude Code processes at once is what two cores carry without starving the test;
  // the original's file already loses entries at that width.
  it("30 concurrent runs all land in the registry; the original's unlocked JSON file loses entries", async () => {
    realSandbox();
    sb.writeConfig({ maxConcurrent: 30 });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sb.cli(["run", "--wait", "--json", "-t", `SCEN_PLAIN c${i}`, "-p", sb.project], {
          timeoutMs: 200_000,
        }),
      ),
    );
    expect(results.every((r) => r.code === 0)).toBe(true);
    const ids = new Set(results.map((r) => (JSON.parse(r.stdout) as RunView).sessionId));
    expect(ids.size).toBe(30);
    const sessions = await sb.json<SessionView[]>(["sessions"]);
    expect(sessions.map((s) => s.sessionId).sort()).toEqual([...ids].sort());

    // The original registry's write path, as specified (seed-behaviour §11): read the JSON file,
    // add one entry, write the whole file back — no lock, not atomic. 50 writers at once:
    const file = join(sb.root, "claude_sessions.json");
    writeFileSync(file, '{"sessions": {}}');
    const writer = `
import json, sys, time
p = sys.argv[1]
try:
    data = json.load(open(p))
except Exception:
    data = {"sessions": {}}
time.sleep(0.05)
data["sessions"][sys.argv[2]] = {"session_id": sys.argv[2]}
open(p, "w").write(json.dumps(data))
`;
    await Promise.all(
      [...ids].map(
        (id) =>
          new Promise<void>((resolve) => {
            const p = spawn("python3", ["-c", writer, file, id!], { stdio: "ignore" });
            p.on("close", () => resolve());
          }),
      ),
    );
    let kept = 0;
    try {
      kept = Object.keys((JSON.parse(readFileSync(file, "utf8")) as { sessions: object }).sessions).length;
    } catch {
      kept = 0; // a torn write leaves an unparseable file, which the original then silently reset
    }
    expect(kept).toBeLessThan(30);
  }, 300_000);
});
