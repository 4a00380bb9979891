import { describe, expect, it } from "vitest";
import {
  finalMessage,
  finalTitle,
  heartbeatMessage,
  idleDot,
  launchMessage,
  sessionMessage,
  updateMessage,
} from "../../../src/notify/messages.js";
import type { RunView } from "../../../src/protocol.js";

const SESSION = "5e6f7a8b-6666-4c03-b4c5-d6e7f8091a06";

function view(over: Partial<RunView> = {}): RunView {
  return {
    id: "r-7f3a",
    state: "running",
    reason: null,
    detail: null,
    apiErrorStatus: null,
    exitCode: null,
    createdAt: "2026-12-02T10:00:00.000+00:00",
    startedAt: "2026-12-02T10:00:01.000+00:00",
    endedAt: null,
    elapsedSeconds: 125,
    timeoutSeconds: 7200,
    projectDir: "/home/u/proj",
    task: "fix the tests",
    label: null,
    resume: null,
    sessionId: null,
    completionMode: "single",
    iteration: null,
    maxIterations: null,
    promptShortenedFrom: null,
    notify: [],
    deliveryFailures: [],
    pid: null,
    processGroup: null,
    model: null,
    apiKeySource: null,
    claudeVersion: null,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
    costUsd: null,
    toolCalls: 0,
    lastActivity: null,
    lastEventAt: null,
    silentSeconds: null,
    activeSubagents: [],
    filesWritten: 0,
    results: 0,
    malformedLines: 0,
    files: {
      dir: "/s/runs/r-7f3a",
      prompt: "/s/runs/r-7f3a/prompt.txt",
      events: "/s/runs/r-7f3a/events.jsonl",
      stderr: "/s/runs/r-7f3a/stderr.log",
      result: "/s/runs/r-7f3a/result.txt",
      output: null,
    },
    wake: null,
    ...over,
  };
}

describe("launchMessage", () => {
  it("says what started and where, quietly (what the agent says of itself comes later)", () => {
    const m = launchMessage(
      view({ pid: 4242, model: "claude-sonnet-4-5", apiKeySource: "ANTHROPIC_API_KEY", label: "nightly" }),
      "fix the tests",
    );
    expect(m).toEqual({
      kind: "launch",
      icon: "🚀",
      title: "Claude Code started",
      fields: [
        ["Run", "r-7f3a"],
        ["Label", "nightly"],
        ["Project", "/home/u/proj"],
        ["Timeout", "2h00m"],
        ["Resume", "new session"],
        ["PID", "4242"],
      ],
      quote: { label: "Prompt", text: "fix the tests" },
      footer: null,
      line: "🚀 Claude Code started: run r-7f3a in /home/u/proj",
      silent: true,
    });
  });

  it("leaves out what is not known yet, shows the iteration, and cuts a long prompt at 3500 characters", () => {
    const m = launchMessage(
      view({ resume: SESSION, completionMode: "iterate", iteration: 2, maxIterations: 5 }),
      "x".repeat(3501),
    );
    expect(m.fields).toEqual([
      ["Run", "r-7f3a"],
      ["Project", "/home/u/proj"],
      ["Timeout", "2h00m"],
      ["Resume", SESSION],
      ["Iteration", "2 of 5 (3 left)"],
    ]);
    expect(m.quote).toEqual({ label: "Prompt", text: `${"x".repeat(3500)}…` });
    expect(launchMessage(view(), "y".repeat(3500)).quote!.text).toBe("y".repeat(3500));
  });

  it("escapes control characters in the project and the label, never in the prompt it quotes", () => {
    const m = launchMessage(view({ projectDir: "/p\n✅ forged", label: "a\tb" }), "line 1\nline 2");
    expect(m.fields.slice(1, 3)).toEqual([
      ["Label", "a\\tb"],
      ["Project", "/p\\n✅ forged"],
    ]);
    expect(m.line).toBe("🚀 Claude Code started: run r-7f3a in /p\\n✅ forged");
    expect(m.quote!.text).toBe("line 1\nline 2"); // channels escape quotes themselves
  });
});

describe("sessionMessage and updateMessage", () => {
  it("name the session, what the agent said of itself, and how to resume it", () => {
    const told = view({
      model: "claude-sonnet-4-5",
      apiKeySource: "ANTHROPIC_API_KEY",
      claudeVersion: "2.1.330",
    });
    expect(sessionMessage(told, SESSION).fields).toEqual([
      ["Run", "r-7f3a"],
      ["Model", "claude-sonnet-4-5"],
      ["Auth", "ANTHROPIC_API_KEY"],
      ["Claude Code", "2.1.330"],
      ["Resume with", `cctask run --resume ${SESSION}`],
    ]);
    expect(sessionMessage(view(), SESSION)).toEqual({
      kind: "session",
      icon: "📝",
      title: `Session: ${SESSION}`,
      fields: [
        ["Run", "r-7f3a"],
        ["Resume with", `cctask run --resume ${SESSION}`],
      ],
      quote: null,
      footer: null,
      line: `📝 Session: ${SESSION} (run r-7f3a)`,
      silent: true,
    });
  });

  it("quote the agent's own update", () => {
    expect(updateMessage(view(), "half way")).toEqual({
      kind: "update",
      icon: "📡",
      title: "Update from Claude Code",
      fields: [["Run", "r-7f3a"]],
      quote: { label: "Message", text: "half way" },
      footer: null,
      line: "📡 🟢 CC: half way",
      silent: true,
    });
  });
});

