import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../../src/agents/claude/bounded.js";
import { emptyProgress, fold } from "../../../../src/agents/claude/fold.js";
import { parseLine } from "../../../../src/agents/claude/parse.js";
import type { RunProgress } from "../../../../src/agents/claude/progress.js";
import {
  delta,
  foldLines,
  init,
  type Line,
  messageDelta,
  messageStart,
  result,
  system,
  text,
  toolResult,
  toolUse,
  usageByModel,
} from "./lines.js";

describe("fold: init", () => {
  it("takes session, model, key source, version and permission mode from init and counts inits", () => {
    const p = foldLines([init("sess-9"), text("m1", "hello"), init("sess-9")]);
    expect(p.sessionId).toBe("sess-9");
    expect(p.model).toBe("claude-opus-5-5");
    expect(p.apiKeySource).toBe("ANTHROPIC_API_KEY");
    expect(p.claudeVersion).toBe("2.1.330");
    expect(p.permissionMode).toBe("bypassPermissions");
    expect(p.initCount).toBe(2);
  });

  it("keeps main-thread text since the last init only, without subagent text", () => {
    const p = foldLines([
      init(),
      text("m1", "launched, waiting"),
      text("m2", "SUB_DONE", "toolu_A"),
      init(),
      text("m3", "part one"),
      toolUse("m3", "t1", "Bash", { command: "ls" }),
      text("m4", "part two"),
    ]);
    expect(p.mainText).toBe("part one\n\npart two");
  });
});

describe("fold: tokens", () => {
  it("counts input usage once per message id across its content-block lines", () => {
    const cached = {
      input_tokens: 500,
      output_tokens: 1,
      cache_read_input_tokens: 200,
      cache_creation_input_tokens: 30,
    };
    const p = foldLines([
      text("m1", "Let me check."),
      toolUse("m1", "t1", "Bash", { command: "npm test" }),
      toolUse("m1", "t2", "Read", { file_path: "/a.ts" }),
      toolUse("m2", "t3", "Read", { file_path: "/b.ts" }, null, cached),
    ]);
    expect(p.tokens).toEqual({ input: 1500, output: 0, cacheRead: 200, cacheCreation: 30 });
  });

  it("counts a message once whether message_start or the assistant line comes first", () => {
    const p = foldLines([
      messageStart("m1"),
      text("m1", "a"),
      toolUse("m1", "t1", "Bash", { command: "ls" }),
      text("m2", "b"),
      messageStart("m2"),
      messageStart("m3"), // a message whose assistant line never came
    ]);
    expect(p.tokens.input).toBe(3000);
  });

  it("takes message_delta output as per-message totals: last value per message, summed", () => {
    const p = foldLines([
      messageStart("m1"),
      messageDelta("m1", 10),
      messageDelta("m1", 30),
      messageStart("m2"),
      messageDelta("m2", 5),
      messageDelta("m1", 30),
    ]);
    expect(p.tokens.output).toBe(35);
  });

  it("never adds the start-of-stream output_tokens of assistant lines", () => {
    const p = foldLines([text("m1", "a"), text("m1", "b"), toolUse("m1", "t", "Bash", { command: "x" })]);
    expect(p.tokens.output).toBe(0);
  });

  it("replaces the live counts by the sum of since-last usage over all results (subagents included)", () => {
    const p = foldLines([
      messageStart("m1"),
      messageDelta("m1", 21),
      result({ model_usage_since_last_result: usageByModel(5000, 50, 0.021) }),
      result({ model_usage_since_last_result: {} }),
    ]);
    expect(p.tokens).toEqual({ input: 5000, output: 50, cacheRead: 0, cacheCreation: 0 });
  });

  it("keeps a running token total over results, replacing live counts seen in between", () => {
    const p = foldLines([
      result({ model_usage_since_last_result: usageByModel(1000, 10, 0.1) }),
      messageStart("m9"), // live: +1000 input, replaced by the next result's figures
      messageDelta("m9", 7),
      result({ model_usage_since_last_result: usageByModel(500, 5, 0.05) }),
    ]);
    expect(p.tokens).toEqual({ input: 1500, output: 15, cacheRead: 0, cacheCreation: 0 });
    expect(p.results.map((r) => r.runTokens?.input)).toEqual([1000, 1500]);
  });

  it("falls back to modelUsage, then usage, on a CLI without since-last (2.1.197)", () => {
    const withModelUsage = foldLines([
      result({ modelUsage: usageByModel(2000, 40, 0.0123), total_cost_usd: 0.0123 }),
    ]);
    expect(withModelUsage.tokens).toEqual({ input: 2000, output: 40, cacheRead: 0, cacheCreation: 0 });
    const withUsage = foldLines([
      result({ usage: { input_tokens: 300, output_tokens: 7, cache_read_input_tokens: 9 } }),
    ]);
    expect(withUsage.tokens).toEqual({ input: 300, output: 7, cacheRead: 9, cacheCreation: 0 });
  });

  it("keeps the live counts when a result reports no usage at all", () => {
    const p = foldLines([messageStart("m1"), messageDelta("m1", 12), result({ total_cost_usd: undefined })]);
    expect(p.tokens).toEqual({ input: 1000, output: 12, cacheRead: 0, cacheCreation: 0 });
  });
});

