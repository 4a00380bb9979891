/** The wake text: English, with everything the agent needs to continue; iterate mode; a template. */
import { describe, expect, it } from "vitest";
import { unknownPlaceholders, type WakeTextInput, wakeText } from "../../../../src/openclaw/wake/text.js";

const base: WakeTextInput = {
  runId: "r7k2m9x4p1q8w3z5",
  wakeId: "0b6f5c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e",
  state: "succeeded",
  reason: null,
  detail: null,
  exitCode: 0,
  projectDir: "/home/u/projects/app",
  result: "All tests pass.",
  resultPath: "/home/u/.cctask/runs/r7k2m9x4p1q8w3z5/result.md",
  sessionId: "5c1e0b6f-2d3a-4b5c-8d9e-0f1a2b3c4d5e",
  completionMode: "single",
  iteration: null,
  maxIterations: null,
  sessionKey: "agent:main:telegram:group:-1009876:topic:7",
};

describe("the wake text", () => {
  it("single mode, word for word", () => {
    expect(
      wakeText(base),
    ).toBe(`[CC:single] outcome=succeeded exit=0 project=app output=/home/u/.cctask/runs/r7k2m9x4p1q8w3z5/result.md limit=1 run_id=r7k2m9x4p1q8w3z5 wake_id=0b6f5c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e

cctask wake: the Claude Code task you launched has ended. This continues your own conversation (same persona, same session, same history); it is not a new request. Judge the result against the user's original goal behind the launch, not only the last technical step.

Run: r7k2m9x4p1q8w3z5 (wake 0b6f5c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e)
Outcome: succeeded
Result:
All tests pass.
Full result: /home/u/.cctask/runs/r7k2m9x4p1q8w3z5/result.md
Claude Code session to resume: 5c1e0b6f-2d3a-4b5c-8d9e-0f1a2b3c4d5e

If this wake is stale (you already handled wake 0b6f5c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e, or a newer iteration superseded this run), say so in one line and do nothing else.
Start your reply with [TRACE][AGENT][WAKE_RECEIVED]. Never launch anything silently: first post a separate, visible message with your analysis and your decision, marked [TRACE][AGENT][DECISION].
Steps:
1. React briefly to the result.
2. Check whether the user's original goal is fully met.
3. Report the outcome to the user and stop.`);
  });

  it("iterate mode: iteration k of N, what is left, and the continue/stop protocol", () => {
    const text = wakeText({ ...base, completionMode: "iterate", iteration: 2, maxIterations: 5 });
    expect(text.split("\n")[0]).toBe(
      "[CC:iterate] outcome=succeeded exit=0 project=app output=/home/u/.cctask/runs/r7k2m9x4p1q8w3z5/result.md limit=5 run_id=r7k2m9x4p1q8w3z5 wake_id=0b6f5c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e",
    );
    expect(text).toContain("\nIteration: 2 of 5 (3 left)\n\nIf this wake is stale");
    expect(text).toContain(
      '3. If it is not met and iterations are left (3): state the decision "continue" and what will be fixed, then, as a separate next action, launch exactly one next iteration: cctask run --resume 5c1e0b6f-2d3a-4b5c-8d9e-0f1a2b3c4d5e --completion-mode iterate --max-iterations 5 --task "<the next step>" (with the other flags of the first launch).',
    );
    expect(text).toContain('4. If it is met, or no iteration is left: state the decision "stop" and stop.');
  });

  it("a failure says why; a long result is cut with the rest pointed to", () => {
    const text = wakeText({
      ...base,
      state: "failed",
      reason: "api_error",
      detail: "the API answered 529 overloaded",
      exitCode: 1,
      result: "x".repeat(2000),
    });
    expect(text).toContain("Outcome: failed (api_error): the API answered 529 overloaded\n");
    expect(text).toContain(`${"x".repeat(1500)}… (500 more characters in the file below)\nFull result: `);
  });

  it("a template from config replaces it; unknown placeholders stay as written", () => {
    const t =
      "Run {runId} {state} ({outcome}); read {resultPath}; resume {sessionId}; {mode} {iteration}/{maxIterations}, {remaining} left; {nope}";
    expect(wakeText({ ...base, completionMode: "iterate", iteration: 1, maxIterations: 3 }, t)).toBe(
      "Run r7k2m9x4p1q8w3z5 succeeded (succeeded); read /home/u/.cctask/runs/r7k2m9x4p1q8w3z5/result.md; resume 5c1e0b6f-2d3a-4b5c-8d9e-0f1a2b3c4d5e; iterate 1/3, 2 left; {nope}",
    );
    expect(unknownPlaceholders(t)).toEqual(["nope"]);
  });
});
