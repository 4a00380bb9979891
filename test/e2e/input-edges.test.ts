/**
 * Input that is valid but unusual, seen from outside: a project path with a newline, a claude
 * that is not logged in (the real CLI against the fake API, with no key and an empty HOME), and
 * `cctask list` past its default of 20 runs.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-api.js";
import { createSandbox, type Sandbox } from "../helpers/cctask.js";

let fake: FakeAnthropic;
let sb: Sandbox | undefined;

beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake?.close();
});
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

describe("control characters in a project path", () => {
  it("are escaped in the receipt, the status and the notifications, never printed raw", async () => {
    sb = createSandbox();
    const project = join(sb.root, "evil\nproject: x\u001b[31m");
    mkdirSync(project);
    const shown = `${sb.root}/evil\\nproject: x\\x1b[31m`;
    const r = await sb.cli(
      // long enough to be running when the receipt is printed, even on a loaded machine
      ["run", "-t", "x REPLAY_EMIT_FOR_S=3 REPLAY_RESULT=ok", "-p", project, "--notify", "console", "--wait"],
      {
        timeoutMs: 90_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`   project: ${shown}\n`);
    expect(r.stdout).toContain(`🚀 Claude Code started: run `);
    expect(r.stdout).toContain(` in ${shown}\n`);
    expect(r.stdout).not.toContain("evil\nproject");
    expect(r.stdout).not.toContain("\u001b");
    const id = /run ([0-9a-z]{8})/.exec(r.stdout)?.[1];
    const status = await sb.cli(["status", id!]);
    expect(status.stdout).toContain(`  project:    ${shown}\n`);
    expect(status.stdout).not.toContain("evil\nproject");
  }, 120_000);
});

describe("claude not logged in", () => {
  it("ends as not_logged_in with the fix, not as an API connection error", async () => {
    sb = createSandbox({ claudeApi: fake.url });
    // No key and an empty HOME: the real CLI prints "Not logged in · Please run /login".
    const r = await sb.cli(["run", "-t", "SCEN_PLAIN say hi", "-p", sb.project, "--wait", "--json"], {
      env: { ANTHROPIC_API_KEY: "" },
      timeoutMs: 120_000,
    });
    const end = JSON.parse(r.stdout) as RunView;
    expect(r.code).toBe(1);
    expect(end.state).toBe("failed");
    expect(end.reason).toBe("not_logged_in");
    expect(end.detail).toBe(
      "claude is not logged in (it said: Not logged in · Please run /login). Log in once by running claude and then /login, as the user cctask runs as, or set ANTHROPIC_API_KEY in the environment you run cctask from",
    );
    expect(fake.requests.filter((q) => q.path.startsWith("/v1/messages"))).toEqual([]);
    const w = await sb.cli(["wait", end.id]);
    expect(w.stdout).toContain(`run ${end.id}: ❌ failed (not_logged_in) — claude is not logged in`);
  }, 150_000);
});

describe("cctask list", () => {
  it("shows the 20 most recent runs with a hint when there are more; -n N and -a/--all", async () => {
    sb = createSandbox();
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      const v = await sb.json(["run", "-t", `run ${i} REPLAY_RESULT=ok`, "-p", sb.project]);
      ids.push(v.id);
    }
    const table = await sb.cli(["list"]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^ID +STATE/);
    expect(rows.slice(1, -1).map((l) => l.slice(0, 8))).toEqual(ids.slice(2));
    expect(rows.at(-1)).toBe(
      "(the 20 most recent runs; older ones exist: cctask list -n 100 shows more, cctask list -a shows all)",
    );
    expect((await sb.json<RunView[]>(["list"])).map((v) => v.id)).toEqual(ids.slice(2));
    expect((await sb.json<RunView[]>(["list", "-n", "3"])).map((v) => v.id)).toEqual(ids.slice(19));
    expect((await sb.json<RunView[]>(["ps", "-a"])).map((v) => v.id)).toEqual(ids);
    const all = await sb.cli(["list", "--all"]);
    expect(all.stdout.trim().split("\n")).toHaveLength(23); // header + 22, no hint
    const bad = await sb.cli(["list", "-n", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'cctask list: -n must be a whole number of runs from 1 to 1000000, got "0". Example: -n 50\n',
    );
    const both = await sb.cli(["list", "-a", "-n", "5"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give either -n N \(the N most recent runs\) or -a \(all runs\), not both/);
  }, 180_000);
});
