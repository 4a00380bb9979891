import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../../src/agents/claude/bounded.js";
import { delta, foldLines, init, type Line, system, text, toolResult, toolUse } from "./lines.js";

const ACK =
  "Async agent launched successfully. (This tool result is internal metadata — never quote it.) agentId: a36e";

describe("fold: active subagents", () => {
  it("tracks a background agent until it ends, despite its immediate tool_result (real 2.1.330 order)", () => {
    const launch: Line[] = [
      init(),
      toolUse("m1", "toolu_A", "Agent", { description: "sub work", run_in_background: true }),
      system("background_tasks_changed", {
        tasks: [{ task_id: "task1", task_type: "local_agent", description: "sub work" }],
      }),
      system("task_started", {
        task_id: "task1",
        tool_use_id: "toolu_A",
        task_type: "local_agent",
        description: "sub work",
        is_backgrounded: true,
      }),
      toolResult("toolu_A", [{ type: "text", text: ACK }]),
      text("m2", "AGENT_LAUNCHED"),
      toolUse("m3", "t2", "Bash", { command: "echo hi" }, "toolu_A"),
    ];
    expect(foldLines(launch.slice(0, 3)).activeSubagents).toEqual([
      { id: "task1", description: "sub work", kind: "task", background: true },
    ]);
    const running = foldLines(launch);
    expect(running.activeSubagents).toEqual([
      { id: "task1", description: "sub work", kind: "task", background: true },
    ]);
    const ended = foldLines(
      [
        system("task_updated", { task_id: "task1", patch: { status: "completed" } }),
        system("task_notification", { task_id: "task1", tool_use_id: "toolu_A", status: "completed" }),
        system("background_tasks_changed", { tasks: [] }),
      ],
      running,
    );
    expect(ended.activeSubagents).toEqual([]);
  });

  it("keeps a pending background agent whose launch acknowledgement precedes task_started", () => {
    const p = foldLines([
      toolUse("m1", "toolu_A", "Agent", { description: "bg" }),
      toolResult("toolu_A", ACK),
    ]);
    expect(p.activeSubagents).toEqual([{ id: "toolu_A", description: "bg", kind: "tool_use" }]);
    const started = foldLines(
      [system("task_started", { task_id: "task1", tool_use_id: "toolu_A", task_type: "local_agent" })],
      p,
    );
    expect(started.activeSubagents).toEqual([{ id: "task1", description: "bg", kind: "task" }]);
  });

  it("tracks a foreground agent from tool_use to task_notification", () => {
    const p = foldLines([
      toolUse("m1", "toolu_F", "Agent", { description: "fg work", run_in_background: false }),
      system("task_started", {
        task_id: "task2",
        tool_use_id: "toolu_F",
        task_type: "local_agent",
        description: "fg work",
        is_backgrounded: false,
      }),
      toolUse("m2", "t5", "Bash", { command: "echo" }, "toolu_F"),
      system("background_tasks_changed", { tasks: [] }), // says nothing about foreground agents
    ]);
    expect(p.activeSubagents).toEqual([{ id: "task2", description: "fg work", kind: "task" }]);
    const ended = foldLines(
      [
        system("task_notification", {
          task_id: "task2",
          tool_use_id: "toolu_F",
          status: "completed",
          summary: "ok",
        }),
        toolResult("toolu_F", [{ type: "text", text: "[Subagent hand-back] ok" }]),
      ],
      p,
    );
    expect(ended.activeSubagents).toEqual([]);
  });

  it("ends a Task-named agent on its tool_result when the CLI sends no task events", () => {
    const p = foldLines([toolUse("m1", "toolu_T", "task", { description: "old cli" })]);
    expect(p.activeSubagents).toHaveLength(1);
    expect(foldLines([toolResult("toolu_T", "report")], p).activeSubagents).toEqual([]);
  });

  it("never counts local_bash tasks, nor TaskCreate-like tools", () => {
    const p = foldLines([
      toolUse("m1", "t1", "Bash", { command: "sleep 10" }),
      system("task_started", {
        task_id: "b1",
        tool_use_id: "t1",
        task_type: "local_bash",
        description: "sleep",
      }),
      toolUse("m2", "t2", "TaskCreate", { subject: "x" }),
    ]);
    expect(p.activeSubagents).toEqual([]);
  });

  it("ends a task on a terminal task_updated only", () => {
    const started = foldLines([
      system("task_started", { task_id: "k", task_type: "local_agent", description: "d" }),
    ]);
    expect(
      foldLines([system("task_updated", { task_id: "k", patch: { status: "running" } })], started)
        .activeSubagents,
    ).toHaveLength(1);
    for (const status of ["completed", "failed", "killed", "stopped"]) {
      const p = foldLines([system("task_updated", { task_id: "k", patch: { status } })], started);
      expect(p.activeSubagents).toEqual([]);
    }
  });

  it("ends a task on task_notification whatever its status", () => {
    const started = foldLines([system("task_started", { task_id: "k", task_type: "local_agent" })]);
    const p = foldLines([system("task_notification", { task_id: "k", status: "failed" })], started);
    expect(p.activeSubagents).toEqual([]);
  });

  it("takes background_tasks_changed as the truth about background agents", () => {
    const p = foldLines([
      system("background_tasks_changed", {
        tasks: [
          { task_id: "a", task_type: "local_agent", description: "A" },
          { task_id: "b", task_type: "local_agent", description: "B" },
          { task_id: "sh", task_type: "local_bash", description: "sleep" },
        ],
      }),
    ]);
    expect(p.activeSubagents.map((s) => s.id)).toEqual(["a", "b"]);
    const later = foldLines(
      [system("background_tasks_changed", { tasks: [{ task_id: "b", task_type: "local_agent" }] })],
      p,
    );
    expect(later.activeSubagents).toEqual([{ id: "b", description: "B", kind: "task", background: true }]);
  });
});

