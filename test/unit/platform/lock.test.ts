/**
 * One daemon per state directory, both ways: Linux's abstract socket and the portable lock file
 * (forced here; macOS uses it). Racers are separate processes running the built module, started
 * together; a stale lock (its holder dead, or its PID now another process) is taken over.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLock } from "../../../src/platform/lock.js";
import { processStartTime, startTimeShell } from "../../../src/platform/process.js";
import { statePath } from "../../../src/state-dir.js";
import { ROOT } from "../../helpers/cctask.js";
import { exited, MODES, startShell, trackChildren, useMode } from "../../helpers/platform.js";

const LOCK_MODULE = join(ROOT, "dist/modules/platform/lock.js");
/** The lock file alone: on Linux acquireLock also takes the socket, which would hide its faults. */
const FILE_LOCK_MODULE = join(ROOT, "dist/modules/platform/lock-file.js");
const track = trackChildren();

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "cctask-lock-"));
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

/**
 * A process that waits until `at`, tries the lock, says "won" or "lost", and holds it for holdMs.
 * mode "file" is the portable way with the lock file alone.
 */
function racer(mode: string, at: number, holdMs: number): Promise<{ said: string; kill: () => void }> {
  const script = `
    const { ${mode === "file" ? "acquireFileLock: acquireLock" : "acquireLock"} } = await import(${JSON.stringify(mode === "file" ? FILE_LOCK_MODULE : LOCK_MODULE)});
    await new Promise((r) => setTimeout(r, ${at} - Date.now()));
    const lock = await acquireLock(${JSON.stringify(stateDir)});
    process.stdout.write(lock ? "won\\n" : "lost\\n");
    setTimeout(() => {}, ${holdMs});`;
  const env = { ...process.env };
  if (mode !== "linux") env.CCTASK_PLATFORM_PORTABLE = "1";
  else delete env.CCTASK_PLATFORM_PORTABLE;
  const child = track(
    spawn(process.execPath, ["--input-type=module", "-e", script], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      if (out.endsWith("\n")) resolve({ said: out.trim(), kill: () => child.kill("SIGKILL") });
    });
    child.once("exit", (code) => reject(new Error(`lock racer exited ${code} before answering`)));
  });
}

async function race(mode: string, n: number): Promise<string[]> {
  const at = Date.now() + 3000; // every racer has loaded the module by then
  const racers = await Promise.all(Array.from({ length: n }, () => racer(mode, at, 20_000)));
  const said = racers.map((r) => r.said).sort();
  for (const r of racers) r.kill();
  return said;
}

const lost = (n: number) => Array.from({ length: n }, () => "lost");

describe.each(MODES)("daemon lock (%s)", (mode) => {
  useMode(mode);

  it("six daemons racing for one state directory: exactly one gets the lock", async () => {
    expect(await race(mode, 6)).toEqual([...lost(5), "won"]);
  });

  it("a held lock is refused to a second taker in the same process; another state dir is free", async () => {
    const first = await acquireLock(stateDir);
    expect(first).not.toBeNull();
    expect(await acquireLock(stateDir)).toBeNull();
    const other = mkdtempSync(join(tmpdir(), "cctask-lock-"));
    try {
      const second = await acquireLock(other);
      expect(second).not.toBeNull();
      second?.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    first?.close();
  });

  it("the lock of a daemon killed with SIGKILL is taken over", async () => {
    const held = await racer(mode, Date.now(), 60_000);
    expect(held.said).toBe("won");
    expect(await acquireLock(stateDir)).toBeNull();
    held.kill();
    const deadline = Date.now() + 10_000;
    let lock = await acquireLock(stateDir);
    while (lock === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      lock = await acquireLock(stateDir);
    }
    expect(lock).not.toBeNull();
    lock?.close();
  });
});

describe("the portable lock file", () => {
  useMode("portable");
  const lockDir = () => statePath(stateDir, "lock");
  const writeHolder = (generation: number, text: string) => {
    rmSync(lockDir(), { recursive: true, force: true });
    mkdirSync(lockDir(), { mode: 0o700 });
    writeFileSync(join(lockDir(), String(generation)), text);
  };

  it("a stale lock of a dead PID is taken over, and the old file removed", async () => {
    const { child, firstLine } = await startShell(`${startTimeShell()}\necho "$$ $t"`);
    await exited(child);
    writeHolder(4, `${firstLine}\n`);
    const lock = await acquireLock(stateDir);
    expect(lock).toMatchObject({ generation: 5 });
    expect(readdirSync(lockDir())).toEqual(["5"]);
  });

  it("a PID now used by another process is not mistaken for the holder", async () => {
    const { child, firstLine } = await startShell(`${startTimeShell()}\necho "$$ $t"\nexec sleep 30`);
    track(child);
    const [pid, start] = firstLine.split(" ");
    writeHolder(1, `${pid} Mon_Jan_1_00:00:00_2024\n`); // the holder that had this PID started long ago
    expect(await acquireLock(stateDir)).toMatchObject({ generation: 2 });
    writeHolder(1, `${pid} ${start}\n`); // the same PID and start time: that process holds it
    expect(await acquireLock(stateDir)).toBeNull();
  });

  it("a holder recorded by the Linux way (clock ticks) is still recognised", async () => {
    const { child, firstLine } = await startShell("echo $$; exec sleep 30");
    track(child);
    const pid = Number(firstLine);
    delete process.env.CCTASK_PLATFORM_PORTABLE;
    const ticks = processStartTime(pid);
    process.env.CCTASK_PLATFORM_PORTABLE = "1";
    expect(ticks).toMatch(/^\d+$/);
    writeHolder(1, `${pid} ${ticks}\n`);
    expect(await acquireLock(stateDir)).toBeNull();
  });

  it("six daemons racing for the lock file alone: exactly one gets it", async () => {
    expect(await race("file", 6)).toEqual([...lost(5), "won"]);
    expect(readdirSync(lockDir())).toEqual(["1"]);
  });

  it("six daemons racing to take over a stale lock: exactly one gets it", async () => {
    writeHolder(7, "999999999 Mon_Jan_1_00:00:00_2024\n"); // no such PID
    expect(await race("file", 6)).toEqual([...lost(5), "won"]);
    expect(readdirSync(lockDir())).toEqual(["8"]);
  });

  it("a garbled lock file names no holder and is taken over", async () => {
    writeHolder(2, "not a pid\n");
    expect(await acquireLock(stateDir)).toMatchObject({ generation: 3 });
  });
});

describe("mixed ways on Linux", () => {
  it("a daemon with CCTASK_PLATFORM_PORTABLE=1 and one without never both hold a state directory", async () => {
    const portable = await racer("portable", Date.now(), 60_000);
    expect(portable.said).toBe("won");
    expect((await racer("linux", Date.now(), 0)).said).toBe("lost");
    portable.kill();
    await new Promise((r) => setTimeout(r, 200));
    const linux = await racer("linux", Date.now(), 60_000);
    expect(linux.said).toBe("won");
    expect((await racer("portable", Date.now(), 0)).said).toBe("lost");
    linux.kill();
  });
});
