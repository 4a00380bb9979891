/**
 * Is a PID still the process that was recorded? Both ways (Linux's /proc, the portable ps), and
 * the run wrapper's shell code records exactly what the daemon later compares against.
 */
import { describe, expect, it } from "vitest";
import {
  isAlive,
  isSameProcess,
  isStartTime,
  processStartTime,
  startTimeShell,
} from "../../../src/platform/process.js";
import { exited, MODES, startShell, trackChildren, useMode } from "../../helpers/platform.js";

const track = trackChildren();

/** A live process (sh that became `sleep 30`), with the start time its own shell code recorded. */
async function sleeper(): Promise<{ pid: number; recorded: string; stop: () => Promise<void> }> {
  const { child, firstLine } = await startShell(`${startTimeShell()}\necho "$t"\nexec sleep 30`);
  track(child);
  return {
    pid: child.pid!,
    recorded: firstLine,
    stop: async () => {
      child.kill("SIGKILL");
      await exited(child);
    },
  };
}

describe.each(MODES)("process facts (%s)", (mode) => {
  useMode(mode);

  it("the wrapper's shell code and processStartTime record the same start time", async () => {
    const p = await sleeper();
    expect(isStartTime(p.recorded)).toBe(true);
    expect(p.recorded).toMatch(
      mode === "linux" ? /^\d+$/ : /^[A-Z][a-z]{2}_[A-Z][a-z]{2}_\d{1,2}_\d\d:\d\d:\d\d_\d{4}$/,
    );
    expect(processStartTime(p.pid)).toBe(p.recorded);
    expect(isSameProcess(p.pid, p.recorded)).toBe(true);
    expect(isAlive(p.pid)).toBe(true);
  });

  it("a live PID with another start time (a reused PID) is not the recorded process", async () => {
    const p = await sleeper();
    const other = mode === "linux" ? String(Number(p.recorded) - 1) : "Mon_Jan_1_00:00:00_2024";
    expect(isSameProcess(p.pid, other)).toBe(false);
  });

  it("a process that ended is neither alive nor the same process", async () => {
    const p = await sleeper();
    await p.stop();
    expect(isAlive(p.pid)).toBe(false);
    expect(isSameProcess(p.pid, p.recorded)).toBe(false);
    expect(isSameProcess(p.pid, null)).toBe(false);
    expect(processStartTime(p.pid)).toBeNull();
  });

  it("a zombie (ended, exit status not collected) is not alive", async () => {
    // The background `sleep 0` ends at once; the exec'd sleep never waits for it.
    const { child, firstLine } = await startShell("sleep 0 & echo $!; exec sleep 30");
    track(child);
    const zombie = Number(firstLine);
    const deadline = Date.now() + 10_000;
    while (isAlive(zombie) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(() => process.kill(zombie, 0)).not.toThrow(); // it still exists…
    expect(isAlive(zombie)).toBe(false); // …but has ended
    expect(isSameProcess(zombie, null)).toBe(false);
  });
});

describe("a start time recorded one way", () => {
  it("is still recognised after the daemon switches ways, in both directions", async () => {
    const before = process.env.CCTASK_PLATFORM_PORTABLE;
    try {
      delete process.env.CCTASK_PLATFORM_PORTABLE;
      const viaProc = await sleeper();
      process.env.CCTASK_PLATFORM_PORTABLE = "1";
      const viaPs = await sleeper();
      expect(isSameProcess(viaProc.pid, viaProc.recorded)).toBe(true);
      delete process.env.CCTASK_PLATFORM_PORTABLE;
      expect(isSameProcess(viaPs.pid, viaPs.recorded)).toBe(true);
      expect(viaProc.recorded).toMatch(/^\d+$/);
      expect(viaPs.recorded).not.toMatch(/^\d+$/);
    } finally {
      if (before === undefined) delete process.env.CCTASK_PLATFORM_PORTABLE;
      else process.env.CCTASK_PLATFORM_PORTABLE = before;
    }
  });
});