describe("fold: activity labels (seed-behaviour §6)", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["Write", { file_path: "/srv/app/src/index.ts", content: "x" }, "📝 Write: index.ts"],
    ["Edit", { file_path: "/srv/app/README.md" }, "📝 Edit: README.md"],
    ["NotebookEdit", { notebook_path: "/n/book.ipynb" }, "📝 NotebookEdit: book.ipynb"],
    ["Read", { file_path: "/etc/hosts" }, "👁 read: hosts"],
    ["Bash", { command: "npm test" }, "💻 bash: npm test"],
    ["Bash", { command: `echo ${"y".repeat(80)}` }, `💻 bash: echo ${"y".repeat(45)}`],
    ["Bash", { command: "cd /x &&\n  make" }, "💻 bash: cd /x && make"],
    ["Grep", { pattern: "x" }, "🔍 Grep"],
    ["WebSearch", { query: "x" }, "🔍 WebSearch"],
    ["TodoWrite", {}, "🔧 TodoWrite"],
    ["Agent", { description: "d" }, "🔧 Agent"],
  ])("labels %s %j as %s", (name, input, label) => {
    expect(foldLines([toolUse("m", "t", name, input)]).lastActivity).toBe(label);
  });

  it("shows the latest actor's tool, subagent included", () => {
    const p = foldLines([
      toolUse("m1", "t1", "Read", { file_path: "/a" }),
      toolUse("m2", "t2", "Bash", { command: "ls" }, "toolu_A"),
    ]);
    expect(p.lastActivity).toBe("💻 bash: ls");
  });

  it("shows thinking or writing from the latest delta", () => {
    expect(
      foldLines([toolUse("m", "t", "Read", { file_path: "/a" }), delta("thinking_delta")]).lastActivity,
    ).toBe("🧠 Thinking...");
    expect(foldLines([delta("thinking_delta"), delta("text_delta")]).lastActivity).toBe("✍️ Writing...");
    expect(foldLines([delta("text_delta"), delta("input_json_delta")]).lastActivity).toBe("✍️ Writing...");
  });

  it("falls back to task_progress.last_tool_name, without hiding a real tool_use label", () => {
    const progress = system("task_progress", { task_id: "k", last_tool_name: "Bash" });
    expect(foldLines([delta("thinking_delta"), progress]).lastActivity).toBe("🔧 Bash");
    expect(foldLines([progress]).lastActivity).toBe("🔧 Bash");
    const p = foldLines([toolUse("m", "t", "Read", { file_path: "/a/b" }), progress]);
    expect(p.lastActivity).toBe("👁 read: b");
  });
});

