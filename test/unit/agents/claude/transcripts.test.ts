// Folds the REAL transcripts recorded from Claude Code 2.1.330 against the fake API
// (test/fixtures/record-transcripts.ts) and checks outcome and key figures.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { describe, expect, it } from "vitest";
import { emptyProgress, fold } from "../../../../src/agents/claude/fold.js";
import { classifyOutcome, extractFinalText } from "../../../../src/agents/claude/outcome.js";
import { parseLine } from "../../../../src/agents/claude/parse.js";
import type { RunProgress } from "../../../../src/agents/claude/progress.js";
import type { ExitInfo, Outcome, StopRequest } from "../../../../src/run-state.js";

const DIR = new URL("../../../fixtures/transcripts/", import.meta.url);

interface Meta {
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  args: string[];
}

interface Recorded {
  meta: Meta;
  lines: string[];
  progress: RunProgress;
}

function load(name: string): Recorded {
  const meta = JSON.parse(readFileSync(new URL(`${name}.meta.json`, DIR), "utf8")) as Meta;
  const lines = readFileSync(new URL(`${name}.jsonl`, DIR), "utf8")
    .split("\n")
    .filter((l) => l !== "");
  let progress = emptyProgress();
  lines.forEach((line, i) => {
    progress = fold(progress, parseLine(line), i);
  });
  return { meta, lines, progress };
}

function exitOf(meta: Meta): ExitInfo {
  if (meta.exitCode !== null) return { kind: "code", code: meta.exitCode };
  const signal = meta.signal ? constants.signals[meta.signal as keyof typeof constants.signals] : undefined;
  return signal === undefined ? { kind: "unknown" } : { kind: "code", code: 128 + signal };
}

function outcomeOf(r: Recorded, stopRequest: StopRequest | null = null): Outcome {
  return classifyOutcome({
    progress: r.progress,
    exit: exitOf(r.meta),
    stopRequest,
    stderrTail: r.meta.stderr,
    resumeRequested: r.meta.args.includes("--resume"),
    timeoutSeconds: 3,
  });
}

interface Expected {
  outcome: Outcome;
  toolCalls: number;
  results: number;
  costUsd: number | null;
  finalText: string | RegExp; // a RegExp where the text holds the fake's random port
  tokens?: { input: number; output: number };
  apiRetries?: number;
}

const apiError = (status: number, detail: string): Outcome => ({
  state: "failed",
  reason: "api_error",
  apiErrorStatus: status,
  detail,
});

const OVERLOADED =
  "API Error: 529 Overloaded\\. This is a server-side issue, usually temporary — try again in a moment\\. " +
  "If it persists, check your inference gateway \\(127\\.0\\.0\\.1:\\d+\\)\\.";

const EXPECTED: Record<string, Expected> = {
  plain: {
    outcome: { state: "succeeded" },
    toolCalls: 0,
    results: 1,
    costUsd: 0.00406,
    finalText: "PLAIN_DONE",
    tokens: { input: 1000, output: 3 },
  },
  bash: {
    outcome: { state: "succeeded" },
    toolCalls: 1,
    results: 1,
    costUsd: 0.00842,
    finalText: "BASH_DONE",
    tokens: { input: 2000, output: 21 },
  },
  "agent-background": {
    outcome: { state: "succeeded" },
    toolCalls: 2,
    results: 2,
    costUsd: 0.021,
    finalText: "AGENT_ALL_DONE",
    tokens: { input: 5000, output: 50 },
  },
  "agent-foreground": {
    outcome: { state: "succeeded" },
    toolCalls: 2,
    results: 1,
    costUsd: 0.016940000000000004,
    finalText: "AGENT_ALL_DONE",
    tokens: { input: 4000, output: 47 },
  },
  "resume-plain": {
    outcome: { state: "succeeded" },
    toolCalls: 0,
    results: 1,
    costUsd: 0.00406, // the session-cumulative total_cost_usd says 0.00812
    finalText: "PLAIN_DONE",
    tokens: { input: 1000, output: 3 },
  },
  "api-500-then-ok": {
    outcome: { state: "succeeded" },
    toolCalls: 0,
    results: 1,
    costUsd: 0.00406,
    finalText: "PLAIN_DONE",
    apiRetries: 1,
  },
  "resume-unknown-uuid": {
    outcome: {
      state: "failed",
      reason: "resume_not_found",
      detail:
        "the session to resume was not found (No conversation found with session ID: 11111111-2222-4333-8444-555555555555). Start a fresh run without --resume, or check the session id and resume from the project directory it was recorded in",
    },
    toolCalls: 0,
    results: 1,
    costUsd: 0,
    finalText: "No conversation found with session ID: 11111111-2222-4333-8444-555555555555",
  },
  "budget-exceeded": {
    outcome: {
      state: "failed",
      reason: "budget_exceeded",
      detail: "the --max-budget-usd limit was reached: Reached maximum budget ($0.0001)",
    },
    toolCalls: 1,
    results: 1,
    costUsd: 0.00436,
    finalText: "Reached maximum budget ($0.0001)",
  },
  "api-error-529": {
    outcome: apiError(
      529,
      expect.stringMatching(new RegExp(`^API error 529 \\(overloaded\\): ${OVERLOADED}$`)),
    ),
    toolCalls: 0,
    results: 1,
    costUsd: 0,
    finalText: new RegExp(`^${OVERLOADED}$`),
    apiRetries: 1,
  },
  "api-error-401": {
    outcome: apiError(
      401,
      "API error 401 (authentication failed: check the API key or login): Invalid API key · Fix external API key",
    ),
    toolCalls: 0,
    results: 1,
    costUsd: 0,
    finalText: "Invalid API key · Fix external API key",
    apiRetries: 1,
  },
  "api-error-400": {
    outcome: apiError(400, "API error 400 (request rejected): API Error: 400 fake invalid request"),
    toolCalls: 0,
    results: 1,
    costUsd: 0,
    finalText: "API Error: 400 fake invalid request",
    apiRetries: 0,
  },
};

