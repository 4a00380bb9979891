import { describe, expect, it } from "vitest";
import {
  classifyOutcome,
  extractFinalText,
  type OutcomeInput,
} from "../../../../src/agents/claude/outcome.js";
import type { RunProgress } from "../../../../src/agents/claude/progress.js";
import type { ExitInfo } from "../../../../src/run-state.js";
import { foldLines, init, type Line, result, system, text, toolUse } from "./lines.js";

const OK: ExitInfo = { kind: "code", code: 0 };
const ONE: ExitInfo = { kind: "code", code: 1 };

function classify(lines: Line[], over: Partial<OutcomeInput> = {}) {
  return classifyOutcome({
    progress: foldLines(lines),
    exit: OK,
    stopRequest: null,
    stderrTail: "",
    resumeRequested: false,
    ...over,
  });
}

const API_529 = {
  subtype: "success",
  is_error: true,
  terminal_reason: "api_error",
  api_error_status: 529,
  api_error_type: "overloaded_error",
  result: "API Error: 529 Overloaded. This is a server-side issue, usually temporary.",
  total_cost_usd: 0,
};

describe("classifyOutcome: our own stop wins", () => {
  const sigterm: ExitInfo = { kind: "code", code: 143 };

  it("cancel → cancelled, even with exit 143", () => {
    expect(classify([init()], { exit: sigterm, stopRequest: "cancel" })).toEqual({
      state: "cancelled",
      detail: "cancelled on request; the partial output is kept",
    });
  });

  it("timeout → timed_out naming the limit, with exit 143 or 137", () => {
    const expected = {
      state: "timed_out",
      detail: "stopped after reaching the 30 min time limit; the partial output is kept",
    };
    expect(classify([init()], { exit: sigterm, stopRequest: "timeout", timeoutSeconds: 1800 })).toEqual(
      expected,
    );
    expect(
      classify([init()], { exit: { kind: "code", code: 137 }, stopRequest: "timeout", timeoutSeconds: 1800 }),
    ).toEqual(expected);
    expect(classify([init()], { exit: sigterm, stopRequest: "timeout", timeoutSeconds: 45 }).detail).toBe(
      "stopped after reaching the 45 s time limit; the partial output is kept",
    );
    expect(classify([init()], { exit: sigterm, stopRequest: "timeout" }).detail).toBe(
      "stopped after reaching its time limit; the partial output is kept",
    );
  });

  it("silence → failed/stalled", () => {
    expect(classify([init()], { exit: sigterm, stopRequest: "silence" })).toEqual({
      state: "failed",
      reason: "stalled",
      detail: "the agent printed nothing for too long and was stopped by the silence watchdog",
    });
  });

  it("exit 143 without a request of ours is a crash", () => {
    expect(classify([init(), toolUse("m", "t", "Bash", { command: "sleep 30" })], { exit: sigterm })).toEqual(
      {
        state: "failed",
        reason: "crashed",
        detail: "the agent was killed by SIGTERM (exit 143) without a result line",
      },
    );
  });

  it("post_result_limbo → the last result decides, noting the termination", () => {
    expect(
      classify([init(), result({ result: "done" })], { exit: sigterm, stopRequest: "post_result_limbo" }),
    ).toEqual({
      state: "succeeded",
      detail: "the process was terminated after its result",
    });
    const failed = classify([init(), result(API_529)], { exit: sigterm, stopRequest: "post_result_limbo" });
    expect(failed.state).toBe("failed");
    expect(failed.detail).toBe(
      "API error 529 (overloaded): API Error: 529 Overloaded. This is a server-side issue, usually temporary. (the process was terminated after its result)",
    );
  });

  it("a timeout or cancel after a successful result with nothing left running: the result decides", () => {
    for (const stopRequest of ["timeout", "cancel"] as const) {
      expect(classify([init(), result({ result: "done" })], { exit: sigterm, stopRequest })).toEqual({
        state: "succeeded",
        detail: `the process was stopped (${stopRequest}) after its result`,
      });
    }
  });

  it("but not while a background subagent still works: the first result was only 'launched'", () => {
    const lines = [
      init(),
      toolUse("m1", "toolu_A", "Agent", { description: "bg", prompt: "p", run_in_background: true }),
      system("task_started", {
        task_id: "t1",
        tool_use_id: "toolu_A",
        task_type: "local_agent",
        description: "bg",
      }),
      result({ result: "launched, waiting" }),
    ];
    expect(classify(lines, { exit: sigterm, stopRequest: "timeout", timeoutSeconds: 60 }).state).toBe(
      "timed_out",
    );
  });
});

