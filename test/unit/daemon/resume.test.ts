import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DaemonContext } from "../../../src/daemon/context.js";
import {
  planIteration,
  RESUME_PREAMBLE,
  type ResolvedResume,
  resolveResume,
  resumePrompt,
} from "../../../src/daemon/resume.js";
import { isoTime } from "../../../src/daemon/view.js";
import { UsageError } from "../../../src/errors.js";
import type { SubmitRequest } from "../../../src/protocol.js";
import { migrate } from "../../../src/store/db.js";
import { importSessions, type SessionRow } from "../../../src/store/sessions.js";

const A = "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06";
const B = "0b1c2d3e-1111-4a2b-8c3d-4e5f60718293";
const UNKNOWN = "99999999-9999-4999-8999-999999999999";

let db: Database.Database;
let dir: string;
beforeEach(() => {
  db = new Database(":memory:");
  migrate(db);
  dir = mkdtempSync(join(tmpdir(), "cctask-resume-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** resolveResume reads only the sessions registry. */
const ctx = () => ({ db }) as unknown as DaemonContext;

/** The fields of a submission that a resume looks at. */
function req(over: Partial<SubmitRequest>): SubmitRequest {
  return {
    resume: null,
    projectDir: "/work/here",
    projectExplicit: false,
    completionMode: "single",
    maxIterations: null,
    ...over,
  } as SubmitRequest;
}

function addSession(sessionId: string, label: string | null, projectDir: string, lastUsedAt = 1_000): void {
  importSessions(
    db,
    [
      {
        sessionId,
        label,
        projectDir,
        taskSummary: "t",
        status: "completed",
        createdAt: 1_000,
        lastUsedAt,
        origin: null,
        outputFile: null,
        costUsd: null,
      },
    ],
    2_000,
  );
}

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error("no refusal");
}

describe("resolveResume", () => {
  it("a fresh run keeps its project", () => {
    expect(resolveResume(ctx(), req({ projectDir: "/p" }))).toEqual({
      sessionId: null,
      session: null,
      projectDir: "/p",
    });
  });

  it("a session id the registry does not know is passed to Claude as given", () => {
    expect(resolveResume(ctx(), req({ resume: UNKNOWN, projectDir: "/p" }))).toEqual({
      sessionId: UNKNOWN,
      session: null,
      projectDir: "/p",
    });
  });

  it("a known session, by id or by its one label, runs in its own project", () => {
    addSession(A, "nightly", "/repo/a");
    for (const key of [A, "nightly"]) {
      const r = resolveResume(ctx(), req({ resume: key }));
      expect(r.sessionId).toBe(A);
      expect(r.projectDir).toBe("/repo/a");
      expect(r.session).toMatchObject({ sessionId: A, label: "nightly" });
    }
  });

  it("refuses a label that names no session", () => {
    expect(refusal(() => resolveResume(ctx(), req({ resume: "nightly" })))).toBe(
      'no session has the id or label "nightly". Session ids are UUIDs (cctask status RUN shows a run\'s); labels: cctask sessions',
    );
  });

  it("refuses a label that names several sessions, listing them to pick one by id", () => {
    addSession(A, "nightly", "/repo/a", Date.UTC(2026, 11, 1, 8, 0, 0));
    addSession(B, "nightly", "/repo/b", Date.UTC(2026, 11, 2, 9, 30, 0));
    const message = refusal(() => resolveResume(ctx(), req({ resume: "nightly" })));
    const [first, ...sessions] = message.split("\n");
    expect(first).toBe('the label "nightly" matches 2 sessions; resume one by its id:');
    expect(sessions.sort()).toEqual(
      [
        `  ${A}  "nightly"  /repo/a  last used ${isoTime(Date.UTC(2026, 11, 1, 8, 0, 0))}`,
        `  ${B}  "nightly"  /repo/b  last used ${isoTime(Date.UTC(2026, 11, 2, 9, 30, 0))}`,
      ].sort(),
    );
  });

  it("refuses an explicit --project other than the session's, and accepts the same directory by another path", () => {
    const real = join(dir, "real");
    mkdirSync(real);
    symlinkSync(real, join(dir, "link"));
    addSession(A, null, real);
    expect(
      refusal(() =>
        resolveResume(ctx(), req({ resume: A, projectDir: "/elsewhere", projectExplicit: true })),
      ),
    ).toBe(
      `session ${A} was recorded in ${real}, but --project is /elsewhere. ` +
        "Claude looks sessions up by project directory, so the resume would fail or start fresh there. " +
        `Leave out --project (the session's own directory is used), or pass --project ${real}.`,
    );
    const same = resolveResume(
      ctx(),
      req({ resume: A, projectDir: join(dir, "link"), projectExplicit: true }),
    );
    expect(same.projectDir).toBe(real);
    // Not explicit: the session's own directory wins without a question.
    expect(resolveResume(ctx(), req({ resume: A, projectDir: "/elsewhere" })).projectDir).toBe(real);
  });
});

function session(over: Partial<SessionRow>): SessionRow {
  return {
    sessionId: A,
    label: null,
    projectDir: "/repo/a",
    taskSummary: "t",
    status: "completed",
    createdAt: 0,
    lastUsedAt: 0,
    origin: null,
    outputFile: null,
    completionMode: "single",
    maxIterations: null,
    iterations: 0,
    importedCostUsd: null,
    importedAt: null,
    runs: 0,
    costUsd: null,
    ...over,
  };
}

const resolved = (s: SessionRow | null): ResolvedResume => ({
  sessionId: s?.sessionId ?? null,
  session: s,
  projectDir: "/repo/a",
});

describe("planIteration", () => {
  it("a single run has no iteration", () => {
    expect(planIteration(req({}), resolved(null), 0)).toEqual({
      completionMode: "single",
      iteration: null,
      maxIterations: null,
    });
  });

  it("starts a chain at 1 with the default budget of 5, or the one asked for", () => {
    expect(planIteration(req({ completionMode: "iterate" }), resolved(null), 0)).toEqual({
      completionMode: "iterate",
      iteration: 1,
      maxIterations: 5,
    });
    expect(
      planIteration(req({ completionMode: "iterate", maxIterations: 9 }), resolved(null), 0).maxIterations,
    ).toBe(9);
  });

  it("continues the session's chain, counting the runs still active on it", () => {
    const s = session({ completionMode: "iterate", iterations: 2, maxIterations: 4 });
    expect(planIteration(req({}), resolved(s), 1)).toEqual({
      completionMode: "iterate",
      iteration: 4,
      maxIterations: 4,
    });
  });

  it("refuses a launch past the chain's budget, saying how to go on", () => {
    const s = session({ completionMode: "iterate", iterations: 3, maxIterations: 3 });
    expect(refusal(() => planIteration(req({}), resolved(s), 0))).toBe(
      `session ${A} has used 3 of its 3 iterations (--completion-mode iterate). ` +
        "Start a fresh run without --resume, or raise the budget with --max-iterations.",
    );
  });
});

describe("resumePrompt", () => {
  it("puts the preamble before a task that fits", () => {
    expect(resumePrompt("next: add tests", 100)).toEqual({
      prompt: `${RESUME_PREAMBLE}next: add tests`,
      shortenedFrom: null,
    });
    expect(resumePrompt("x".repeat(5000), 0)).toEqual({
      prompt: RESUME_PREAMBLE + "x".repeat(5000),
      shortenedFrom: null,
    });
  });

  it("collapses the whitespace of a long task and cuts it at the limit, keeping its length", () => {
    const task = `one\n\n  two\tthree ${"y".repeat(20)}`;
    expect(resumePrompt(task, 12)).toEqual({
      prompt: `${RESUME_PREAMBLE}one two thre…`,
      shortenedFrom: task.length,
    });
    const spaced = "a   b   c   d";
    expect(resumePrompt(spaced, 8)).toEqual({ prompt: `${RESUME_PREAMBLE}a b c d`, shortenedFrom: 13 });
  });
});
