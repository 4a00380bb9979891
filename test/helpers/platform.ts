/**
 * Runs a test under each way of reading process facts and locking (see src/platform/mode.ts):
 * Linux's own, and the portable one (ps and a lock file) that macOS uses, forced on Linux.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, beforeEach } from "vitest";

export const MODES = ["linux", "portable"] as const;
export type Mode = (typeof MODES)[number];

/** Sets CCTASK_PLATFORM_PORTABLE for each test of the enclosing describe, and restores it. */
export function useMode(mode: Mode): void {
  const before = process.env.CCTASK_PLATFORM_PORTABLE;
  beforeEach(() => {
    if (mode === "portable") process.env.CCTASK_PLATFORM_PORTABLE = "1";
    else delete process.env.CCTASK_PLATFORM_PORTABLE;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.CCTASK_PLATFORM_PORTABLE;
    else process.env.CCTASK_PLATFORM_PORTABLE = before;
  });
}

/** Children a test started, killed by PID at the end. */
export function trackChildren(): (child: ChildProcess) => ChildProcess {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  });
  return (child) => {
    children.push(child);
    return child;
  };
}

/** Starts `sh -c script` and resolves with the child once it printed its first line. */
export function startShell(script: string): Promise<{ child: ChildProcess; firstLine: string }> {
  const child = spawn("/bin/sh", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve({ child, firstLine: out.slice(0, nl) });
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`sh exited ${code} before printing a line: ${script}`)));
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}