describe("classifyOutcome: the last result decides", () => {
  it("is_error false → succeeded", () => {
    expect(classify([init(), result()])).toEqual({ state: "succeeded" });
  });

  it("success subtype with is_error true and 529 → api_error, whatever the exit code", () => {
    for (const exit of [OK, ONE]) {
      expect(classify([init(), result(API_529)], { exit })).toEqual({
        state: "failed",
        reason: "api_error",
        apiErrorStatus: 529,
        detail:
          "API error 529 (overloaded): API Error: 529 Overloaded. This is a server-side issue, usually temporary.",
      });
    }
  });

  it.each<[number | null, string]>([
    [401, "API error 401 (authentication failed: check the API key or login): boom"],
    [429, "API error 429 (rate limited): boom"],
    [500, "API error 500 (server error): boom"],
    [503, "API error 503 (server error): boom"],
    [400, "API error 400 (request rejected): boom"],
    [404, "API error 404 (not found: check the model name): boom"],
    [null, "API connection error (no HTTP response): boom"],
  ])("names the API error kind for status %s", (status, detail) => {
    const r = result({
      is_error: true,
      terminal_reason: "api_error",
      api_error_status: status,
      result: "boom",
    });
    expect(classify([init(), r])).toEqual({
      state: "failed",
      reason: "api_error",
      apiErrorStatus: status,
      detail,
    });
  });

  it("api_error_status without terminal_reason is still an API error", () => {
    const r = result({ is_error: true, api_error_status: 500, result: "API Error: 500 x" });
    expect(classify([init(), r]).state === "failed" && classify([init(), r])).toMatchObject({
      reason: "api_error",
    });
  });

  it("two results: the last decides (success after launch, or failure after success)", () => {
    expect(
      classify([init(), result({ result: "launched" }), init(), result({ result: "all done" })]),
    ).toEqual({
      state: "succeeded",
    });
    expect(classify([init(), result({ result: "launched" }), init(), result(API_529)]).state).toBe("failed");
    expect(classify([init(), result(API_529), result({ result: "recovered" })])).toEqual({
      state: "succeeded",
    });
  });

  it("error_max_budget_usd → budget_exceeded", () => {
    const r = result({
      subtype: "error_max_budget_usd",
      is_error: true,
      result: undefined,
      errors: ["Reached maximum budget ($0.0001)"],
      terminal_reason: "budget_exhausted",
    });
    expect(classify([init(), r], { exit: ONE })).toEqual({
      state: "failed",
      reason: "budget_exceeded",
      detail: "the --max-budget-usd limit was reached: Reached maximum budget ($0.0001)",
    });
  });

  it.each(["You've hit your limit · resets 3pm (Europe/Berlin)", "You're out of extra usage · resets 5pm"])(
    "a usage-limit banner %j is an API error 429 even with is_error false",
    (banner) => {
      expect(classify([init(), result({ result: banner })])).toEqual({
        state: "failed",
        reason: "api_error",
        apiErrorStatus: 429,
        detail: `usage limit reached: ${banner}`,
      });
      expect(classify([init(), result({ result: banner, is_error: true })]).state).toBe("failed");
    },
  );

  it("a long answer that merely mentions the phrase is not a banner", () => {
    const answer = `Fixed the retry loop so clients that hit your limit back off. ${"Details. ".repeat(80)}`;
    expect(classify([init(), result({ result: answer })])).toEqual({ state: "succeeded" });
  });

  it("other is_error results → agent_error with the result or errors text", () => {
    expect(classify([init(), result({ is_error: true, result: "Something broke" })])).toEqual({
      state: "failed",
      reason: "agent_error",
      detail: "the agent reported an error: Something broke",
    });
    const sigint = result({
      subtype: "error_during_execution",
      is_error: true,
      result: undefined,
      errors: ["[ede_diagnostic] result_type=user last_content_type=n/a stop_reason=tool_use"],
      terminal_reason: "aborted_tools",
    });
    expect(classify([init(), sigint])).toEqual({
      state: "failed",
      reason: "agent_error",
      detail:
        "the agent ended with error_during_execution: [ede_diagnostic] result_type=user last_content_type=n/a stop_reason=tool_use",
    });
  });
});

