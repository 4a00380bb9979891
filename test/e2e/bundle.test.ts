/** The built CLI as it is installed: the bundles, the daemon they start, the shim the agents run. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";
import { CLI, createSandbox, type Sandbox } from "../helpers/cctask.js";

let sb: Sandbox;
afterEach(async () => {
  await sb?.cleanup();
});

describe("the bundled CLI", () => {
  it("starts its daemon, and writes the agents' `cctask` shim, with this same CLI", async () => {
    sb = createSandbox();
    const started = await sb.json(["daemon", "start"]);
    expect(started.pid).toBe(sb.daemonPid());
    const cmdline = readFileSync(`/proc/${started.pid}/cmdline`, "utf8").split("\0");
    expect(cmdline.slice(1, 4)).toEqual([CLI, "daemon", "run"]);
    const shim = join(sb.home, "bin", "cctask");
    expect(readFileSync(shim, "utf8")).toContain(`'${CLI}' "$@"`);
    expect(execFileSync(shim, ["--version"], { encoding: "utf8" }).trim()).toBe(VERSION);
  });
});
