/**
 * End to end with the REAL Claude Code CLI (node_modules/.bin/claude 2.1.330) against the fake
 * Messages API: cctask is driven through its CLI and --json output, the way a user drives it.
 * The agent inherits the caller's environment, so the offline env goes into the `cctask` calls.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-api.js";
import type { MessageReply } from "../fakes/anthropic-reply.js";
import { createSandbox, type Sandbox, waitFor } from "../helpers/cctask.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The fake's usage (anthropic-reply.ts): 1000 input tokens per message, output ≈ chars/4. */
const INPUT_PER_MESSAGE = 1000;
/** How long the slow subagent's first model reply is held back (keeps it observably active). */
const SUBAGENT_DELAY_MS = 2500;

const text = (t: string): MessageReply => ({ blocks: [{ type: "text", text: t }] });

let fake: FakeAnthropic;
let sb: Sandbox | undefined;

beforeAll(async () => {
  fake = await startFakeAnthropic({
    scenarios: {
      // A background subagent whose first model call is held back, so it stays active for a while.
      SUBTASK_SLOW: {
        pattern: /SUBTASK_SLOW/,
        reply: ({ turn }) =>
          turn === 0
            ? {
                blocks: [
                  {
                    type: "tool_use",
                    name: "Bash",
                    input: { command: "echo hello-from-slow-subagent", description: "scripted by the test" },
                  },
                ],
                delayBeforeHeadersMs: SUBAGENT_DELAY_MS,
              }
            : text("SUB_DONE"),
      },
      SCEN_BGSLOW: {
        pattern: /SCEN_BGSLOW/,
        reply: ({ turn, taskNotification }) => {
          if (taskNotification) return text("AGENT_ALL_DONE");
          if (turn > 0) return text("AGENT_LAUNCHED");
          return {
            blocks: [
              {
                type: "tool_use",
                name: "Agent",
                input: {
                  description: "slow sub work",
                  prompt: "SUBTASK_SLOW do sub work",
                  run_in_background: true,
                },
              },
            ],
          };
        },
      },
    },
  });
});

afterAll(async () => {
  await fake?.close();
});

afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

/** A sandbox whose cctask calls carry the offline env for the real CLI (own HOME and TMPDIR). */
function realSandbox(): Sandbox {
  sb = createSandbox({ claudeApi: fake.url });
  return sb;
}

const EXIT_FOR_STATE: Record<string, number> = {
  queued: 0,
  starting: 0,
  running: 0,
  succeeded: 0,
  failed: 1,
  timed_out: 124,
  cancelled: 130,
  interrupted: 1,
};

