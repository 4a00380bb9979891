/**
 * `cctask mcp` against what a client may send beyond the ordinary: very long lines, tool names
 * that are names of object properties, arguments that are not an object. The server answers each
 * and goes on serving.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, isAlive, type Sandbox } from "../helpers/cctask.js";
import { type McpSession, startMcp } from "../helpers/mcp.js";

let sb: Sandbox;
let mcp: McpSession | undefined;
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  await sb?.cleanup();
});

describe("cctask mcp and long requests", () => {
  it("reads a task within the limit however it is escaped, and refuses a longer line yet goes on", async () => {
    sb = createSandbox();
    mcp = await startMcp(sb);
    const nowhere = join(sb.root, "nowhere");
    // 6 MB of quotes: over 12 MB as a JSON line, yet a task within the 10 MB limit
    const quoted = await mcp.call("run_task", { task: '"'.repeat(6_000_000), project: nowhere });
    expect(quoted.isError).toBe(true);
    expect(quoted.text).toContain(nowhere);
    expect(quoted.text).not.toContain("ReadBuffer");

    // 11 MiB of control characters: a 66 MiB line, over what the server reads
    await expect(
      mcp.call("run_task", { task: "\u0001".repeat(11 * 1024 * 1024), project: nowhere }),
    ).rejects.toThrow(
      /a request of \d+ bytes is over the limit of 64 MB a line; nothing was done\. A task may be at most 10 MB: put long material in a file and name it in the task/,
    );
    expect(isAlive(mcp.pid)).toBe(true);
    expect((await mcp.call("list_runs", {})).structured.runs).toEqual([]);
    expect(mcp.stderr()).toContain("cctask mcp: a request of ");
    expect(mcp.stderr()).not.toContain("ReadBuffer");
  }, 60_000);
});

describe("cctask mcp and odd tool names", () => {
  it("refuses a tool named like an object property as any unknown tool", async () => {
    sb = createSandbox();
    mcp = await startMcp(sb);
    for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "valueOf"]) {
      const r = await mcp.call(name, {});
      expect(r.isError).toBe(true);
      expect(r.text).toBe(
        `no tool "${name}"; cctask's tools are run_task, get_run, list_runs, wait_for_run, get_result, cancel_run, list_sessions, get_notifications`,
      );
    }
    expect(mcp.stderr()).toBe("");
  });
});