describe("fold: tool calls and files", () => {
  it("counts distinct tool_use ids across main thread and subagents", () => {
    const p = foldLines([
      toolUse("m1", "t1", "Bash", { command: "a" }),
      toolUse("m1", "t1", "Bash", { command: "a" }), // same block repeated
      toolUse("m2", "t2", "Read", { file_path: "/x" }, "toolu_A"),
      toolUse("m3", "t3", "Write", { file_path: "/p/x.ts" }),
      toolUse("m4", "t4", "Edit", { file_path: "/p/x.ts" }),
      toolUse("m5", "t5", "Edit", { file_path: "/p/y.ts" }),
    ]);
    expect(p.toolCalls).toBe(5);
    expect(p.filesWritten).toEqual(["/p/x.ts", "/p/y.ts"]);
    expect(p.filesWrittenCount).toBe(2);
  });

  it("moves a rewritten file to the end without counting it twice", () => {
    const p = foldLines([
      toolUse("m1", "t1", "Write", { file_path: "/a" }),
      toolUse("m2", "t2", "Write", { file_path: "/b" }),
      toolUse("m3", "t3", "Edit", { file_path: "/a" }),
    ]);
    expect(p.filesWritten).toEqual(["/b", "/a"]);
    expect(p.filesWrittenCount).toBe(2);
  });
});

describe("fold: bounded lists", () => {
  it("keeps a bounded window of recent tool and message ids while counting all", () => {
    const lines = Array.from({ length: 300 }, (_, i) => toolUse(`m${i}`, `t${i}`, "Bash", { command: "x" }));
    const p = foldLines(lines);
    expect(p.toolCalls).toBe(300);
    expect(p.tokens.input).toBe(300_000);
    expect(p.recentToolIds).toHaveLength(LIMITS.recentIds);
    expect(p.recentToolIds[LIMITS.recentIds - 1]).toBe("t299");
    expect(p.recentToolIds[0]).toBe(`t${300 - LIMITS.recentIds}`);
    expect(p.recentMessageIds).toHaveLength(LIMITS.recentIds);
  });

  it("keeps the last 100 written files and the last 20 summaries", () => {
    const writes = Array.from({ length: 150 }, (_, i) =>
      toolUse(`m${i}`, `t${i}`, "Write", { file_path: `/f${i}` }),
    );
    const notes = Array.from({ length: 30 }, (_, i) =>
      system("task_notification", { task_id: `k${i}`, summary: `s${i}` }),
    );
    const p = foldLines([...writes, ...notes]);
    expect(p.filesWritten).toHaveLength(100);
    expect(p.filesWritten[99]).toBe("/f149");
    expect(p.filesWrittenCount).toBe(150);
    expect(p.summaries).toHaveLength(20);
    expect(p.summaries[0]).toBe("s10");
  });

  it("keeps roughly the last 64 KB of main-thread text", () => {
    const chunks = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, "0")}${"z".repeat(997)}`);
    const p = foldLines([init(), ...chunks.map((c, i) => text(`m${i}`, c))]);
    expect(p.mainText.length).toBeGreaterThanOrEqual(LIMITS.mainTextChars);
    expect(p.mainText.length).toBeLessThanOrEqual(LIMITS.mainTextChars + 16 * 1024);
    expect(p.mainText.endsWith(chunks[99] ?? "missing")).toBe(true);
    expect(p.mainText.includes("000zzz")).toBe(false);
  });
});
