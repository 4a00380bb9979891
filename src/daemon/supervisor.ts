/**
 * Watches running runs: tails each events file into the fold, keeps the live progress, enforces
 * the wall-clock timeout and the watchdogs, and ends each run exactly once through finishRun.
 * Wake-ups come from inotify on the run directory, from the child's exit when this daemon
 * started it, and from a 1 s poll that also notices a process that vanished.
 */
import { existsSync, type FSWatcher, watch } from "node:fs";
import { fold } from "../agents/claude/fold.js";
import { parseLine } from "../agents/claude/parse.js";
import type { RunProgress } from "../agents/claude/progress.js";
import { errorMessage } from "../errors.js";
import { isSameProcess, signalGroup } from "../platform/process.js";
import type { StopRequest } from "../run-state.js";
import { describeStorageError, isDiskFull } from "../storage.js";
import { markSilenceWarned, type RunRow, requestStop, saveProgress, setAgentPid } from "../store/runs.js";
import { type DaemonContext, runDir, runFile } from "./context.js";
import { endWithInternalError, finishRun } from "./finish.js";
import { publishProgress } from "./progress-event.js";
import { reapGroup } from "./reap.js";
import { recordSessionSeen } from "./registry.js";
import { newWatch, type Watch, watchdogView } from "./run-watch.js";
import { readAgentPid } from "./spawn.js";
import { watchdogAction } from "./watchdog.js";

const POLL_MS = 1000;
const PERSIST_MS = 1000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const END_RETRY_MS = 1000;

export class Supervisor {
  private readonly watches = new Map<string, Watch>();
  /** Set at daemon shutdown: nothing may end a run any more; the next daemon will. */
  private detached = false;

  constructor(
    private readonly ctx: DaemonContext,
    private readonly onEnded: (id: string) => void,
  ) {}

  get size(): number {
    return this.watches.size;
  }

  /** Reads the agent's PID once the wrapper has written it, and records it in the runs table the first time. */
  recordAgentPid(id: string): number | null {
    const w = this.watches.get(id);
    if (!w) return null;
    if (w.row.agentPid === null) {
      const pid = readAgentPid(runDir(this.ctx, w.row.id));
      if (pid !== null) {
        w.row.agentPid = pid;
        setAgentPid(this.ctx.db, w.row.id, pid);
        this.ctx.events.emit("started", w.row.id);
      }
    }
    return w.row.agentPid;
  }

  /** Live progress of a supervised run (fresher than the stored copy). */
  progressOf(id: string): RunProgress | undefined {
    return this.watches.get(id)?.progress;
  }

  /** Starts supervising a running run, from its stored offset and progress. */
  adopt(row: RunRow, onChildExit?: (cb: () => void) => void): void {
    if (this.watches.has(row.id)) return;
    const w = this.createWatch(row);
    const dir = runDir(this.ctx, row.id);
    let watcher: FSWatcher | null = null;
    try {
      watcher = watch(dir, () => this.wake(w));
      watcher.on("error", () => {}); // the poll still covers us
    } catch (e) {
      this.ctx.log.warn(`run ${row.id}: cannot watch ${dir} (${errorMessage(e)}); polling only`);
    }
    const remaining = (row.startedAt ?? Date.now()) + row.spec.timeoutSeconds * 1000 - Date.now();
    w.phase = {
      kind: "watching",
      reading: "idle",
      poll: setInterval(() => this.tick(w), POLL_MS),
      watcher,
      // setTimeout overflows past 2^31-1 ms (24.8 days); tick() checks the deadline as well.
      timeoutTimer:
        w.stop === null
          ? setTimeout(() => this.stop(row.id, "timeout"), Math.min(MAX_TIMER_MS, Math.max(0, remaining)))
          : null,
    };
    onChildExit?.(() => this.wake(w));
    this.wake(w);
  }

  /** Finishes a run whose process ended while no daemon was watching it: from its files alone. */
  finishGone(row: RunRow): Promise<void> {
    if (this.watches.has(row.id)) return Promise.resolve();
    return this.end(this.createWatch(row));
  }

  private createWatch(row: RunRow): Watch {
    const w = newWatch(row, runFile(this.ctx, row.id, "events"));
    this.watches.set(row.id, w);
    return w;
  }

  /** Asks a run to stop: SIGTERM to its process group now, SIGKILL after the grace period. */
  stop(id: string, req: StopRequest): boolean {
    const w = this.watches.get(id);
    if (w?.phase.kind !== "watching") return false; // an ending run's group may be reaped already
    const now = Date.now();
    if (requestStop(this.ctx.db, id, req, now)) {
      w.stop = { request: req, at: now };
      this.ctx.log.info(`run ${id}: stopping (${req}), SIGTERM to process group ${w.row.pid}`);
    }
    if (w.row.pid !== null) signalGroup(w.row.pid, "SIGTERM");
    return true;
  }

  /** Stops watching everything (daemon shutdown): progress is stored, the runs keep running. */
  async detachAll(): Promise<void> {
    this.detached = true;
    for (const w of this.watches.values()) {
      this.release(w);
      await w.tail.drain((line) => this.foldLine(w, line));
      this.persist(w);
      await w.tail.close();
    }
    this.watches.clear();
  }

  private release(w: Watch): void {
    if (w.phase.kind !== "watching") return;
    clearInterval(w.phase.poll);
    if (w.phase.timeoutTimer) clearTimeout(w.phase.timeoutTimer);
    w.phase.watcher?.close();
  }

