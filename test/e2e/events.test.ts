/**
 * The event stream end to end, with the built CLI, the real daemon and the replay claude: a
 * client that disconnects mid-run resumes with Last-Event-ID and misses nothing; `cctask events
 * --json` goes on across a daemon killed with SIGKILL; notification outcomes are events; bad
 * input is refused with the usual messages.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DaemonClient } from "../../src/client.js";
import type { CctaskEvent } from "../../src/events.js";
import type { RunView } from "../../src/protocol.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { CLI, createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

let sb: Sandbox | undefined;
let tg: FakeTelegram | undefined;
let follower: ChildProcessWithoutNullStreams | undefined;

afterEach(async () => {
  if (follower?.pid && isAlive(follower.pid)) process.kill(follower.pid, "SIGKILL");
  await sb?.cleanup();
  await tg?.close();
  sb = tg = follower = undefined;
});

/** All of one run's stored events, from the first, up to its run.ended. */
async function history(s: Sandbox, runId: string): Promise<CctaskEvent[]> {
  const got: CctaskEvent[] = [];
  for await (const e of client(s).events({ runId, after: 0 })) {
    got.push(e);
    if (e.type === "run.ended") break;
  }
  return got;
}

function client(s: Sandbox): DaemonClient {
  return new DaemonClient(join(s.home, "daemon.sock"));
}

function ids(events: CctaskEvent[]): number[] {
  return events.map((e) => e.id);
}

describe("GET /events", () => {
  it("a client that disconnects mid-run resumes with Last-Event-ID: no gap, no repeat", async () => {
    sb = createSandbox();
    const run = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=4 REPLAY_INTERVAL_MS=200", "-p", sb.project]);
    const first: CctaskEvent[] = [];
    for await (const e of client(sb).events({ runId: run.id, after: 0 })) {
      first.push(e);
      if (e.type === "run.progress") break; // mid-run: the connection is closed here
    }
    expect(first.at(-1)?.type).toBe("run.progress");
    await new Promise((r) => setTimeout(r, 1500)); // the run goes on while no one listens
    const rest: CctaskEvent[] = [];
    for await (const e of client(sb).events({ runId: run.id, after: first.at(-1)!.id })) {
      rest.push(e);
      if (e.type === "run.ended") break;
    }
    const all = await history(sb, run.id);
    expect(ids([...first, ...rest])).toEqual(ids(all));
    expect(all.map((e) => e.type)).toEqual(expect.arrayContaining(["run.state", "run.session", "run.ended"]));
    const progress = all.filter((e) => e.type === "run.progress").map((e) => Date.parse(e.at));
    expect(progress.length).toBeGreaterThanOrEqual(2); // five tool calls a second, at most one event a second
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]! - progress[i - 1]!).toBeGreaterThanOrEqual(990);
    expect(all[0]).toMatchObject({ type: "run.state", runId: run.id, state: "queued" });
    expect(all.at(-1)).toMatchObject({ type: "run.ended", runId: run.id, state: "succeeded", exitCode: 0 });
  }, 90_000);

  it("cctask events --json goes on after the daemon is killed: a new one starts, nothing is missed or repeated", async () => {
    sb = createSandbox();
    const s = sb;
    await s.cli(["daemon", "start"]);
    // From the oldest kept event: a launch can be quicker than the follower's own start.
    follower = spawn(process.execPath, [CLI, "events", "--json", "--after", "0"], {
      env: s.env,
      cwd: s.root,
    });
    let out = "";
    follower.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const lines = () =>
      out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as CctaskEvent);
    const run = await s.json(["run", "-t", "REPLAY_EMIT_FOR_S=6 REPLAY_INTERVAL_MS=200", "-p", s.project]);
    await waitFor(() => lines().some((e) => e.type === "run.progress"), 30_000, "a progress event");
    const killed = s.daemonPid()!;
    process.kill(killed, "SIGKILL");
    await waitFor(
      () => lines().some((e) => e.type === "run.ended"),
      60_000,
      "the run's end, via a new daemon",
    );
    expect(s.daemonPid()).not.toBe(killed);
    const ofRun = lines().filter((e) => e.runId === run.id);
    const followed = ofRun.slice(0, ofRun.findIndex((e) => e.type === "run.ended") + 1);
    expect(ids(followed)).toEqual(ids(await history(s, run.id)));
    expect(followed.at(-1)).toMatchObject({ type: "run.ended", state: "succeeded" });
  }, 120_000);

  it("wait returns at the run's end, and logs -f prints to the end", async () => {
    sb = createSandbox();
    const run = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=200", "-p", sb.project]);
    const [w, logs] = await Promise.all([sb.cli(["wait", run.id]), sb.cli(["logs", run.id, "-f"])]);
    expect(w.code).toBe(0);
    expect(w.stdout).toBe(`run ${run.id}: ✅ succeeded\n`);
    expect(logs.stdout).toContain("echo step 1");
    expect(logs.stdout.trimEnd().split("\n").at(-1)).toBe(`— run ${run.id} ✅ succeeded`);
  }, 90_000);
});