describe("fold: cost", () => {
  it("sums since-last costs over two results of a background-agent run", () => {
    const p = foldLines([
      result({
        result: "launched",
        total_cost_usd: 0.021,
        model_usage_since_last_result: usageByModel(5000, 50, 0.021),
      }),
      result({ result: "all done", total_cost_usd: 0.021, model_usage_since_last_result: {} }),
    ]);
    expect(p.costUsd).toBe(0.021);
    expect(p.results.map((r) => r.runCostUsd)).toEqual([0.021, 0]);
  });

  it("uses since-last, not the session-cumulative total, after a resume", () => {
    const p = foldLines([
      result({ total_cost_usd: 0.00812, model_usage_since_last_result: usageByModel(1000, 3, 0.00406) }),
    ]);
    expect(p.costUsd).toBe(0.00406);
    expect(p.results[0]?.totalCostUsd).toBe(0.00812);
  });

  it("sums since-last over several models", () => {
    const sinceLast = { a: { costUSD: 0.5 }, b: { costUSD: 0.25 } };
    expect(foldLines([result({ total_cost_usd: 9, model_usage_since_last_result: sinceLast })]).costUsd).toBe(
      0.75,
    );
  });

  it("uses total_cost_usd when a result has no since-last (2.1.197)", () => {
    expect(foldLines([result({ total_cost_usd: 0.0123 })]).costUsd).toBe(0.0123);
  });

  it("stays exact beyond the bounded list of kept results", () => {
    const many = Array.from({ length: 20 }, () =>
      result({ model_usage_since_last_result: usageByModel(100, 1, 0.5) }),
    );
    const p = foldLines(many);
    expect(p.results).toHaveLength(LIMITS.results);
    expect(p.costUsd).toBe(10);
    expect(p.tokens).toEqual({ input: 2000, output: 20, cacheRead: 0, cacheCreation: 0 });
  });

  it("stays null until a result reports a cost", () => {
    expect(foldLines([init(), text("m1", "a")]).costUsd).toBeNull();
    expect(foldLines([result({ total_cost_usd: undefined })]).costUsd).toBeNull();
  });
});

describe("fold: results", () => {
  it("summarises every result line in order and records when the last arrived", () => {
    const p = foldLines([
      init(),
      result({ result: "launched", result_index: 0 }),
      result({
        subtype: "success",
        is_error: true,
        result: "API Error: 529 Overloaded.",
        api_error_status: 529,
        api_error_type: "overloaded_error",
        terminal_reason: "api_error",
        num_turns: 2,
      }),
    ]);
    expect(p.results).toHaveLength(2);
    expect(p.results[1]).toEqual({
      subtype: "success",
      isError: true,
      text: "API Error: 529 Overloaded.",
      errors: [],
      apiErrorStatus: 529,
      apiErrorType: "overloaded_error",
      terminalReason: "api_error",
      numTurns: 2,
      sessionId: "sess-1",
      runCostUsd: 0.01,
      totalCostUsd: 0.01,
      runTokens: null,
    });
    expect(p.lastResultAt).toBe(1002);
  });

  it("keeps errors[] and a missing result text as null", () => {
    const p = foldLines([
      result({
        subtype: "error_during_execution",
        is_error: true,
        result: undefined,
        errors: ["No conversation found"],
      }),
    ]);
    expect(p.results[0]?.text).toBeNull();
    expect(p.results[0]?.errors).toEqual(["No conversation found"]);
  });

  it("judges a result without is_error by its subtype", () => {
    const p = foldLines([result({ is_error: undefined, subtype: "error_max_turns" })]);
    expect(p.results[0]?.isError).toBe(true);
  });
});