  private foldLine(w: Watch, line: string): void {
    w.progress = fold(w.progress, parseLine(line), Date.now());
    w.dirty = true;
  }

  /** Reads what is new; ends the run once its exit status is recorded. Never runs twice at once. */
  private wake(w: Watch): void {
    const phase = w.phase;
    if (phase.kind !== "watching") return;
    if (phase.reading !== "idle") {
      phase.reading = "busy_then_again";
      return;
    }
    phase.reading = "busy";
    w.tail
      .drain((line) => this.foldLine(w, line))
      .then(() => {
        this.noteSession(w);
        if (Date.now() - w.lastPersist >= PERSIST_MS) this.persist(w); // at most once a second; tick() catches up
        if (existsSync(runFile(this.ctx, w.row.id, "exit"))) void this.end(w);
      })
      .catch((e) => this.ctx.log.error(`run ${w.row.id}: reading events failed`, e))
      .finally(() => {
        const again = phase.reading === "busy_then_again";
        phase.reading = "idle";
        if (again) this.wake(w);
      });
  }

  /** The registry learns the session at the run's first init line, not only at its end. */
  private noteSession(w: Watch): void {
    const id = w.progress.sessionId;
    if (id === null || w.progress.initCount === 0 || w.sessionRecorded === id) return;
    w.sessionRecorded = id;
    recordSessionSeen(this.ctx, w.row, id);
    this.ctx.events.emit("session", w.row.id, id);
  }

  private persist(w: Watch): void {
    if (!w.dirty) return;
    saveProgress(this.ctx.db, w.row.id, { progress: w.progress, offset: w.tail.offset, now: Date.now() });
    publishProgress(this.ctx, w.row.id, w.progress);
    w.dirty = false;
    w.lastPersist = Date.now();
  }

  /** Once a second: vanished processes, periodic persistence, then what the watchdogs decide. */
  private tick(w: Watch): void {
    if (w.phase.kind !== "watching" || this.detached) return;
    const now = Date.now();
    const pid = w.row.pid;
    this.recordAgentPid(w.row.id);
    if (pid === null || !isSameProcess(pid, w.row.pidStart)) {
      void this.end(w);
      return;
    }
    if (now - w.lastPersist >= PERSIST_MS) this.persist(w);
    const wd = this.ctx.config.watchdog;
    const action = watchdogAction(now, watchdogView(w), wd);
    switch (action.kind) {
      case "none":
        return;
      case "stop":
        this.stop(w.row.id, action.request);
        return;
      case "kill":
        this.ctx.log.warn(
          `run ${w.row.id}: still alive ${wd.killGraceSeconds}s after SIGTERM; SIGKILL to group ${pid}`,
        );
        signalGroup(pid, "SIGKILL");
        return;
      case "warn_silence":
        w.silenceWarned = true;
        markSilenceWarned(this.ctx.db, w.row.id, now);
        this.ctx.log.warn(`run ${w.row.id}: no output from the agent for ${action.quietSeconds}s`);
        return;
      default:
        action satisfies never;
    }
  }

  private async end(w: Watch): Promise<void> {
    if (w.phase.kind === "ending" || this.detached) return;
    // Only for a run we watched: after a long absence its group id may belong to someone else.
    let ownsGroup = w.phase.kind === "watching" || (w.phase.kind === "end_retry" && w.phase.ownsGroup);
    this.release(w);
    w.phase = { kind: "ending" };
    let ended = false;
    try {
      if (ownsGroup && w.row.pid !== null)
        await reapGroup(w.row.pid, this.ctx.config.watchdog.killGraceSeconds * 1000);
      ownsGroup = false; // reaped: a retry must not signal the group again
      await w.tail.drain((line) => this.foldLine(w, line));
      const last = w.tail.takePartial(); // a last line the agent never terminated
      if (last) this.foldLine(w, last);
      await w.tail.close();
      this.noteSession(w);
      ended = await this.finish(w);
    } catch (e) {
      this.ctx.log.error(`run ${w.row.id}: finishing failed`, e);
      ended = this.endInternal(w, e);
    } finally {
      if (ended) {
        this.watches.delete(w.row.id);
        this.onEnded(w.row.id);
      } else if (!this.detached) {
        // Not even the failure could be recorded (the database cannot be written): try again soon.
        w.phase = { kind: "end_retry", ownsGroup };
        setTimeout(() => void this.end(w), END_RETRY_MS).unref();
      }
    }
  }

  /** finishRun; on a full disk, once more after giving back the reserved space. */
  private async finish(w: Watch): Promise<boolean> {
    const attempt = () =>
      finishRun(this.ctx, {
        row: { ...w.row, stopRequest: w.stop?.request ?? null },
        progress: w.progress,
        offset: w.tail.offset,
      });
    try {
      await attempt();
    } catch (e) {
      if (!isDiskFull(e) || !this.ctx.reserve?.release()) throw e;
      await attempt();
    }
    return true;
  }

  /** Records that cctask could not finish the run, saying why; false if even that cannot be stored. */
  private endInternal(w: Watch, e: unknown): boolean {
    const why = describeStorageError(e, this.ctx.stateDir) ?? errorMessage(e);
    try {
      endWithInternalError(this.ctx, w.row.id, why);
      return true;
    } catch (again) {
      if (isDiskFull(again)) this.ctx.reserve?.release();
      this.ctx.log.error(`run ${w.row.id}: could not record its end; retrying in ${END_RETRY_MS} ms`, again);
      return false;
    }
  }
}
