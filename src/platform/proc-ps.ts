/**
 * Process facts from ps(1), which Linux and macOS both have: `ps -o stat=,lstart= -p <pid>`.
 * The start time is lstart ("Wed Dec  2 02:18:30 2026" in the C locale) with each run of blanks
 * made one "_", so that it is one word; its resolution is one second.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PS = existsSync("/bin/ps") ? "/bin/ps" : "ps";

export interface PsFacts {
  zombie: boolean;
  startTime: string;
}

export function readPs(pid: number): PsFacts | null {
  if (!(Number.isInteger(pid) && pid > 0)) return null;
  const r = spawnSync(PS, ["-o", "stat=,lstart=", "-p", String(pid)], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LC_ALL: "C" },
    timeout: 5000,
  });
  const words = (r.stdout ?? "").trim().split(/\s+/);
  if (r.status !== 0 || words.length < 2) return null;
  const [stat, ...start] = words;
  return { zombie: stat!.startsWith("Z"), startTime: start.join("_") };
}

export function readPsStartTime(pid: number): string | null {
  return readPs(pid)?.startTime ?? null;
}

/** The same start time, for the run wrapper (sh) to record about itself: sets $t. */
export const PS_START_TIME_SH = `t=$(echo $(LC_ALL=C ${PS} -o lstart= -p $$ 2>/dev/null) | tr " " _)`;