describe("heartbeatMessage", () => {
  it("colours the silence: green under 30 s, yellow under 120 s, red after", () => {
    expect([null, 0, 29, 30, 119, 120].map(idleDot)).toEqual(["🟢", "🟢", "🟢", "🟡", "🟡", "🔴"]);
  });

  it("puts the counters on one line, the known ones only", () => {
    expect(heartbeatMessage(view()).line).toBe("📡 🟢 CC (2min) | sub:0");
    const busy = view({
      silentSeconds: 45,
      activeSubagents: [{ id: "a", description: "search" }],
      tokens: { input: 1200, output: 300, cacheRead: 9000, cacheCreation: 0 },
      costUsd: 0.0123,
      toolCalls: 4,
      lastActivity: "🔧 Bash: npm test",
    });
    const m = heartbeatMessage(busy);
    expect(m.line).toBe("📡 🟡 CC (2min) | sub:1 | 1.5K tok | $0.0123 | 4 calls | 🔧 Bash: npm test");
    expect(m.title).toBe("🟡 Claude Code working");
    expect(m.fields).toEqual([
      ["Run", "r-7f3a"],
      ["Elapsed", "2m05s"],
      ["Subagents", "1"],
      ["Tokens", "1.5K"],
      ["Cost", "$0.0123"],
      ["Tool calls", "4"],
      ["Activity", "🔧 Bash: npm test"],
    ]);
    expect(m).toMatchObject({ kind: "heartbeat", icon: "📡", quote: null, footer: null, silent: true });
  });

  it("says the agent is thinking once it has been quiet for over two minutes", () => {
    const m = heartbeatMessage(view({ silentSeconds: 121, lastActivity: "🔧 Read" }));
    expect(m.line).toBe("📡 🔴 CC (2min) | sub:0 | 🧠 Thinking... (121s)");
  });
});

describe("finalTitle", () => {
  it("names each ending", () => {
    const titles = [
      view({ state: "succeeded" }),
      view({ state: "failed", reason: "api_error", apiErrorStatus: 529 }),
      view({ state: "failed", reason: "crashed" }),
      view({ state: "failed", reason: "resume_not_found" }),
      view({ state: "timed_out", elapsedSeconds: 3601, timeoutSeconds: 3600 }),
      view({ state: "cancelled" }),
      view({ state: "interrupted" }),
    ].map(finalTitle);
    expect(titles).toEqual([
      "Claude Code task complete!",
      "Claude Code failed (api_error 529)",
      "Claude Code failed (crashed)",
      "Claude Code resume failed",
      "Claude Code timed out after 1h00m (limit: 1h00m)",
      "Claude Code cancelled",
      "Claude Code interrupted",
    ]);
  });
});

describe("finalMessage", () => {
  it("reports a success with its numbers and the result, pointing to the full text", () => {
    const v = view({
      state: "succeeded",
      detail: "ignored on success",
      sessionId: SESSION,
      toolCalls: 3,
      tokens: { input: 20_000, output: 1000, cacheRead: 0, cacheCreation: 0 },
      costUsd: 1.5,
      files: { ...view().files, output: "/home/u/out.md" },
    });
    expect(finalMessage(v, "All green.", { silent: false })).toEqual({
      kind: "final",
      icon: "✅",
      title: "Claude Code task complete!",
      fields: [
        ["Run", "r-7f3a"],
        ["Project", "/home/u/proj"],
        ["Elapsed", "2m05s"],
        ["Tool calls", "3"],
        ["Tokens", "21K"],
        ["Cost", "$1.50"],
        ["Session", SESSION],
      ],
      quote: { label: "Result (10 chars)", text: "All green." },
      footer: "Full result: /home/u/out.md",
      line: "✅ Claude Code task complete!: run r-7f3a",
      silent: false,
    });
  });

  it("says why a run failed, and what to do when its resume was not found", () => {
    const v = view({ state: "failed", reason: "resume_not_found", detail: "no such session" });
    const m = finalMessage(v, "", { silent: true });
    expect(m.icon).toBe("❌");
    expect(m.fields.slice(-2)).toEqual([
      ["Why", "no such session"],
      ["Suggestion", "Start a fresh session without --resume."],
    ]);
    expect(m.quote).toEqual({ label: "Result (0 chars)", text: "" });
    expect(m.footer).toBe("Full result: /s/runs/r-7f3a/result.txt");
    expect(m.line).toBe("❌ Claude Code resume failed: run r-7f3a — no such session");
    expect(m.silent).toBe(true);
  });

  it("calls what a stopped run left a partial result, with the icon of its ending", () => {
    for (const [state, icon] of [
      ["timed_out", "⏰"],
      ["cancelled", "🛑"],
      ["interrupted", "💥"],
    ] as const) {
      const m = finalMessage(view({ state, detail: "stopped" }), "half", { silent: false });
      expect(m.icon).toBe(icon);
      expect(m.quote!.label).toBe("Partial result (4 chars)");
      expect(m.fields.at(-1)).toEqual(["Why", "stopped"]);
    }
  });

  it("shows the iteration of an iterate-mode chain", () => {
    const v = view({ state: "succeeded", completionMode: "iterate", iteration: 5, maxIterations: 5 });
    expect(finalMessage(v, "done", { silent: false }).fields.at(-1)).toEqual([
      "Iteration",
      "5 of 5 (0 left)",
    ]);
  });
});
