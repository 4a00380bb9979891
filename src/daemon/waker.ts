/**
 * Wakes the OpenClaw session that launched a run, once, after the run's outcome is stored:
 * claim the wake row → try the usable paths in order (each bounded by openclaw.wakeTimeoutSeconds)
 * → commit. A path that certainly failed hands over to the next; one that may have worked (no
 * answer in time) ends the wake as uncertain, never followed by another path. When nothing woke
 * the agent, a visible notice goes to the chat. At start-up, claims a stopped daemon left behind
 * become uncertain (reported, not repeated) and ended runs that were never claimed are woken.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { traceMessage, wakeNoticeMessage } from "../notify/wake-messages.js";
import { gatherWakeFacts } from "../openclaw/wake/facts.js";
import { attemptWake } from "../openclaw/wake/paths.js";
import { planWake } from "../openclaw/wake/plan.js";
import { unknownPlaceholders, wakeText } from "../openclaw/wake/text.js";
import { getRun, type RunRow } from "../store/runs.js";
import {
  claimWake,
  commitWake,
  endedRunsAwaitingWake,
  getWakeOfRun,
  markUnconfirmedUncertain,
  saveAttempts,
  type WakeAttempt,
  type WakeRow,
} from "../store/wakes.js";
import { type DaemonContext, runDir, runFile } from "./context.js";
import type { Notifier } from "./notifier.js";
import { publish } from "./publish.js";
import {
  completeMarker,
  skipMarker,
  startMarker,
  TRACE_SEQ,
  type TraceFacts,
  wakeMarker,
  wakeTargets,
} from "./wake-route.js";

/** Ended runs younger than this that were never claimed are woken at start-up. */
const CATCH_UP_MS = 7 * 24 * 3600_000;

export class Waker {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly ctx: DaemonContext,
    private readonly notifier: Notifier,
    private readonly processEnv: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Wakes in progress in this daemon (the daemon does not exit idle while there are any). */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Resolves when no wake is in flight, or after timeoutMs (what is still in flight is then uncertain). */
  async drain(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  }

  /** The start-up pass, then a wake for every run that ends from now on. */
  start(): void {
    for (const w of markUnconfirmedUncertain(this.ctx.db, Date.now())) this.reportUncertain(w);
    this.ctx.events.on("session", (runId: string) => this.traceStart(runId));
    this.ctx.events.on("ended", (runId: string) => void this.wake(runId));
    for (const id of endedRunsAwaitingWake(this.ctx.db, Date.now() - CATCH_UP_MS)) void this.wake(id);
  }

  private trace(row: RunRow, seq: number, [tag, text]: [string, string]): void {
    if (!row.spec.openclaw?.traceLive) return;
    this.notifier.post(row.id, wakeTargets(row), "trace", seq, traceMessage(tag, text));
  }

  /** [RUN_TASK][START], once the run has started (a run that never started gets none). */
  private traceStart(runId: string | RunRow): void {
    const row = typeof runId === "string" ? getRun(this.ctx.db, runId) : runId;
    if (row?.spec.openclaw && row.startedAt !== null) this.trace(row, TRACE_SEQ.start, startMarker(row));
  }

  private facts(row: RunRow): TraceFacts {
    return {
      row,
      route: row.spec.openclaw!,
      output: row.spec.outputFile ?? runFile(this.ctx, row.id, "result"),
    };
  }

  /** Wakes the run's session unless its wake was claimed before; never throws. */
  async wake(runId: string): Promise<void> {
    const row = getRun(this.ctx.db, runId);
    const route = row?.spec.openclaw;
    if (!row || !route) return;
    const wakeId = randomUUID();
    // The claim is the first thing, before any await: two callers can never both get it.
    const claimed = claimWake(this.ctx.db, { id: wakeId, runId, sessionKey: route.wakeKey, now: Date.now() });
    if (!claimed) {
      const earlier = getWakeOfRun(this.ctx.db, runId);
      this.ctx.log.info(
        `run ${runId}: wake already ${earlier?.state ?? "claimed"} (${earlier?.id}); not repeated`,
      );
      this.trace(row, TRACE_SEQ.skip, skipMarker(this.facts(row), earlier?.id ?? wakeId));
      return;
    }
    this.inFlight.add(runId);
    try {
      await this.perform(row, claimed);
    } catch (e) {
      this.ctx.log.error(`run ${runId}: wake ${wakeId} failed inside cctask`, e);
      const attempts = getWakeOfRun(this.ctx.db, runId)?.attempts ?? [];
      const inFlight = attempts.some((a) => a.outcome === null);
      const detail = `cctask failed while waking: ${(e as Error).message}`;
      const state = inFlight ? "uncertain" : "failed";
      if (this.commit(row, wakeId, { state, path: null, attempts, detail, now: Date.now() }))
        this.notice(row, wakeId, state, [detail]);
    } finally {
      this.inFlight.delete(runId);
    }
  }

