/**
 * The queue: at most config.maxConcurrent runs at once; queued runs start in submission order;
 * two runs that continue the same Claude session never run at the same time (a later run may
 * overtake one that waits for its session).
 */

import { readFileSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { isExecutableFile } from "../agents/claude/bin.js";
import { buildClaudeArgs } from "../agents/claude/command.js";
import { agentEnvironment } from "../config.js";
import { projectDirProblem } from "../project-dir.js";
import type { Outcome } from "../run-state.js";
import { activeRuns, markStarted, type RunRow } from "../store/runs.js";
import { escapeControl } from "../text.js";
import { type DaemonContext, runDir, runFile } from "./context.js";
import { recordEnding } from "./finish.js";
import { publish } from "./publish.js";
import { type Spawned, spawnAgent } from "./spawn.js";
import type { SavedLaunch } from "./submit.js";
import type { Supervisor } from "./supervisor.js";

/** Pure choice of which queued runs may start now. */
export function pickRunnable(active: RunRow[], maxConcurrent: number): RunRow[] {
  const running = active.filter((r) => r.state !== "queued");
  const busy = new Set<string>();
  for (const r of running) {
    if (r.sessionId) busy.add(r.sessionId);
    if (r.resumeId) busy.add(r.resumeId);
  }
  let slots = maxConcurrent - running.length;
  const picked: RunRow[] = [];
  for (const q of active) {
    if (slots <= 0) break;
    if (q.state !== "queued") continue;
    if (q.resumeId && busy.has(q.resumeId)) continue;
    picked.push(q);
    if (q.resumeId) busy.add(q.resumeId);
    slots--;
  }
  return picked;
}

export function kick(ctx: DaemonContext, supervisor: Supervisor): void {
  for (const row of pickRunnable(activeRuns(ctx.db), ctx.config.maxConcurrent))
    startRun(ctx, supervisor, row);
}

function startRun(ctx: DaemonContext, supervisor: Supervisor, row: RunRow): void {
  const problem = preflight(row);
  if (problem) {
    endUnstarted(ctx, row, { state: "failed", reason: "spawn_failed", detail: problem });
    return;
  }
  const dir = runDir(ctx, row.id);
  let saved: SavedLaunch;
  try {
    saved = JSON.parse(readFileSync(runFile(ctx, row.id, "env"), "utf8")) as SavedLaunch;
  } catch (e) {
    endUnstarted(ctx, row, {
      state: "failed",
      reason: "spawn_failed",
      detail: `the run's saved environment could not be read (${(e as Error).message}); submit the task again`,
    });
    return;
  }
  let spawned: Spawned;
  try {
    spawned = spawnAgent({
      runDir: dir,
      cwd: row.spec.projectDir,
      bin: row.spec.claudeBin,
      args: buildClaudeArgs(row.spec),
      env: runEnvironment(ctx, row, saved),
      umask: row.spec.umask,
      stateDir: ctx.stateDir,
    });
  } catch (e) {
    endUnstarted(ctx, row, {
      state: "failed",
      reason: "spawn_failed",
      detail: `the agent could not be started: ${(e as Error).message}`,
    });
    return;
  }
  const now = Date.now();
  markStarted(ctx.db, row.id, {
    state: "running",
    pid: spawned.pid,
    pidStart: spawned.pidStart,
    agentPid: null,
    now,
  });
  publish(ctx, { type: "run.state", runId: row.id, state: "running", task: null, projectDir: null });
  rmSync(runFile(ctx, row.id, "env"), { force: true }); // kept only until the start is recorded
  ctx.log.info(
    `run ${row.id}: started, process group ${spawned.pid}, in ${escapeControl(row.spec.projectDir)}`,
  );
  supervisor.adopt(
    { ...row, state: "running", pid: spawned.pid, pidStart: spawned.pidStart, startedAt: now },
    spawned.onExit,
  );
}

/** Facts that can change between submission and start (a queued run may wait for hours). */
function preflight(row: RunRow): string | null {
  const bin = row.spec.claudeBin;
  if (!isExecutableFile(bin)) {
    return `the claude binary ${bin} is missing or not executable. Install it (npm install -g @anthropic-ai/claude-code) or set CCTASK_CLAUDE_BIN to its path, then submit the task again.`;
  }
  const cwd = row.spec.projectDir;
  if (projectDirProblem(cwd, false)) {
    return `the project directory ${escapeControl(cwd)} no longer exists; recreate it (or pass --create-project) and submit the task again.`;
  }
  return null;
}

export function endUnstarted(ctx: DaemonContext, row: RunRow, outcome: Outcome): void {
  if (recordEnding(ctx, row.id, { outcome, exitCode: null, progress: null, offset: 0, now: Date.now() })) {
    rmSync(runFile(ctx, row.id, "env"), { force: true });
    ctx.log.info(`run ${row.id}: ${outcome.state} before starting: ${outcome.detail ?? ""}`);
    ctx.events.emit("ended", row.id);
  }
}

/**
 * The caller's environment minus cctask's secrets, plus the run's identity for `cctask notify`
 * (its id and its own capability token) and a PATH on which `cctask` is found.
 */
function runEnvironment(ctx: DaemonContext, row: RunRow, saved: SavedLaunch): Record<string, string> {
  const env = agentEnvironment(saved.env);
  const bin = join(ctx.stateDir, "bin");
  return {
    ...env,
    CCTASK_HOME: ctx.stateDir,
    CCTASK_RUN_ID: row.id,
    CCTASK_RUN_TOKEN: saved.runToken,
    PATH: env.PATH ? `${bin}${delimiter}${env.PATH}` : bin,
  };
}
