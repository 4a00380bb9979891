/**
 * The real Claude Code CLI (node_modules/.bin/claude) as the MCP client of `cctask mcp`, with the
 * fake Messages API scripting its tool calls: the README's mcpServers block through
 * --mcp-config, and the README's `claude mcp add` line. The runs use the replay claude.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-api.js";
import type { MessageReply } from "../fakes/anthropic-reply.js";
import { CLAUDE_BIN, claudeChildEnv } from "../fakes/claude-env.js";
import { CLI, createSandbox, ROOT, type Sandbox } from "../helpers/cctask.js";

const text = (t: string): MessageReply => ({ blocks: [{ type: "text", text: t }] });
const call = (name: string, input: Record<string, unknown>): MessageReply => ({
  blocks: [{ type: "tool_use", name: `mcp__cctask__${name}`, input }],
});

let fake: FakeAnthropic;
let sb: Sandbox | undefined;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  fake = await startFakeAnthropic({
    scenarios: {
      // run_task, then wait_for_run on the run id its result names, then list_runs, then the answer.
      SCEN_MCP_RUN: {
        pattern: /SCEN_MCP_RUN project=(\S+)/,
        reply: ({ turn, match, request }) => {
          const seen = JSON.stringify(request.messages.at(-1)?.content ?? "");
          // Claude Code hands the model a tool's structuredContent, as JSON text
          const runId = /runId\W+([0-9a-z]{8})/.exec(JSON.stringify(request.messages))?.[1];
          if (turn === 0)
            return call("run_task", {
              task: "from claude code REPLAY_EMIT_FOR_S=1 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=ran-through-mcp",
              project: match[1],
              label: "via claude code",
            });
          if (turn === 1) return runId ? call("wait_for_run", { runId }) : text(`NO_RUN_ID ${seen}`);
          if (turn === 2) return call("list_runs", { limit: 5 });
          return text(`MCP_DONE ${runId}`);
        },
      },
    },
  });
});

afterEach(async () => {
  for (const c of children) if (c.pid && c.exitCode === null) process.kill(-c.pid, "SIGKILL");
  children.clear();
  await sb?.cleanup();
  sb = undefined;
});

afterAll(async () => {
  await fake?.close();
});

/** A `cctask` on PATH, as `npm link` or a global install puts it there. */
function installCctask(s: Sandbox): string {
  const bin = join(s.root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "cctask"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, "cctask"), 0o755);
  return bin;
}

interface ClaudeRun {
  code: number | null;
  lines: Record<string, unknown>[];
  stdout: string;
  stderr: string;
}

/** The real claude, in its own process group (killed by PID after the test), offline against the fake. */
function runClaude(s: Sandbox, args: string[]): Promise<ClaudeRun> {
  const home = join(s.root, "claude-home");
  const tmp = join(s.root, "claude-tmp");
  mkdirSync(home, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const env = {
    ...claudeChildEnv({ baseUrl: fake.url, home, tmp }),
    // what the MCP server it starts needs: cctask's state and the replay claude for the runs
    CCTASK_HOME: s.env.CCTASK_HOME,
    CCTASK_CLAUDE_BIN: s.env.CCTASK_CLAUDE_BIN,
    PATH: `${join(s.root, "bin")}:${process.env.PATH}`,
  };
  const child = spawn(CLAUDE_BIN, args, {
    cwd: s.project,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const lines = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, stdout, stderr });
    });
  });
}

/** The content of each tool_result claude got, parsed (the tools answer with JSON); errors fail. */
function toolOutputs(run: ClaudeRun): unknown[] {
  const results = run.lines
    .filter((l) => l.type === "user")
    .flatMap(
      (l) => (l.message as { content: { type: string; content: unknown; is_error?: boolean }[] }).content,
    )
    .filter((c) => c.type === "tool_result");
  for (const r of results) expect(r.is_error ?? false, JSON.stringify(r.content)).toBe(false);
  return results.map((r) =>
    JSON.parse(typeof r.content === "string" ? r.content : JSON.stringify(r.content)),
  );
}

/** The README's fenced block that follows `marker`, whole. */
function readmeBlock(marker: string): string {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const at = readme.indexOf(marker);
  expect(at, `README.md has "${marker}"`).toBeGreaterThanOrEqual(0);
  const m = /```\w*\n([\s\S]*?)```/.exec(readme.slice(at));
  return m![1]!;
}

describe("Claude Code as the MCP client of cctask mcp", () => {
  it("calls run_task through the README's mcpServers block; the run succeeds and is listed", async () => {
    sb = createSandbox();
    installCctask(sb);
    const config = join(sb.root, "mcp.json");
    writeFileSync(config, readmeBlock("<!-- mcp-servers-json -->"));
    const tools = ["run_task", "wait_for_run", "list_runs"].map((t) => `mcp__cctask__${t}`);
    const run = await runClaude(sb, [
      "-p",
      `SCEN_MCP_RUN project=${sb.project}`,
      "--output-format",
      "stream-json",
      "--verbose",
      "--strict-mcp-config",
      "--mcp-config",
      config,
      "--allowedTools",
      tools.join(","),
    ]);
    const init = run.lines.find((l) => l.type === "system" && l.subtype === "init") as {
      mcp_servers: { name: string; status: string }[];
      tools: string[];
    };
    expect(init.mcp_servers).toEqual([{ name: "cctask", status: "connected", source: "dynamic" }]);
    expect(init.tools).toEqual(expect.arrayContaining(tools));
    const result = run.lines.find((l) => l.type === "result") as { result: string; is_error: boolean };
    expect(result, run.stderr).toMatchObject({ is_error: false });
    const id = /^MCP_DONE ([0-9a-z]{8})$/.exec(result.result)?.[1];
    expect(id, result.result).toBeDefined();

    // what the tools answered, as Claude Code handed it back to the model
    const [started, waited, listedByTool, ...more] = toolOutputs(run);
    expect(more).toEqual([]);
    expect(started).toMatchObject({ runId: id, state: "running", pid: expect.any(Number) });
    expect(waited).toMatchObject({ runId: id, state: "succeeded", ended: true });
    expect((listedByTool as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toEqual([id]);

    const listed = await sb.json<RunView[]>(["list"]);
    expect(listed.map((v) => [v.id, v.state, v.label])).toEqual([[id, "succeeded", "via claude code"]]);
    expect((await sb.cli(["result", id!])).stdout).toBe("ran-through-mcp\n");
  });

  it("`claude mcp add cctask -- cctask mcp` from the README registers a server that connects", async () => {
    sb = createSandbox();
    installCctask(sb);
    const line = readmeBlock("<!-- claude-mcp-add -->").trim();
    expect(line).toBe("claude mcp add cctask -- cctask mcp");
    const add = await runClaude(sb, line.split(" ").slice(1));
    expect(add.code, add.stderr).toBe(0);
    const list = await runClaude(sb, ["mcp", "list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^cctask: cctask mcp - ✔ Connected$/m);
  });
});