describe("fold: liveness and bookkeeping", () => {
  it("updates lastEventAt on every line, lastProgressAt only on meaningful progress", () => {
    const p = foldLines([
      init(), // 1000
      system("status", { status: "requesting" }), // 1001
      delta("text_delta"), // 1002: progress
      toolResult("t1", "ok"), // 1003
      "garbage", // 1004
    ]);
    expect(p.firstEventAt).toBe(1000);
    expect(p.lastEventAt).toBe(1004);
    expect(p.lastProgressAt).toBe(1002);
    expect(p.eventCount).toBe(5);
  });

  it.each<[string, Line]>([
    ["tool use", toolUse("m", "t", "Bash", { command: "ls" })],
    ["assistant text", text("m", "hi")],
    ["thinking delta", delta("thinking_delta")],
    ["task_progress", system("task_progress", { task_id: "x", last_tool_name: "Bash" })],
    ["message_delta", messageDelta("m", 3)],
  ])("counts %s as progress", (_name, line) => {
    expect(foldLines([line]).lastProgressAt).toBe(1000);
  });

  it("records malformed lines (first 200 chars) and unknown types without failing", () => {
    const long = `{"type":"assistant","message":${"x".repeat(500)}`;
    const p = foldLines([long, { type: "tool_progress", elapsed_time_seconds: 31 }, init()]);
    expect(p.malformedLines).toBe(1);
    expect(p.lastMalformed).toBe(long.slice(0, 200));
    expect(p.unknownEvents).toBe(1);
    expect(p.sessionId).toBe("sess-1");
  });

  it("counts API retries and keeps the last one", () => {
    const p = foldLines([
      system("api_retry", { attempt: 1, error_status: 529, error: "overloaded" }),
      system("api_retry", { attempt: 2, error_status: null, error: "unknown" }),
    ]);
    expect(p.apiRetries).toBe(2);
    expect(p.lastApiRetry).toEqual({ attempt: 2, status: null, error: "unknown" });
  });

  it("keeps task_notification summaries", () => {
    const p = foldLines([
      system("task_notification", { task_id: "a", status: "completed", summary: "first" }),
      system("task_notification", { task_id: "b", status: "failed", summary: "second" }),
    ]);
    expect(p.summaries).toEqual(["first", "second"]);
  });
});

describe("fold: purity and sharing", () => {
  const lines: Line[] = [
    init(),
    messageStart("m1"),
    delta("text_delta", "m1"),
    text("m1", "hello"),
    toolUse("m1", "toolu_A", "Agent", { description: "sub" }),
    toolUse("m1", "t2", "Write", { file_path: "/p/a.ts" }),
    messageDelta("m1", 9),
    system("task_started", { task_id: "task1", tool_use_id: "toolu_A", task_type: "local_agent" }),
    system("background_tasks_changed", { tasks: [] }),
    system("task_progress", { task_id: "task1", last_tool_name: "Bash" }),
    system("task_notification", { task_id: "task1", summary: "done" }),
    toolResult("toolu_A", "report"),
    system("api_retry", { attempt: 1 }),
    result({ model_usage_since_last_result: usageByModel(1, 1, 0.1) }),
    { type: "mystery" },
    "{broken",
  ];

  it("never mutates its input (deeply frozen progress)", () => {
    let p: RunProgress = deepFreeze(emptyProgress());
    lines.forEach((line, i) => {
      const next = fold(p, parseLine(JSON.stringify(line)), i);
      expect(next).not.toBe(p);
      p = deepFreeze(next);
    });
    expect(p.toolCalls).toBe(2);
  });

  it("shares arrays and objects an event did not change", () => {
    const before = foldLines(lines.slice(0, 7));
    const after = fold(before, parseLine(JSON.stringify(delta("text_delta", "m1"))), 5000);
    expect(after.tokens).toBe(before.tokens);
    expect(after.results).toBe(before.results);
    expect(after.activeSubagents).toBe(before.activeSubagents);
    expect(after.recentToolIds).toBe(before.recentToolIds);
    expect(after.lastProgressAt).toBe(5000);
  });
});

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}
