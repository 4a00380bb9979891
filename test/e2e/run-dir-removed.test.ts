/** An agent that deletes its own run directory after its result: the outcome is still the agent's. */
import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { createSandbox, type Sandbox } from "../helpers/cctask.js";

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

describe("the run directory removed by the agent", () => {
  it("after a successful result: succeeded, with the result text the daemon folded from the stream", async () => {
    sb = createSandbox();
    const r = await sb.cli(
      [
        "run",
        "-t",
        "tidy up REPLAY_EMIT_FOR_S=1 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=cleaned-up REPLAY_RM_RUN_DIR=1",
        "-p",
        sb.project,
        "--notify",
        "console",
        "--wait",
        "--json",
      ],
      { timeoutMs: 90_000 },
    );
    const end = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as RunView;
    expect(end.state, end.detail ?? "").toBe("succeeded");
    expect(r.code).toBe(0);
    expect(end.reason).toBeNull();
    expect(end.detail).toBe(
      "the run directory was removed while the run was going; the result is kept from the agent's stream",
    );
    expect(end.toolCalls).toBeGreaterThanOrEqual(3);
    const result = await sb.cli(["result", end.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("cleaned-up\n");
    // the final notification carries the result too
    const consoleLog = `${end.files.dir}/console.log`;
    expect(existsSync(consoleLog)).toBe(true);
    expect(readFileSync(consoleLog, "utf8")).toMatch(
      /✅ Claude Code task complete!: run \w+\n {2}> cleaned-up\n/,
    );
  }, 120_000);
});