/** `cctask run … --json`: the receipt. A fast run may already have ended; the exit code must match its state. */
async function launch(s: Sandbox, args: string[]): Promise<RunView> {
  const r = await s.cli(["run", ...args, "--json"], { timeoutMs: 120_000 });
  let receipt: RunView;
  try {
    receipt = JSON.parse(r.stdout) as RunView;
  } catch {
    throw new Error(
      `cctask run printed no JSON receipt (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  }
  const expected = receipt.reason === "resume_not_found" ? 42 : EXIT_FOR_STATE[receipt.state];
  expect(r.code, `cctask run exit code for a receipt in state ${receipt.state}`).toBe(expected);
  expect(receipt.id).toMatch(/^[0-9a-z]{8}$/);
  return receipt;
}

/** `cctask wait ID --json`: the exit code and the final view. */
async function waitRun(s: Sandbox, id: string): Promise<{ code: number; view: RunView }> {
  const r = await s.cli(["wait", id, "--json"]);
  return { code: r.code, view: JSON.parse(r.stdout) as RunView };
}

const status = (s: Sandbox, id: string) => s.json(["status", id]);

/** Alive and not a zombie (a zombie has exited; it only waits to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Does any process of the group still exist (zombies included: kill(-pgid, 0) sees them)? */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of live processes whose command line contains `needle`. */
function processesWith(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Live `cctask daemon run` processes serving this state directory. */
function daemonsFor(home: string): number[] {
  return processesWith("daemon run").filter((pid) => {
    try {
      return (
        alive(pid) && readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`CCTASK_HOME=${home}`)
      );
    } catch {
      return false;
    }
  });
}

/** The result lines the agent printed, from the run's raw events file. */
function resultLines(view: RunView): Record<string, unknown>[] {
  return readFileSync(view.files.events, "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.type === "result");
}

describe("real claude: successful runs", () => {
  it("a plain run: receipt with a live pid, then succeeded with the agent's figures", async () => {
    const s = realSandbox();
    const receipt = await launch(s, ["--task", "SCEN_PLAIN say hi", "--project", s.project]);
    expect(["running", "succeeded"]).toContain(receipt.state);
    expect(receipt.pid).toBeGreaterThan(0);
    expect(receipt.processGroup).toBeGreaterThan(0);

    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(0);
    const end = w.view;
    expect(end.state).toBe("succeeded");
    expect(end.reason).toBeNull();
    expect(end.exitCode).toBe(0);
    expect(end.apiKeySource).toBe("ANTHROPIC_API_KEY");
    expect(end.claudeVersion).toBe("2.1.330");
    expect(end.sessionId).toMatch(UUID);
    expect(end.results).toBe(1);
    expect(end.toolCalls).toBe(0);
    // One model call: the fake's fixed usage, and "PLAIN_DONE" is 10 characters → 3 output tokens.
    expect(end.tokens.input).toBe(INPUT_PER_MESSAGE);
    expect(end.tokens.output).toBe(3);
    expect(end.costUsd).toBeGreaterThan(0);
    const [result] = resultLines(end);
    expect(end.costUsd).toBeCloseTo(result?.total_cost_usd as number, 10);
    expect(end.endedAt).not.toBeNull();

    const r = await s.cli(["result", receipt.id]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("PLAIN_DONE\n");
  });

  it("a Bash tool run counts the tool call and ends with the final text", async () => {
    const s = realSandbox();
    const receipt = await launch(s, ["--task", "SCEN_BASH run it", "--project", s.project]);
    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(0);
    expect(w.view.state).toBe("succeeded");
    expect(w.view.toolCalls).toBe(1);
    expect(w.view.results).toBe(1);
    // Two model calls after one prompt.
    expect(w.view.tokens.input).toBe(2 * INPUT_PER_MESSAGE);
    expect((await s.cli(["result", receipt.id])).stdout).toBe("BASH_DONE\n");
  });

  it("a background subagent: active while it works, the FINAL result is the outcome", async () => {
    const s = realSandbox();
    const receipt = await launch(s, ["--task", "SCEN_BGSLOW delegate it", "--project", s.project]);
    expect(receipt.state).toBe("running");

    // The subagent's first model reply is held back SUBAGENT_DELAY_MS: it is active meanwhile.
    let seen: RunView | undefined;
    await waitFor(
      async () => {
        const v = await status(s, receipt.id);
        if (v.activeSubagents.length > 0) seen = v;
        return seen !== undefined || v.state !== "running";
      },
      15_000,
      "an active subagent in cctask status",
    );
    expect(seen?.state).toBe("running");
    expect(seen?.activeSubagents).toHaveLength(1);
    expect(seen?.activeSubagents[0]?.description).toBe("slow sub work");

    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(0);
    const end = w.view;
    expect(end.state).toBe("succeeded");
    expect(end.results).toBe(2);
    expect(end.activeSubagents).toEqual([]);
    // The Agent call (main thread) and the subagent's Bash call.
    expect(end.toolCalls).toBe(2);
    expect((await s.cli(["result", receipt.id])).stdout).toBe("AGENT_ALL_DONE\n");
    // The first result line is the launch message, not the outcome.
    expect(resultLines(end).map((l) => l.result)).toEqual(["AGENT_LAUNCHED", "AGENT_ALL_DONE"]);
  });

  it("a resumed run keeps the session and reports only its own cost", async () => {
    const s = realSandbox();
    const first = await launch(s, ["--task", "SCEN_PLAIN first", "--project", s.project]);
    const a = await waitRun(s, first.id);
    expect(a.code).toBe(0);
    const sid = a.view.sessionId!;
    expect(sid).toMatch(UUID);
    const firstCost = a.view.costUsd!;
    expect(firstCost).toBeGreaterThan(0);

    const second = await launch(s, ["--task", "SCEN_BASH continue", "--project", s.project, "--resume", sid]);
    expect(second.resume).toBe(sid);
    const b = await waitRun(s, second.id);
    expect(b.code).toBe(0);
    expect(b.view.state).toBe("succeeded");
    expect(b.view.sessionId).toBe(sid);
    expect(b.view.toolCalls).toBe(1);
    expect((await s.cli(["result", second.id])).stdout).toBe("BASH_DONE\n");

    // The CLI's total_cost_usd is cumulative for the session: first run + this one.
    const cumulative = resultLines(b.view).at(-1)?.total_cost_usd as number;
    expect(cumulative).toBeGreaterThan(firstCost);
    expect(b.view.costUsd).toBeCloseTo(cumulative - firstCost, 9);
    // Two calls of 1000 input tokens vs one: about twice the first run's spend, not three times.
    expect(b.view.costUsd! / firstCost).toBeGreaterThan(1.8);
    expect(b.view.costUsd! / firstCost).toBeLessThan(2.5);
  });
});

describe("real claude: failures", () => {
  it("a resume id that does not exist: failed (resume_not_found), wait exits 42", async () => {
    const s = realSandbox();
    const bogus = "0b7e2c1d-5a4f-4e3b-9c8d-7f6e5d4c3b2a";
    const receipt = await launch(s, [
      "--task",
      "SCEN_PLAIN again",
      "--project",
      s.project,
      "--resume",
      bogus,
    ]);
    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(42);
    expect(w.view.state).toBe("failed");
    expect(w.view.reason).toBe("resume_not_found");
    expect(w.view.detail).toContain(bogus);
    expect(w.view.detail).toMatch(/fresh run without --resume/);
    // The CLI sends no model request for a session it cannot find.
    expect(fake.requests.filter((r) => r.anchor?.includes("SCEN_PLAIN again"))).toEqual([]);
  });

  it("API errors after retries: failed (api_error) with the HTTP status, wait exits 1", async () => {
    const s = realSandbox();
    const runs = {
      529: await launch(s, ["--task", "SCEN_ERR_529 busy", "--project", s.project]),
      500: await launch(s, ["--task", "SCEN_ERR_500 broken", "--project", s.project]),
      401: await launch(s, ["--task", "SCEN_ERR_401 denied", "--project", s.project]),
    };
    for (const [status, receipt] of Object.entries(runs)) {
      const w = await waitRun(s, receipt.id);
      expect(w.code, `wait exit code for HTTP ${status}`).toBe(1);
      expect(w.view.state).toBe("failed");
      expect(w.view.reason).toBe("api_error");
      expect(w.view.apiErrorStatus).toBe(Number(status));
      expect(w.view.detail).toContain(`API error ${status}`);
      expect(w.view.exitCode).toBe(1);
    }
    // CLAUDE_CODE_MAX_RETRIES=1 from the caller's env reached the agent: two requests each.
    for (const token of ["SCEN_ERR_529", "SCEN_ERR_500", "SCEN_ERR_401"])
      expect(fake.requests.filter((r) => r.anchor?.includes(token)).length, token).toBe(2);
  });
});

describe("real claude: stopping", () => {
  it("a timeout kills the agent, its process group and its Bash child; wait exits 124", async () => {
    const s = realSandbox();
    const needle = "time.sleep(3917)";
    const receipt = await launch(s, [
      "--task",
      "SCEN_SLEEP_3917 nap",
      "--project",
      s.project,
      "--timeout",
      "8", // room for claude's start-up and its first tool call on a loaded machine
    ]);
    expect(receipt.state).toBe("running");
    await waitFor(() => processesWith(needle).length > 0, 8_000, "the Bash child (python3 sleep) to start");

    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(124);
    expect(w.view.state).toBe("timed_out");
    expect(w.view.reason).toBeNull();
    expect(w.view.detail).toMatch(/8 s time limit/);
    expect(w.view.toolCalls).toBe(1);
    expect(w.view.elapsedSeconds).toBeGreaterThanOrEqual(8);
    expect(w.view.elapsedSeconds).toBeLessThan(20);
    expect(alive(receipt.pid!)).toBe(false);
    expect(() => process.kill(receipt.pid!, 0)).toThrow();
    expect(groupExists(receipt.processGroup!)).toBe(false);
    expect(processesWith(needle)).toEqual([]);
  });

  it("cancel stops a run in its tool call; everything is gone and wait exits 130", async () => {
    const s = realSandbox();
    const needle = "time.sleep(3923)";
    const receipt = await launch(s, ["--task", "SCEN_SLEEP_3923 nap", "--project", s.project]);
    await waitFor(
      async () => (await status(s, receipt.id)).toolCalls >= 1,
      15_000,
      "toolCalls ≥ 1 in status",
    );
    await waitFor(() => processesWith(needle).length > 0, 10_000, "the Bash child (python3 sleep) to start");

    const c = await s.cli(["cancel", receipt.id, "--json"]);
    expect(c.code).toBe(0);
    const cancelled = JSON.parse(c.stdout) as RunView;
    expect(cancelled.state).toBe("cancelled");
    expect(cancelled.toolCalls).toBe(1);
    expect(alive(receipt.pid!)).toBe(false);
    expect(() => process.kill(receipt.pid!, 0)).toThrow();
    expect(groupExists(receipt.processGroup!)).toBe(false);
    expect(processesWith(needle)).toEqual([]);
    expect((await s.cli(["wait", receipt.id])).code).toBe(130);
  });
});

describe("real claude: the daemon dies, the run does not", () => {
  it("a new daemon re-adopts a live run and reports its true end", async () => {
    const s = realSandbox();
    const receipt = await launch(s, ["--task", "SCEN_SLEEP_4 nap", "--project", s.project]);
    expect(receipt.state).toBe("running");
    const oldDaemon = s.daemonPid()!;
    expect(oldDaemon).toBeGreaterThan(0);
    process.kill(oldDaemon, "SIGKILL");
    await waitFor(() => !alive(oldDaemon), 5_000, "the daemon to die");
    expect(alive(receipt.pid!)).toBe(true);

    const v = await status(s, receipt.id); // starts a new daemon, which reconciles
    expect(s.daemonPid()).not.toBe(oldDaemon);
    expect(v.state).toBe("running");
    expect(v.pid).toBe(receipt.pid);

    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(0);
    expect(w.view.state).toBe("succeeded");
    expect(w.view.toolCalls).toBe(1);
    expect(w.view.results).toBe(1);
    expect(w.view.sessionId).toBe(receipt.sessionId ?? w.view.sessionId);
    expect((await s.cli(["result", receipt.id])).stdout).toBe("SLEEP_DONE\n");
  });

  it("a run that ends while no daemon runs is finished from its files, exactly once", async () => {
    const s = realSandbox();
    const receipt = await launch(s, ["--task", "SCEN_SLEEP_2 nap", "--project", s.project]);
    expect(receipt.state).toBe("running");
    const oldDaemon = s.daemonPid()!;
    process.kill(oldDaemon, "SIGKILL");
    await waitFor(() => !alive(oldDaemon), 5_000, "the daemon to die");
    rmSync(join(s.home, "bin", "cctask")); // so the run's wrapper cannot bring a daemon back itself
    expect(alive(receipt.pid!)).toBe(true);
    await waitFor(() => !alive(receipt.processGroup!), 20_000, "the run to finish with no daemon running");

    const v = await status(s, receipt.id); // a new daemon finishes it from events.jsonl and exit
    const w = await waitRun(s, receipt.id);
    expect(w.code).toBe(0);
    expect(w.view.state).toBe("succeeded");
    expect(w.view.exitCode).toBe(0);
    expect(w.view.toolCalls).toBe(1);
    expect(w.view.results).toBe(1);
    expect(w.view.endedAt).not.toBeNull();
    expect(v.state).toBe("succeeded");
    expect(v.endedAt).toBe(w.view.endedAt);
    expect((await s.cli(["result", receipt.id])).stdout).toBe("SLEEP_DONE\n");

    const again = await status(s, receipt.id);
    expect(again.endedAt).toBe(w.view.endedAt);
    const list = await s.json<RunView[]>(["list"]);
    expect(list.filter((r) => r.id === receipt.id)).toHaveLength(1);
    expect(list).toHaveLength(1);
    const log = readFileSync(join(s.home, "daemon.log"), "utf8");
    expect(log.match(new RegExp(`run ${receipt.id}: succeeded`, "g"))).toHaveLength(1);
  });
});

describe("real claude: a burst on a cold daemon", () => {
  it("50 parallel `cctask run` with no daemon running: one daemon, 50 receipts, 50 successes", async () => {
    const s = realSandbox();
    expect(s.daemonPid()).toBeNull();
    const n = 50;
    const receipts = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        launch(s, ["--task", `SCEN_PLAIN burst ${i}`, "--project", s.project]),
      ),
    );
    expect(new Set(receipts.map((r) => r.id)).size).toBe(n);
    for (const r of receipts) expect(["queued", "running", "succeeded"]).toContain(r.state);
    expect(daemonsFor(s.home)).toEqual([s.daemonPid()]);

    const w = await s.cli(["wait", ...receipts.map((r) => r.id), "--json"], { timeoutMs: 180_000 });
    expect(w.code).toBe(0);
    const ends = JSON.parse(w.stdout) as RunView[];
    expect(ends.map((e) => e.state)).toEqual(Array(n).fill("succeeded"));
    expect(new Set(ends.map((e) => e.sessionId)).size).toBe(n);
    for (const e of ends) expect(readFileSync(e.files.result, "utf8")).toBe("PLAIN_DONE");
    const list = await s.json<RunView[]>(["list", "--limit", "100"]);
    expect(list).toHaveLength(n);
    expect(daemonsFor(s.home)).toEqual([s.daemonPid()]);
  }, 320_000); // fifty real Claude Code processes on two cores: a correctness test, not a speed one
});