describe("classifyOutcome: resume failures", () => {
  const RESUME_DETAIL_END =
    "Start a fresh run without --resume, or check the session id and resume from the project directory it was recorded in";

  it("No conversation found in errors[] → resume_not_found", () => {
    const r = result({
      subtype: "error_during_execution",
      is_error: true,
      result: undefined,
      num_turns: 0,
      errors: ["No conversation found with session ID: 1111"],
    });
    expect(classify([r], { exit: ONE, resumeRequested: true })).toEqual({
      state: "failed",
      reason: "resume_not_found",
      detail: `the session to resume was not found (No conversation found with session ID: 1111). ${RESUME_DETAIL_END}`,
    });
  });

  it("--resume requires a valid session ID → resume_not_found", () => {
    const r = result({
      subtype: "error_during_execution",
      is_error: true,
      result: undefined,
      errors: [
        "Error: --resume requires a valid session ID or session title when used with --print. Usage: …",
      ],
    });
    const outcome = classify([r], { exit: ONE, resumeRequested: true });
    expect(outcome.state === "failed" && outcome.reason).toBe("resume_not_found");
  });

  it("resume failure only on stderr, with an is_error result without text", () => {
    const r = result({ subtype: "error_during_execution", is_error: true, result: undefined, errors: [] });
    const outcome = classify([r], {
      exit: ONE,
      resumeRequested: true,
      stderrTail: "No conversation found with session ID: 22\n",
    });
    expect(outcome).toEqual({
      state: "failed",
      reason: "resume_not_found",
      detail: `the session to resume was not found (No conversation found with session ID: 22). ${RESUME_DETAIL_END}`,
    });
  });

  it("resume failure on stderr without any result", () => {
    const outcome = classify([], {
      exit: ONE,
      resumeRequested: true,
      stderrTail: "No conversation found with session ID: 33",
    });
    expect(outcome.state === "failed" && outcome.reason).toBe("resume_not_found");
  });

  it("a resumed run that got going (init, turns) and then failed is not a resume failure", () => {
    const r = result({
      is_error: true,
      num_turns: 3,
      result: "git said: No conversation found with session ID: x",
    });
    const outcome = classify([init(), r], { resumeRequested: true });
    expect(outcome.state === "failed" && outcome.reason).toBe("agent_error");
  });

  it("an agent error quoting the phrase in a normal, non-resumed run is not a resume failure", () => {
    const r = result({ is_error: true, result: "Tool said: No conversation found with session ID: x" });
    const outcome = classify([init(), r]);
    expect(outcome.state === "failed" && outcome.reason).toBe("agent_error");
  });
});

describe("classifyOutcome: no result", () => {
  it("root refusal on stderr → spawn_failed with the fixes", () => {
    const stderr =
      "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n";
    expect(classify([], { exit: ONE, stderrTail: stderr })).toEqual({
      state: "failed",
      reason: "spawn_failed",
      detail:
        "claude refuses to skip permission prompts when run as root (--dangerously-skip-permissions cannot be used with root/sudo privileges).\n" +
        "Fix: run cctask as a normal user; or, if this machine is a disposable sandbox or container, set IS_SANDBOX=1 in the environment; " +
        "or choose a permission mode that asks for nothing, e.g. --permission-mode acceptEdits.",
    });
  });

  it("exit 0 without a result → crashed", () => {
    expect(classify([init(), text("m", "hi")], { exit: OK })).toEqual({
      state: "failed",
      reason: "crashed",
      detail: "the agent exited without a result line",
    });
  });

  it("non-zero exit → crashed with the code and the last stderr line", () => {
    expect(classify([init()], { exit: ONE, stderrTail: "first\nError: something odd happened\n\n" })).toEqual(
      {
        state: "failed",
        reason: "crashed",
        detail:
          "the agent exited with code 1 without a result line; last stderr line: Error: something odd happened",
      },
    );
  });

  it("signal exits are named", () => {
    expect(classify([init()], { exit: { kind: "code", code: 137 } }).detail).toBe(
      "the agent was killed by SIGKILL (exit 137) without a result line",
    );
    expect(classify([init()], { exit: { kind: "code", code: 139 } }).detail).toBe(
      "the agent was killed by SIGSEGV (exit 139) without a result line",
    );
  });

  it("unknown exit → interrupted", () => {
    expect(classify([init()], { exit: { kind: "unknown" } })).toEqual({
      state: "interrupted",
      detail: "the agent process disappeared without recording an exit status",
    });
  });
});

describe("extractFinalText", () => {
  const final = (lines: Line[], stderr = "") => extractFinalText(foldLines(lines), stderr);

  it("takes the LAST result's text, not the first (background agents)", () => {
    expect(
      final([init(), result({ result: "AGENT_LAUNCHED" }), init(), result({ result: "AGENT_ALL_DONE" })]),
    ).toBe("AGENT_ALL_DONE");
  });

  it("shows the error text of an error result: result text, else errors", () => {
    expect(final([init(), text("m", "partial"), result(API_529)])).toBe(API_529.result);
    expect(final([result({ is_error: true, result: undefined, errors: ["e1", "e2"] })])).toBe("e1\ne2");
  });

  it("falls back to main-thread text since the last init, then summaries, then stderr", () => {
    expect(
      final([init(), text("m1", "old turn"), init(), text("m2", "new turn"), text("m3", "sub", "toolu_A")]),
    ).toBe("new turn");
    const summaries: Line[] = [
      system("task_notification", { task_id: "a", summary: "A done" }),
      system("task_notification", { task_id: "b", summary: "B done" }),
    ];
    expect(final([init(), ...summaries])).toBe("A done\n\nB done");
    expect(final([init()], "  Error: boom\n")).toBe("Error: boom");
    expect(final([])).toBe("(no output captured)");
  });

  it("does not read a result without text as output", () => {
    const p: RunProgress = foldLines([init(), text("m", "what was written"), result({ result: undefined })]);
    expect(extractFinalText(p, "")).toBe("what was written");
  });
});
