/**
 * On daemon start: every run the previous daemon believed active is re-adopted if its process is
 * still ours (same PID and start time), or finished from its files if it is gone. Runs that were
 * spawned but not yet recorded (the daemon died in between) are found through their pid file.
 */

import { isSameProcess } from "../platform/process.js";
import { activeRuns, markStarted } from "../store/runs.js";
import { type DaemonContext, runDir } from "./context.js";
import { publish } from "./publish.js";
import { readPidFile } from "./spawn.js";
import type { Supervisor } from "./supervisor.js";

/** `ended` settles once every run found gone has been finished (its outcome recorded, or tried). */
export function reconcile(
  ctx: DaemonContext,
  supervisor: Supervisor,
): { adopted: number; finished: number; ended: Promise<void> } {
  let adopted = 0;
  let finished = 0;
  const ending: Promise<void>[] = [];
  for (const row of activeRuns(ctx.db)) {
    let { pid, pidStart } = row;
    if (pid === null) {
      const file = readPidFile(runDir(ctx, row.id));
      if (file === null) continue; // truly queued: the scheduler will start it
      pid = file.wrapper;
      pidStart = file.wrapperStart;
      markStarted(ctx.db, row.id, { state: "running", pid, pidStart, agentPid: null, now: row.createdAt });
      publish(ctx, { type: "run.state", runId: row.id, state: "running", task: null, projectDir: null });
    }
    const adoptedRow = { ...row, state: "running" as const, pid, pidStart };
    if (isSameProcess(pid, pidStart)) {
      supervisor.adopt(adoptedRow);
      adopted++;
    } else {
      // a failed end is the supervisor's to log and retry; it must not stop this daemon's start
      ending.push(supervisor.finishGone(adoptedRow).catch(() => undefined));
      finished++;
    }
  }
  if (adopted + finished > 0)
    ctx.log.info(`reconcile: re-adopted ${adopted} live run(s), finished ${finished} ended run(s)`);
  return { adopted, finished, ended: Promise.all(ending).then(() => undefined) };
}