  private async perform(row: RunRow, wake: WakeRow): Promise<void> {
    const route = row.spec.openclaw!;
    const f = this.facts(row);
    const result = readResult(this.ctx, row);
    this.traceStart(row);
    this.trace(row, TRACE_SEQ.complete, completeMarker(f, sizeOf(f.output, result), wake.id));
    const facts = await gatherWakeFacts(route, this.ctx.config, {
      stateDir: this.ctx.stateDir,
      processEnv: this.processEnv,
      secrets: this.notifier.launchSecrets(),
    });
    const checks = planWake(route, facts);
    const text = wakeText(
      {
        runId: row.id,
        wakeId: wake.id,
        state: row.state,
        reason: row.reason,
        detail: row.detail,
        exitCode: row.exitCode,
        projectDir: row.projectDir,
        result,
        resultPath: f.output,
        sessionId: row.progress?.sessionId ?? row.sessionId,
        completionMode: row.spec.completionMode,
        iteration: row.spec.iteration,
        maxIterations: row.spec.maxIterations,
        sessionKey: route.sessionKey,
      },
      this.ctx.config.openclaw.wakeTemplate,
    );
    const template = this.ctx.config.openclaw.wakeTemplate;
    const unknown = template ? unknownPlaceholders(template) : [];
    if (unknown.length > 0)
      this.ctx.log.warn(
        `openclaw.wakeTemplate has unknown placeholders, left as written: ${unknown.map((u) => `{${u}}`).join(", ")}`,
      );
    const attempts: WakeAttempt[] = [];
    const reasons: string[] = [];
    for (const [i, check] of checks.entries()) {
      if (!check.usable) {
        reasons.push(`${check.path}: not used: ${check.reason}`);
        continue;
      }
      this.trace(row, TRACE_SEQ.wake + i, wakeMarker(f, check.path, wake.id));
      const attempt: WakeAttempt = { path: check.path, startedAt: Date.now(), outcome: null, detail: null };
      attempts.push(attempt);
      saveAttempts(this.ctx.db, wake.id, attempts); // recorded before it starts: a restart sees it in flight
      const r = await attemptWake(check.path, {
        route,
        facts,
        text,
        timeoutSeconds: this.ctx.config.openclaw.wakeTimeoutSeconds,
        processEnv: this.processEnv,
        privateDir: runDir(this.ctx, row.id),
      });
      attempt.outcome = r.outcome;
      attempt.detail = r.detail;
      saveAttempts(this.ctx.db, wake.id, attempts);
      reasons.push(`${check.path}: ${r.detail}`);
      this.ctx.log.info(`run ${row.id}: wake ${wake.id} via ${check.path}: ${r.outcome} (${r.detail})`);
      if (r.outcome === "failed") continue;
      const state = r.outcome === "woken" ? "woken" : "uncertain";
      this.commit(row, wake.id, {
        state,
        path: check.path,
        attempts,
        detail: r.detail,
        now: Date.now(),
      });
      if (state === "uncertain") this.notice(row, wake.id, "uncertain", reasons);
      return;
    }
    const detail = reasons.join("; ");
    this.commit(row, wake.id, { state: "failed", path: null, attempts, detail, now: Date.now() });
    this.ctx.log.warn(`run ${row.id}: wake ${wake.id} failed: ${detail}`);
    this.notice(row, wake.id, "failed", reasons);
  }

  /** Stores the wake's outcome, once, and publishes it; false if it was stored before. */
  private commit(row: RunRow, wakeId: string, c: Parameters<typeof commitWake>[2]): boolean {
    if (!commitWake(this.ctx.db, wakeId, c)) return false;
    this.publishOutcome({ runId: row.id, id: wakeId, sessionKey: row.spec.openclaw!.wakeKey, ...c });
    return true;
  }

  private publishOutcome(
    w: Pick<WakeRow, "runId" | "id" | "sessionKey" | "path" | "detail"> & { state: string },
  ): void {
    if (w.state !== "woken" && w.state !== "failed" && w.state !== "uncertain") return;
    publish(this.ctx, {
      type: "wake",
      runId: w.runId,
      wakeId: w.id,
      sessionKey: w.sessionKey,
      outcome: w.state,
      path: w.path,
      detail: w.detail,
    });
  }

  private reportUncertain(w: WakeRow): void {
    this.ctx.log.warn(`run ${w.runId}: wake ${w.id} is uncertain: ${w.detail}`);
    this.publishOutcome(w);
    const row = getRun(this.ctx.db, w.runId);
    if (!row?.spec.openclaw) return;
    this.trace(row, TRACE_SEQ.skip, skipMarker(this.facts(row), w.id));
    this.notice(row, w.id, "uncertain", [w.detail ?? "the wake was cut off"]);
  }

  private notice(row: RunRow, wakeId: string, state: "failed" | "uncertain", reasons: string[]): void {
    const content = wakeNoticeMessage({
      runId: row.id,
      wakeId,
      sessionKey: row.spec.openclaw!.sessionKey,
      state,
      reasons,
      resultPath: row.spec.outputFile ?? runFile(this.ctx, row.id, "result"),
    });
    this.notifier.post(row.id, wakeTargets(row), "wake", 1, content);
  }
}

function readResult(ctx: DaemonContext, row: RunRow): string {
  try {
    return readFileSync(runFile(ctx, row.id, "result"), "utf8");
  } catch {
    return row.detail ?? "";
  }
}

function sizeOf(path: string, fallback: string): number {
  try {
    return statSync(path).size;
  } catch {
    return Buffer.byteLength(fallback);
  }
}
