/** The wakes table: one claim per run, commit only from claimed, unconfirmed claims become uncertain. */
import Database from "better-sqlite3";
import { beforeEach, describe, expect, it } from "vitest";
import type { RunSpec } from "../../../src/run-spec.js";
import { migrate } from "../../../src/store/db.js";
import { insertRun } from "../../../src/store/runs.js";
import {
  claimWake,
  commitWake,
  endedRunsAwaitingWake,
  getWakeOfRun,
  markUnconfirmedUncertain,
  saveAttempts,
} from "../../../src/store/wakes.js";
import { testRoute } from "../../helpers/route.js";

let db: Database.Database;
const KEY = "agent:main:main";

beforeEach(() => {
  db = new Database(":memory:");
  migrate(db);
});

function spec(openclaw: RunSpec["openclaw"]): RunSpec {
  return {
    projectDir: "/p",
    timeoutSeconds: 60,
    resume: null,
    sessionLabel: null,
    model: null,
    outputFile: null,
    maxBudgetUsd: null,
    permissionMode: "bypassPermissions",
    extraArgs: [],
    claudeBin: "/bin/claude",
    includePartialMessages: true,
    completionMode: "single",
    iteration: null,
    maxIterations: null,
    promptShortenedFrom: null,
    notify: [],
    heartbeatMode: "edit",
    umask: 0o022,
    openclaw,
  };
}

describe("wakes", () => {
  it("a run's wake is claimed once; a second claim gets nothing", () => {
    const w = claimWake(db, { id: "w1", runId: "r1", sessionKey: KEY, now: 10 });
    expect(w).toMatchObject({ id: "w1", runId: "r1", state: "claimed", claimedAt: 10, attempts: [] });
    expect(claimWake(db, { id: "w2", runId: "r1", sessionKey: KEY, now: 11 })).toBeNull();
    expect(getWakeOfRun(db, "r1")!.id).toBe("w1");
  });

  it("a committed wake cannot be committed again or turned uncertain", () => {
    claimWake(db, { id: "w1", runId: "r1", sessionKey: KEY, now: 10 });
    const attempts = [{ path: "hooks-agent", startedAt: 11, outcome: "woken" as const, detail: "ok" }];
    expect(
      commitWake(db, "w1", { state: "woken", path: "hooks-agent", attempts, detail: "ok", now: 12 }),
    ).toBe(true);
    expect(commitWake(db, "w1", { state: "failed", path: null, attempts: [], detail: "x", now: 13 })).toBe(
      false,
    );
    expect(markUnconfirmedUncertain(db, 14)).toEqual([]);
    expect(getWakeOfRun(db, "r1")).toMatchObject({
      state: "woken",
      path: "hooks-agent",
      doneAt: 12,
      attempts,
    });
  });

  it("at start-up a claim with an attempt in flight becomes uncertain, naming the path", () => {
    claimWake(db, { id: "w1", runId: "r1", sessionKey: KEY, now: 10 });
    saveAttempts(db, "w1", [
      { path: "openclaw-agent", startedAt: 11, outcome: "failed", detail: "refused" },
      { path: "sessions-send", startedAt: 12, outcome: null, detail: null },
    ]);
    claimWake(db, { id: "w2", runId: "r2", sessionKey: KEY, now: 10 });
    const rows = markUnconfirmedUncertain(db, 20);
    expect(rows.map((r) => [r.id, r.state, r.path, r.detail])).toEqual([
      [
        "w1",
        "uncertain",
        "sessions-send",
        "cctask stopped while waking through sessions-send; the agent may or may not have been woken, so the wake was not repeated",
      ],
      [
        "w2",
        "uncertain",
        null,
        "cctask stopped after claiming the wake and before confirming it; the wake was not repeated",
      ],
    ]);
    expect(getWakeOfRun(db, "r1")).toMatchObject({ state: "uncertain", doneAt: 20 });
    expect(commitWake(db, "w1", { state: "woken", path: null, attempts: [], detail: null, now: 21 })).toBe(
      false,
    );
  });

  it("ended runs from an OpenClaw session with no wake row are found; others are not", () => {
    for (const [id, route] of [
      ["a", testRoute()],
      ["b", null],
      ["c", testRoute()],
      ["d", testRoute()],
    ] as const) {
      insertRun(db, {
        id,
        projectDir: "/p",
        taskSummary: "t",
        spec: spec(route),
        notifyTokenHash: null,
        now: 1,
      });
    }
    db.prepare("UPDATE runs SET state = 'succeeded', ended_at = 100 WHERE id IN ('a', 'b', 'c')").run();
    claimWake(db, { id: "w", runId: "c", sessionKey: KEY, now: 5 });
    expect(endedRunsAwaitingWake(db, 50)).toEqual(["a"]); // b: no route; c: claimed; d: still running
    expect(endedRunsAwaitingWake(db, 101)).toEqual([]);
  });
});
