/** The readable lines of `cctask events`, one per event type. */
import { expect, it } from "vitest";
import { formatEvent } from "../../../src/commands/event-format.js";
import type { CctaskEvent, EventBody } from "../../../src/events.js";

const at = "2026-12-02T03:04:05.678+00:00";
const line = (body: EventBody, id = 7) => formatEvent({ ...body, id, at } as CctaskEvent);

it("says what happened, with the time, the id and the run", () => {
  expect(
    line({ type: "run.state", runId: "r1", state: "queued", task: "fix\nthe\tbug", projectDir: "/p" }),
  ).toBe("03:04:05 #7 run r1 queued: fix the bug");
  expect(line({ type: "run.state", runId: "r1", state: "running", task: null, projectDir: null })).toBe(
    "03:04:05 #7 run r1 running",
  );
  expect(
    line({
      type: "run.progress",
      runId: "r1",
      toolCalls: 3,
      lastActivity: "💻 bash: ls",
      costUsd: 0.0123,
      filesWritten: 1,
      activeSubagents: 0,
      results: 0,
    }),
  ).toBe("03:04:05 #7 run r1 progress: 3 tool call(s), 1 file(s) written, $0.0123 — 💻 bash: ls");
  expect(line({ type: "run.session", runId: "r1", sessionId: "s-1" })).toBe("03:04:05 #7 run r1 session s-1");
  expect(
    line({
      type: "run.ended",
      runId: "r1",
      state: "failed",
      reason: "api_error",
      detail: "529 overloaded",
      exitCode: 1,
    }),
  ).toBe("03:04:05 #7 run r1 ended failed (api_error) — 529 overloaded");
  expect(line({ type: "agent.update", runId: "r1", text: "half way\u001b[31m" })).toBe(
    "03:04:05 #7 run r1 update: half way\\x1b[31m",
  );
  expect(
    line({
      type: "notification",
      runId: "r1",
      notificationId: 4,
      kind: "final",
      target: "telegram:42",
      outcome: "retrying",
      detail: "429: Too Many Requests: retry after 3",
      retryAt: "2026-12-02T03:04:09.000+00:00",
    }),
  ).toBe(
    "03:04:05 #7 run r1 final to telegram:42: retrying (next try 03:04:09) — 429: Too Many Requests: retry after 3",
  );
  expect(
    line({
      type: "wake",
      runId: "r1",
      wakeId: "w",
      sessionKey: "agent:main:main",
      outcome: "woken",
      path: "sessions-send",
      detail: null,
    }),
  ).toBe("03:04:05 #7 run r1 wake of agent:main:main via sessions-send: woken");
  expect(line({ type: "session", runId: null, sessionId: "s-1", change: "forgotten", status: null })).toBe(
    "03:04:05 #7 session s-1 forgotten",
  );
});
