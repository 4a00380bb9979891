/**
 * An invalid config.json5 while no daemon runs: read-only commands still work and warn (file,
 * error, fix); the daemon starts with the last good settings (or the defaults) and says so; a run
 * that ends meanwhile is finished by the daemon its wrapper starts.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunView } from "../../src/protocol.js";
import { createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.cleanup();
  sb = undefined;
});

const BROKEN = "{ maxConcurrent: 3, oops ";

function warning(home: string): string {
  const file = join(home, "config.json5");
  return (
    `cctask: warning: the config file ${file} is not valid JSON5: JSON5: invalid end of input at 1:26. ` +
    "Fix the syntax or remove the file to use the defaults.\n" +
    `cctask: until it is fixed, the daemon runs with the last good settings (${join(home, "config.last-good.json5")}).\n`
  );
}

async function stopDaemon(s: Sandbox): Promise<void> {
  const pid = s.daemonPid();
  const r = await s.cli(["daemon", "stop"]);
  expect(r.code).toBe(0);
  if (pid) await waitFor(() => !isAlive(pid), 15_000, "the daemon to exit");
}

describe("an invalid config.json5", () => {
  it("read-only commands work and warn; the daemon keeps the last good settings and says so", async () => {
    sb = createSandbox();
    sb.writeConfig({ maxConcurrent: 3 });
    const done = await sb.cli(["run", "-t", "REPLAY_RESULT=before-the-edit", "-p", sb.project, "--wait"]);
    expect(done.code, done.stderr).toBe(0);
    const id = (await sb.json<RunView[]>(["list"]))[0]!.id;
    const lastGood = join(sb.home, "config.last-good.json5");
    expect(readFileSync(lastGood, "utf8")).toBe('{"maxConcurrent":3}');
    expect(statSync(lastGood).mode & 0o777).toBe(0o600);
    await stopDaemon(sb);

    writeFileSync(join(sb.home, "config.json5"), BROKEN);
    const status = await sb.cli(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toBe("no active runs\n");
    expect(status.stderr).toBe(warning(sb.home));
    for (const args of [["list"], ["status", id], ["logs", id], ["result", id], ["wait", id]]) {
      const r = await sb.cli(args);
      expect(r.code, `cctask ${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe(warning(sb.home));
    }
    expect((await sb.cli(["result", id])).stdout).toBe("before-the-edit\n");

    const daemon = await sb.cli(["daemon", "status"]);
    expect(daemon.stdout).toBe(
      `cctask daemon running (pid ${sb.daemonPid()}) for ${sb.home}: 0 active run(s), at most 3 at once\n` +
        `⚠ the config file ${join(sb.home, "config.json5")} is not valid JSON5: JSON5: invalid end of input at 1:26. ` +
        "Fix the syntax or remove the file to use the defaults.\n" +
        `  running with the last good settings (${lastGood})\n`,
    );
    const log = readFileSync(join(sb.home, "daemon.log"), "utf8");
    expect(log).toMatch(
      /error config\.json5 is invalid, running with the last good settings \(.*config\.last-good\.json5\): the config file .* is not valid JSON5/,
    );
    // a launch is refused with the fix (nothing starts on settings the user did not write)
    const run = await sb.cli(["run", "-t", "x", "-p", sb.project]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/is not valid JSON5/);

    // fixed: the warning goes away at the next command
    sb.writeConfig({ maxConcurrent: 2 });
    const fixed = await sb.cli(["daemon", "status"]);
    expect(fixed.stdout).toMatch(/at most 2 at once\n$/);
    expect((await sb.cli(["list"])).stderr).toBe("");
  }, 180_000);

  it("without a last good copy the daemon runs on the defaults", async () => {
    sb = createSandbox();
    sb.writeConfig({});
    writeFileSync(join(sb.home, "config.json5"), "{ maxConcurrent: 'many' }");
    const r = await sb.cli(["list"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `cctask: warning: the config file ${join(sb.home, "config.json5")} has invalid settings:\n` +
        "  maxConcurrent: Invalid input: expected number, received string\n" +
        "Fix them or remove them to use the defaults.\n" +
        "cctask: until it is fixed, the daemon runs with the defaults.\n",
    );
  }, 60_000);

  it("a run that ends while no daemon runs is finished by the daemon its wrapper starts", async () => {
    sb = createSandbox();
    const receipt = await sb.json([
      "run",
      "-t",
      "REPLAY_EMIT_FOR_S=4 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=ended-alone",
      "-p",
      sb.project,
    ]);
    await stopDaemon(sb);
    writeFileSync(join(sb.home, "config.json5"), BROKEN);
    // nobody runs a command: the wrapper starts a daemon when the agent ends
    await waitFor(
      () => {
        const pid = sb!.daemonPid();
        return pid !== null && isAlive(pid);
      },
      30_000,
      "a daemon started by the run's wrapper",
    );
    const end = await sb.cli(["wait", receipt.id, "--json"]);
    expect(end.code).toBe(0);
    const v = JSON.parse(end.stdout) as RunView;
    expect(v.state).toBe("succeeded");
    expect(readFileSync(v.files.result, "utf8")).toBe("ended-alone");
  }, 120_000);
});
