// Proves the fake API is faithful enough: the real CLI completes scripted runs against it.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-api.js";
import { CLAUDE_BIN, claudeChildEnv } from "../fakes/claude-env.js";

let fake: FakeAnthropic;
let root: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  fake = await startFakeAnthropic();
  root = await mkdtemp(path.join(os.tmpdir(), "cctask-fake-e2e-"));
  await Promise.all(["home", "tmp", "project"].map((d) => mkdir(path.join(root, d))));
});

afterAll(async () => {
  for (const child of children) if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  await fake?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

function runClaude(prompt: string): Promise<Run> {
  const env = claudeChildEnv({
    baseUrl: fake.url,
    home: path.join(root, "home"),
    tmp: path.join(root, "tmp"),
  });
  const args = ["-p", prompt, "--output-format", "stream-json", "--verbose", "--include-partial-messages"];
  // detached: own process group, so afterAll can kill the CLI together with its Bash children.
  const child = spawn(CLAUDE_BIN, [...args, "--dangerously-skip-permissions"], {
    cwd: path.join(root, "project"),
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      children.delete(child);
      const lines = stdout
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

const resultOf = (run: Run) => run.lines.filter((l) => l.type === "result").at(-1);

describe("fake Anthropic API with the real CLI", () => {
  it("SCEN_PLAIN ends with PLAIN_DONE", async () => {
    const run = await runClaude("SCEN_PLAIN say hi");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ subtype: "success", is_error: false, result: "PLAIN_DONE" });
    // Partial messages are on, so the raw SSE events come back wrapped as stream_event lines.
    expect(run.lines.some((l) => l.type === "stream_event")).toBe(true);
  });

  it("SCEN_BASH runs the tool and ends with BASH_DONE", async () => {
    const before = fake.requests.length;
    const run = await runClaude("SCEN_BASH run it");
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ subtype: "success", is_error: false, result: "BASH_DONE" });
    const toolResult = JSON.stringify(run.lines.filter((l) => l.type === "user"));
    expect(toolResult).toContain("hello-from-bash");
    const calls = fake.requests.slice(before).filter((r) => r.path.startsWith("/v1/messages"));
    expect(calls.map((r) => [r.scenario, r.turn, r.status])).toEqual([
      ["SCEN_BASH", 0, 200],
      ["SCEN_BASH", 1, 200],
    ]);
  });
});

// The scripting rules themselves, checked over plain HTTP so a failure points at the fake, not the CLI.
describe("fake Anthropic API scripting", () => {
  const post = (messages: unknown[], stream = true) =>
    fetch(`${fake.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-claude-code-session-id": "http-test" },
      body: JSON.stringify({ model: "m-echo", stream, messages }),
    });
  const sseData = async (res: Response) =>
    (await res.text())
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);

  it("anchors on the last real prompt and counts assistant turns after it", async () => {
    const prompt = {
      role: "user",
      content: [
        { type: "text", text: "<system-reminder>SCEN_PLAIN is not the token here</system-reminder>" },
        { type: "text", text: "SCEN_BASH go" },
      ],
    };
    const events = await sseData(
      await post([
        prompt,
        { role: "system", content: "env info" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
      ]),
    );
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(JSON.stringify(events)).toContain("BASH_DONE");
    expect(JSON.stringify(events[0])).toContain('"model":"m-echo"');
    expect(fake.requests.at(-1)).toMatchObject({ scenario: "SCEN_BASH", turn: 1, anchor: "SCEN_BASH go" });
  });

  it("answers error scenarios with the real error body and fails k times before succeeding", async () => {
    const res = await post([{ role: "user", content: "SCEN_ERR_529" }]);
    expect(res.status).toBe(529);
    expect(await res.json()).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await post([{ role: "user", content: "SCEN_FAIL_2_THEN_PLAIN" }])).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it("answers stream:false with a JSON message", async () => {
    const res = await post([{ role: "user", content: "SCEN_PLAIN" }], false);
    expect(await res.json()).toMatchObject({
      type: "message",
      content: [{ type: "text", text: "PLAIN_DONE" }],
    });
  });
});