describe("real 2.1.330 transcripts", () => {
  const present = existsSync(DIR) ? readdirSync(DIR).filter((f) => f.endsWith(".jsonl")) : [];

  it.each(Object.entries(EXPECTED))("%s: outcome and figures", (name, want) => {
    const r = load(name);
    expect(outcomeOf(r)).toEqual(want.outcome);
    expect(r.progress.toolCalls).toBe(want.toolCalls);
    expect(r.progress.results).toHaveLength(want.results);
    expect(r.progress.costUsd).toBe(want.costUsd);
    const text = extractFinalText(r.progress, r.meta.stderr);
    if (typeof want.finalText === "string") expect(text).toBe(want.finalText);
    else expect(text).toMatch(want.finalText);
    expect(r.progress.activeSubagents).toEqual([]);
    if (want.tokens) expect(r.progress.tokens).toMatchObject(want.tokens);
    if (want.apiRetries !== undefined) expect(r.progress.apiRetries).toBe(want.apiRetries);
  });

  it.each(["api-error-500", "api-error-429", "model-not-found"])(
    "%s: api_error with the HTTP status",
    (name) => {
      const status = { "api-error-500": 500, "api-error-429": 429, "model-not-found": 404 }[name];
      const outcome = outcomeOf(load(name));
      expect(outcome.state === "failed" && [outcome.reason, outcome.apiErrorStatus]).toEqual([
        "api_error",
        status,
      ]);
    },
  );

  it("resume-non-uuid: resume_not_found, no init", () => {
    const r = load("resume-non-uuid");
    const outcome = outcomeOf(r);
    expect(outcome.state === "failed" && outcome.reason).toBe("resume_not_found");
    expect(r.progress.initCount).toBe(0);
  });

  it("sleep-sigterm: timed_out after our timeout, crashed without a request of ours", () => {
    const r = load("sleep-sigterm");
    expect(r.progress.results).toEqual([]);
    expect(r.progress.toolCalls).toBe(1);
    expect(r.progress.lastActivity).toBe('💻 bash: python3 -c "import time; time.sleep(30)"');
    expect(outcomeOf(r, "timeout")).toEqual({
      state: "timed_out",
      detail: "stopped after reaching the 3 s time limit; the partial output is kept",
    });
    expect(outcomeOf(r)).toEqual({
      state: "failed",
      reason: "crashed",
      detail: "the agent was killed by SIGTERM (exit 143) without a result line",
    });
    expect(r.progress.costUsd).toBeNull();
    expect(r.progress.tokens.input).toBe(1000);
  });

  it("agent-background: the agent stays active from launch until it completes, across the async ack", () => {
    const { lines } = load("agent-background");
    let p = emptyProgress();
    const counts: number[] = [];
    for (const line of lines) {
      p = fold(p, parseLine(line), 0);
      counts.push(p.activeSubagents.length);
    }
    const launch = lines.findIndex((l) => l.includes('"name":"Agent"') && l.includes('"type":"assistant"'));
    const ack = lines.findIndex((l) => l.includes("Async agent launched"));
    const ended = lines.findIndex((l) => l.includes('"subtype":"task_updated"')); // just before task_notification
    expect([launch > 0, ack > launch, ended > ack]).toEqual([true, true, true]);
    expect(counts.slice(0, launch)).toEqual(Array(launch).fill(0));
    // One agent throughout, though background_tasks_changed comes before task_started.
    expect(counts.slice(launch, ended)).toEqual(Array(ended - launch).fill(1));
    expect(counts[ended]).toBe(0);
    expect(p.initCount).toBe(2);
    expect(p.summaries).toEqual(["SUB_DONE"]);
    expect(p.results.map((r) => r.text)).toEqual(["AGENT_LAUNCHED", "AGENT_ALL_DONE"]);
  });

  it("every recorded transcript folds without malformed or unknown lines", () => {
    expect(present.length).toBeGreaterThanOrEqual(Object.keys(EXPECTED).length);
    for (const file of present) {
      const r = load(file.replace(/\.jsonl$/, ""));
      expect([file, r.progress.malformedLines, r.progress.unknownEvents]).toEqual([file, 0, 0]);
      expect(r.progress.eventCount).toBe(r.lines.length);
    }
  });
});
