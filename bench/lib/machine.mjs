/** The machine the figures were measured on. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";

export function machine() {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux: keep "unknown"
  }
  return {
    cpu,
    cores: availableParallelism(),
    ramGb: totalmem() / 1024 ** 3,
    node: process.version,
    kernel: release(),
    date: new Date().toISOString(),
    commit: commit(),
  };
}

/** The checked-out commit, and whether src/ has uncommitted changes. */
function commit() {
  const git = (...args) => execFileSync("git", args, { encoding: "utf8" }).trim();
  try {
    const dirty = git("status", "--porcelain", "--", "src") !== "";
    return `commit ${git("rev-parse", "--short", "HEAD")}${dirty ? " with uncommitted changes in src/" : ""}`;
  } catch {
    return "an unknown commit";
  }
}