describe("notification outcomes are events", () => {
  it("retrying then sent, and failed, each with its kind and target", async () => {
    tg = await startFakeTelegram({ token: "123456:TEST-token", blockedChats: ["666"] });
    sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
    sb.writeConfig({ notify: { heartbeatSeconds: 0 } });
    tg.failNext({
      status: 429,
      retryAfter: 1,
      count: 1,
      method: "sendMessage",
      when: (c) => c.chat_id === "4242",
    });
    const run = await sb.json<RunView>([
      "run",
      "-t",
      "REPLAY_RESULT=done",
      "-p",
      sb.project,
      "--notify",
      "telegram:4242",
      "--notify",
      "telegram:666",
    ]);
    const seen: CctaskEvent[] = [];
    const settled = (target: string) =>
      seen.some(
        (e) =>
          e.type === "notification" && e.target === target && e.kind === "final" && e.outcome !== "retrying",
      );
    for await (const e of client(sb).events({ runId: run.id, after: 0 })) {
      seen.push(e);
      if (settled("telegram:4242") && settled("telegram:666")) break;
    }
    const outcomes = seen.flatMap((e) => (e.type === "notification" ? [[e.target, e.kind, e.outcome]] : []));
    const to4242 = outcomes.filter(([t]) => t === "telegram:4242");
    expect(to4242[0]).toEqual(["telegram:4242", "launch", "retrying"]);
    expect(to4242).toContainEqual(["telegram:4242", "launch", "sent"]);
    expect(to4242.at(-1)).toEqual(["telegram:4242", "final", "sent"]);
    expect(outcomes).toContainEqual(["telegram:666", "final", "failed"]);
    const retry = seen.find((e) => e.type === "notification" && e.outcome === "retrying");
    expect(retry).toMatchObject({ detail: "429: Too Many Requests: retry after 1" });
  }, 90_000);
});

describe("cctask events: bad input", () => {
  it("refuses a bad run id and a bad --after with the usual messages", async () => {
    sb = createSandbox();
    const bad = await sb.cli(["events", "--run", "BAD!"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'cctask events: "BAD!" is not a run id; run ids look like 3f9a1c2b (see cctask list)\n',
    );
    const missing = await sb.cli(["events", "--run", "zzzz"]);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe(
      'cctask events: no run with id "zzzz"; see cctask list for the runs there are\n',
    );
    const after = await sb.cli(["events", "--after", "-1"]);
    expect(after.code).toBe(2);
    expect(after.stderr).toBe(
      'cctask events: --after "-1" is not an event id; give a whole number, e.g. the id of the last event you saw (0: from the oldest kept)\n',
    );
    const help = await sb.cli(["events", "--help"]);
    expect(help.stdout).toContain("Usage: cctask events [--run RUN] [--after ID] [--json]");
  }, 60_000);
});
