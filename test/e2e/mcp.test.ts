/**
 * `cctask mcp` driven by the MCP SDK's own client over stdio, against a real daemon and the
 * replay claude: every tool and resource, bad arguments, progress, subscriptions.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ResourceUpdatedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, createSandbox, isAlive, ROOT, type Sandbox, waitFor } from "../helpers/cctask.js";
import { type McpSession, startMcp } from "../helpers/mcp.js";

let sb: Sandbox;
let mcp: McpSession | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  await sb?.cleanup();
});

function runDirs(): string[] {
  try {
    return readdirSync(join(sb.home, "runs"));
  } catch {
    return [];
  }
}

describe("cctask mcp", () => {
  it("lists its tools with the argument names clients rely on", async () => {
    sb = createSandbox();
    mcp = await startMcp(sb);
    expect(mcp.client.getServerVersion()?.name).toBe("cctask");
    const { tools } = await mcp.client.listTools();
    const args = Object.fromEntries(tools.map((t) => [t.name, Object.keys(t.inputSchema.properties ?? {})]));
    expect(args).toEqual({
      run_task: [
        "task",
        "project",
        "createProject",
        "timeoutSeconds",
        "resume",
        "label",
        "notify",
        "session",
        "model",
        "agent",
        "completionMode",
        "maxIterations",
      ],
      get_run: ["runId"],
      list_runs: ["limit", "state"],
      wait_for_run: ["runId", "timeoutSeconds"],
      get_result: ["runId"],
      cancel_run: ["runId"],
      list_sessions: ["label", "project"],
      get_notifications: ["runId"],
    });
    expect(tools.find((t) => t.name === "run_task")?.inputSchema.required).toEqual(["task"]);
  });

  it("runs a task, follows it with progress and a subscription, and reads every view of it", async () => {
    sb = createSandbox();
    mcp = await startMcp(sb);
    const updated: string[] = [];
    mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updated.push(n.params.uri);
    });

    const started = await mcp.call("run_task", {
      task: "via mcp REPLAY_EMIT_FOR_S=2 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=mcp-done",
      project: sb.project,
      timeoutSeconds: 120,
      label: "mcp label",
      notify: ["console"],
      agent: "claude",
    });
    expect(started.isError).toBe(false);
    const id = started.structured.runId as string;
    expect(id).toMatch(/^[0-9a-z]{8}$/);
    expect(started.structured.state).toBe("running");
    expect(isAlive(started.structured.pid as number)).toBe(true);
    expect(started.text).toBe(
      `run ${id} running (pid ${started.structured.pid}). Follow it with wait_for_run.`,
    );

    const statusUri = `cctask://runs/${id}`;
    await mcp.client.subscribeResource({ uri: statusUri });

    const got = await mcp.call("get_run", { runId: id.slice(0, 5) });
    expect(got.structured.runId).toBe(id);
    expect(got.structured.projectDir).toBe(sb.project);

    const progress: { progress: number; message?: string }[] = [];
    const waited = await mcp.call("wait_for_run", { runId: id }, { onprogress: (p) => progress.push(p) });
    expect(waited.structured).toMatchObject({ runId: id, state: "succeeded", ended: true });
    expect(waited.text).toBe(`run ${id}: succeeded`);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.some((p) => /run \w+ progress: \d+ tool call/.test(p.message ?? ""))).toBe(true);
    expect(progress.at(-1)?.message).toMatch(new RegExp(`#\\d+ run ${id} ended succeeded$`));

    // the subscription saw the run end
    await waitFor(() => updated.includes(statusUri), 10_000, "resources/updated for the run");

    const result = await mcp.call("get_result", { runId: id });
    expect(result.structured).toEqual({
      runId: id,
      state: "succeeded",
      reason: null,
      detail: null,
      result: "mcp-done",
    });
    expect(result.text).toBe("mcp-done");

    const { resources } = await mcp.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(expect.arrayContaining([statusUri, `${statusUri}/result`]));
    const { resourceTemplates } = await mcp.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "cctask://runs/{id}",
      "cctask://runs/{id}/result",
    ]);
    const status = await mcp.client.readResource({ uri: `cctask://runs/${id.slice(0, 4)}` });
    expect(JSON.parse((status.contents[0] as { text: string }).text)).toMatchObject({
      runId: id,
      state: "succeeded",
    });
    const final = await mcp.client.readResource({ uri: `${statusUri}/result` });
    expect(final.contents).toEqual([
      { uri: `${statusUri}/result`, mimeType: "text/plain", text: "mcp-done" },
    ]);

    const listed = await mcp.call("list_runs", { state: "succeeded" });
    expect((listed.structured.runs as { runId: string }[]).map((r) => r.runId)).toEqual([id]);
    expect(listed.text).toContain(id);
    expect((await mcp.call("list_runs", { state: "running" })).structured.runs).toEqual([]);
    expect((await mcp.call("list_runs", { limit: 1 })).structured.runs).toHaveLength(1);

    const sessions = await mcp.call("list_sessions", { label: "mcp label" });
    const list = sessions.structured.sessions as { label: string; projectDir: string }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ label: "mcp label", projectDir: sb.project });
    expect((await mcp.call("list_sessions", { project: sb.root })).structured.sessions).toEqual([]);

    const notes = await mcp.call("get_notifications", { runId: id });
    const kinds = (notes.structured.notifications as { kind: string; target: string }[]).map((n) => n.kind);
    expect(kinds).toContain("launch");
    expect(kinds).toContain("final");
    expect(notes.text).toContain("console");

    // the CLI sees the same run
    expect((await sb.json(["status", id])).state).toBe("succeeded");
  });

  it("cancels a run, and waits no longer than asked, with a progress note while nothing happens", async () => {
    sb = createSandbox();
    mcp = await startMcp(sb);
    // a run that goes quiet after its start: no event comes while wait_for_run waits
    const { structured } = await mcp.call("run_task", {
      task: "REPLAY_NO_RESULT=1 REPLAY_HANG=1",
      project: sb.project,
    });
    const id = structured.runId as string;
    const progress: string[] = [];
    const t0 = Date.now();
    const brief = await mcp.call(
      "wait_for_run",
      { runId: id, timeoutSeconds: 11 },
      { onprogress: (p) => progress.push(p.message ?? "") },
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(11_000);
    expect(brief.structured).toMatchObject({ runId: id, state: "running", ended: false });
    expect(brief.text).toMatch(/\(still going after 11 s; call wait_for_run again\)$/);
    expect(progress).toContain(`run ${id}: still waiting (10 s)`);
    const early = await mcp.call("get_result", { runId: id });
    expect(early).toMatchObject({
      isError: true,
      text: `run ${id} is still running; its result is not there yet. Wait for it with wait_for_run`,
    });

    const cancelled = await mcp.call("cancel_run", { runId: id });
    expect(cancelled.structured).toMatchObject({ runId: id, state: "cancelled", alreadyEnded: false });
    const again = await mcp.call("cancel_run", { runId: id });
    expect(again.structured).toMatchObject({ state: "cancelled", alreadyEnded: true });
    expect(again.text).toBe(`run ${id} had already ended: cancelled; nothing to cancel`);
  });

  it("refuses bad arguments as tool errors, as cctask run does, and starts nothing", async () => {
    sb = createSandbox();
    mcp = await startMcp(sb);
    const refusal = async (name: string, args: Record<string, unknown>) => {
      const r = await mcp!.call(name, args);
      expect(r.isError).toBe(true);
      return r.text;
    };
    const cliRefusal = async (args: string[]) => {
      const r = await sb.cli(["run", ...args]);
      expect(r.code).toBe(2);
      return r.stderr.trim().replace(/^cctask run: /, "");
    };

    expect(await refusal("run_task", {})).toBe(
      'task is missing; pass it, e.g. "task": "Fix the failing tests"',
    );
    expect(await refusal("run_task", { task: "  \n" })).toBe(
      'the task is empty (from the argument "task"); say what Claude should do',
    );
    expect(await refusal("run_task", { task: 42 })).toBe(
      'task must be a string, got 42. Example: "task": "Fix the failing tests"',
    );
    expect(await refusal("run_task", { task: "x", prompt: "y" })).toBe(
      'run_task takes no argument "prompt"; its arguments are: task, project, createProject, timeoutSeconds, resume, label, notify, session, model, agent, completionMode, maxIterations',
    );
    expect(await refusal("run_task", { task: "x", agent: "codex" })).toBe(
      'agent "codex" is not supported: cctask runs claude only; leave agent out or pass "claude"',
    );

    // the same checks as cctask run, naming the tool's argument instead of the flag
    const same: [Record<string, unknown>, string[], string, string][] = [
      [{ timeoutSeconds: 0 }, ["--timeout", "0"], "timeoutSeconds", "--timeout"],
      [{ timeoutSeconds: 1.5 }, ["--timeout", "1.5"], "timeoutSeconds", "--timeout"],
      [{ timeoutSeconds: "2h" }, ["--timeout", "2h"], "timeoutSeconds", "--timeout"],
      [{ maxIterations: 0 }, ["--max-iterations", "0"], "maxIterations", "--max-iterations"],
      [{ completionMode: "often" }, ["--completion-mode", "often"], "completionMode", "--completion-mode"],
      [{ notify: ["telegram:abc"] }, ["--notify", "telegram:abc"], "notify", "--notify"],
      [{ notify: ["sms:1"] }, ["--notify", "sms:1"], "notify", "--notify"],
      [{ project: "" }, ["--project", ""], "project", "--project"],
      [{ session: " " }, ["--session", " "], "session", "--session"],
      [{ model: "" }, ["--model", ""], "model", "--model"],
      [{ label: "" }, ["--session-label", ""], "label", "--session-label"],
    ];
    for (const [args, flags, name, flag] of same) {
      const cli = await cliRefusal(["--task", "x", ...flags]);
      expect(await refusal("run_task", { task: "x", ...args })).toBe(cli.replaceAll(flag, name));
    }
    // what the tool has instead of a flag: an argument, or another tool
    const nowhere = join(sb.root, "nowhere");
    expect(await refusal("run_task", { task: "x", project: nowhere })).toBe(
      `the project directory ${nowhere} does not exist; create it, or pass "createProject": true to have cctask create it`,
    );
    expect(await refusal("run_task", { task: "x", project: join(ROOT, "package.json") })).toBe(
      `the project path ${join(ROOT, "package.json")} is a file, not a directory; pass a directory with project`,
    );
    expect(await refusal("run_task", { task: "x", createProject: "yes" })).toBe(
      'createProject must be true or false, got "yes". Example: "createProject": true',
    );
    expect(await refusal("run_task", { task: "x", resume: "no such session" })).toBe(
      'no session has the id or label "no such session". Session ids are UUIDs (get_run shows a run\'s sessionId); labels: list_sessions',
    );
    expect(await refusal("run_task", { task: "x", session: "not-a-key" })).toContain(
      "Pass the key sessions_list shows for the chat (cctask run --session, or run_task's session argument).",
    );
    expect(await refusal("run_task", { task: "x", notify: "console" })).toBe(
      'notify must be an array of strings, got "console". Example: "notify": ["console"]',
    );

    expect(await refusal("get_run", { runId: "zzzz" })).toBe(
      'no run with id "zzzz"; list_runs shows the runs there are',
    );
    expect(await refusal("get_run", {})).toBe('runId is missing; pass it, e.g. "runId": "3f9a1c2b"');
    expect(await refusal("wait_for_run", { runId: "zzzz", timeoutSeconds: -1 })).toBe(
      'timeoutSeconds must be a whole number of seconds from 1 to 604800 (7 days), got "-1": it is below 1. Example: timeoutSeconds 900 (15 minutes)',
    );
    expect(await refusal("wait_for_run", { runId: "zzzz", timeoutSeconds: true })).toBe(
      'timeoutSeconds must be a number, got true. Example: "timeoutSeconds": 50',
    );
    expect(await refusal("list_runs", { state: "done" })).toBe(
      'state must be one of active, queued, starting, running, succeeded, failed, timed_out, cancelled, interrupted; got "done"',
    );
    expect(await refusal("list_runs", { limit: 0 })).toBe(
      'limit must be a whole number of runs from 1 to 500, got "0". Example: limit 20',
    );
    expect(await refusal("no_such_tool", {})).toBe(
      'no tool "no_such_tool"; cctask\'s tools are run_task, get_run, list_runs, wait_for_run, get_result, cancel_run, list_sessions, get_notifications',
    );
    await expect(mcp.client.readResource({ uri: "cctask://nope" })).rejects.toThrow(
      'no resource "cctask://nope": cctask\'s resources are cctask://runs/{id} and cctask://runs/{id}/result',
    );
    await expect(mcp.client.readResource({ uri: "cctask://runs/zzzz" })).rejects.toThrow(
      'no run with id "zzzz"',
    );
    await expect(mcp.client.subscribeResource({ uri: "cctask://runs/zzzz" })).rejects.toThrow(
      'no run with id "zzzz"',
    );

    // nothing was started by any of them, and the server is still there
    expect(runDirs()).toEqual([]);
    expect(isAlive(mcp.pid)).toBe(true);
    expect((await mcp.call("list_runs", {})).structured.runs).toEqual([]);
    expect(mcp.stderr()).not.toContain("internal error");
  });
});

describe("cctask mcp over a raw pipe", () => {
  it("goes on after a line that is not JSON-RPC, and exits when standard input closes, even mid-wait", async () => {
    sb = createSandbox();
    const run = await sb.json(["run", "-t", "REPLAY_EMIT_FOR_S=60", "-p", sb.project]);
    const child = spawn(process.execPath, [CLI, "mcp"], { cwd: sb.root, env: sb.env, stdio: "pipe" });
    try {
      const lines: Record<string, unknown>[] = [];
      let stderr = "";
      let buffered = "";
      child.stdout.on("data", (c: Buffer) => {
        buffered += c.toString();
        const parts = buffered.split("\n");
        buffered = parts.pop()!;
        for (const l of parts) lines.push(JSON.parse(l));
      });
      child.stderr.on("data", (c: Buffer) => {
        stderr += c.toString();
      });
      const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
      const answer = (id: number) =>
        waitFor(() => lines.some((l) => l.id === id), 10_000, `the answer to request ${id}`).then(
          () => lines.find((l) => l.id === id)!,
        );

      child.stdin.write("this is not json\n");
      send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "0" },
        },
      });
      expect(await answer(1)).toMatchObject({ result: { serverInfo: { name: "cctask" } } });
      expect(stderr).toContain("cctask mcp: ");
      send({ jsonrpc: "2.0", method: "notifications/initialized" });
      send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_run", arguments: "oops" } });
      // arguments that are not an object: refused as invalid params, in words, and the server goes on
      expect(await answer(2)).toEqual({
        jsonrpc: "2.0",
        id: 2,
        error: {
          code: -32602,
          message:
            'the arguments of get_run must be an object of argument names and values, got "oops"; e.g. "arguments": {"runId": "3f9a1c2b"}',
        },
      });
      send({ jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: 5 } });
      expect(await answer(5)).toMatchObject({
        error: {
          code: -32602,
          message: 'tools/call needs the tool\'s name as a string, got 5; e.g. "name": "get_run"',
        },
      });
      send({ jsonrpc: "2.0", id: 6, method: "tools/call", params: { name: "get_run", arguments: null } });
      expect((await answer(6)).error).toMatchObject({ code: -32602 });
      send({
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "get_run", arguments: { runId: run.id } },
      });
      expect(await answer(4)).toMatchObject({
        result: { structuredContent: { runId: run.id, state: "running" } },
      });
      send({
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "wait_for_run", arguments: { runId: run.id } },
      });
      await new Promise((r) => setTimeout(r, 500));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      child.stdin.end();
      await waitFor(() => child.exitCode !== null, 10_000, "cctask mcp to exit after stdin closed");
      expect(await exited).toBe(0);
      expect(isAlive(run.pid!)).toBe(true); // the run goes on without its client
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

describe("start-up cost", () => {
  it("loads the MCP SDK for cctask mcp only", async () => {
    sb = createSandbox();
    const loaded = async (args: string[]) => {
      const file = join(sb.root, `imports-${args[0]}`);
      writeFileSync(file, "");
      const hook = join(ROOT, "test/fixtures/record-imports.mjs");
      const r = await sb.cli(args, { env: { NODE_OPTIONS: `--import=${hook}`, CCTASK_TEST_IMPORTS: file } });
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(file, "utf8");
    };
    const list = await loaded(["list"]);
    expect(list).toContain("/dist/cli.js"); // the record works
    expect(list).not.toContain("@modelcontextprotocol");
    expect(await loaded(["status"])).not.toContain("@modelcontextprotocol");
    // standard input is closed at once: the server starts, and ends
    expect(await loaded(["mcp"])).toMatch(/@modelcontextprotocol\/sdk\/dist\/(esm|cjs)\/server\/index\.js/);
  });
});
