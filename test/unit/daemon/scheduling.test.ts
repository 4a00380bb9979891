import { describe, expect, it } from "vitest";
import { pickRunnable } from "../../../src/daemon/scheduler.js";
import { decideRetry, nextStreak, type RetryPolicy } from "../../../src/notify/retry-policy.js";
import type { RunRow } from "../../../src/store/runs.js";

const policy: RetryPolicy = { baseDelayMs: 1000, maxDelayMs: 30_000, giveUpAfterMs: 3_600_000 };

describe("decideRetry", () => {
  it("gives up at once on a permanent refusal, with the service's words", () => {
    const d = decideRetry(
      {
        kind: "remote",
        status: 403,
        description: "Forbidden: bot was blocked by the user",
        retryAfterSeconds: null,
        permanent: true,
      },
      { attempts: 1, streak: 1, createdAtMs: 0, nowMs: 10, policy },
    );
    expect(d).toEqual({
      retry: false,
      why: "refused by the service (403: Forbidden: bot was blocked by the user)",
    });
  });

  it("an answer that may be for good: tried attemptsAllowed times in a row, 10 s then 20 s apart, then failed with the fix", () => {
    const f = {
      kind: "remote" as const,
      status: 500,
      description: "tool execution failed",
      retryAfterSeconds: null,
      permanent: false,
      attemptsAllowed: 3,
      fix: "Fix: run `openclaw channels status`",
    };
    const at = (streak: number, nowMs: number) =>
      decideRetry(f, { attempts: streak, streak, createdAtMs: 0, nowMs, policy });
    expect(at(1, 0)).toEqual({ retry: true, atMs: 10_000 });
    expect(at(2, 10_000)).toEqual({ retry: true, atMs: 30_000 });
    expect(at(3, 30_000)).toEqual({
      retry: false,
      why: "gave up after 3 attempt(s) over 30s (last: 500: tool execution failed). Fix: run `openclaw channels status`",
    });
    // without the bound, the same 500 backs off for as long as the notification matters
    const { attemptsAllowed: _, ...unbounded } = f;
    expect(decideRetry(unbounded, { attempts: 3, streak: 3, createdAtMs: 0, nowMs: 0, policy })).toEqual({
      retry: true,
      atMs: 4000,
    });
  });

  it("a permanent refusal carries the fix after the service's words", () => {
    const d = decideRetry(
      {
        kind: "remote",
        status: 404,
        description: "Tool not available: message",
        retryAfterSeconds: null,
        permanent: true,
        fix: "Fix: allow it",
      },
      { attempts: 1, streak: 1, createdAtMs: 0, nowMs: 10, policy },
    );
    expect(d).toEqual({
      retry: false,
      why: "refused by the service (404: Tool not available: message). Fix: allow it",
    });
  });

  it("waits exactly what a 429 asks for", () => {
    const d = decideRetry(
      {
        kind: "remote",
        status: 429,
        description: "Too Many Requests: retry after 7",
        retryAfterSeconds: 7,
        permanent: false,
      },
      { attempts: 9, streak: 9, createdAtMs: 0, nowMs: 1000, policy },
    );
    expect(d).toEqual({ retry: true, atMs: 1000 + 7000 + 50 });
  });

  it("backs off exponentially up to the cap on network errors and 5xx", () => {
    const at = (attempts: number) =>
      decideRetry(
        { kind: "network", message: "ECONNRESET", maybeDelivered: true },
        { attempts, streak: attempts, createdAtMs: 0, nowMs: 0, policy },
      );
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => (at(n) as { atMs: number }).atMs)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
  });

  it("counts only consecutive failures of the same kind: 429s do not raise the 5xx exponent", () => {
    const tooMany = {
      kind: "remote" as const,
      status: 429,
      description: "Too Many Requests: retry after 1",
      retryAfterSeconds: 1,
      permanent: false,
    };
    const serverError = {
      ...tooMany,
      status: 500,
      description: "Internal Server Error",
      retryAfterSeconds: null,
    };
    let previous: { kind: string; streak: number } | undefined;
    const waits: number[] = [];
    for (const f of [tooMany, tooMany, tooMany, tooMany, tooMany, serverError, serverError, serverError]) {
      previous = nextStreak(f, previous);
      const d = decideRetry(f, { attempts: 0, streak: previous.streak, createdAtMs: 0, nowMs: 0, policy });
      waits.push((d as { atMs: number }).atMs);
    }
    expect(waits).toEqual([1050, 1050, 1050, 1050, 1050, 1000, 2000, 4000]);
  });

  it("gives up once the notification is older than the limit", () => {
    const d = decideRetry(
      { kind: "network", message: "ECONNREFUSED", maybeDelivered: false },
      { attempts: 50, streak: 50, createdAtMs: 0, nowMs: 3_590_000, policy },
    );
    expect(d.retry).toBe(false);
    expect((d as { why: string }).why).toMatch(
      /^gave up after 50 attempt\(s\) over 3590s \(last: ECONNREFUSED\)$/,
    );
  });
});

function run(
  id: string,
  state: RunRow["state"],
  resumeId: string | null = null,
  sessionId: string | null = null,
): RunRow {
  return { id, state, resumeId, sessionId } as RunRow;
}

describe("pickRunnable", () => {
  it("fills free slots in submission order", () => {
    const picked = pickRunnable(
      [run("a", "running"), run("b", "queued"), run("c", "queued"), run("d", "queued")],
      3,
    );
    expect(picked.map((r) => r.id)).toEqual(["b", "c"]);
  });

  it("keeps a resume waiting while its session is in use, and lets later runs pass it", () => {
    const picked = pickRunnable(
      [
        run("a", "running", null, "S1"),
        run("b", "queued", "S1"),
        run("c", "queued"),
        run("d", "queued", "S2"),
        run("e", "queued", "S2"),
      ],
      10,
    );
    expect(picked.map((r) => r.id)).toEqual(["c", "d"]);
  });
});
