/**
 * The one path by which a run ends: classify the outcome from the facts (results, exit status,
 * our own stop request, stderr), write the final text, store the outcome once, tell listeners.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { classifyOutcome, extractFinalText } from "../agents/claude/outcome.js";
import type { RunProgress } from "../agents/claude/progress.js";
import { type ExitInfo, type Outcome, withNote } from "../run-state.js";
import { finishRunRow, type RunRow } from "../store/runs.js";
import { type DaemonContext, runDir, runFile } from "./context.js";
import { publishInTransaction } from "./publish.js";
import { recordSessionEnded } from "./registry.js";
import { readExitStatus } from "./spawn.js";

const STDERR_TAIL_BYTES = 8192;

export function readTail(path: string, bytes: number): string {
  try {
    const size = statSync(path).size;
    const len = Math.min(size, bytes);
    if (len === 0) return "";
    const buf = Buffer.alloc(len);
    const fd = openSync(path, "r");
    try {
      readSync(fd, buf, 0, len, size - len);
    } finally {
      closeSync(fd);
    }
    return buf.toString("utf8");
  } catch {
    return "";
  }
}

export async function finishRun(
  ctx: DaemonContext,
  f: { row: RunRow; progress: RunProgress; offset: number },
): Promise<Outcome | null> {
  const { row, progress } = f;
  const code = readExitStatus(runDir(ctx, row.id));
  const exit: ExitInfo = code === null ? { kind: "unknown" } : { kind: "code", code };
  const stderrTail = readTail(runFile(ctx, row.id, "stderr"), STDERR_TAIL_BYTES);
  const outcome = classifyOutcome({
    progress,
    exit,
    stopRequest: row.stopRequest,
    stderrTail,
    resumeRequested: row.spec.resume !== null,
    timeoutSeconds: row.spec.timeoutSeconds,
  });
  const text = extractFinalText(progress, stderrTail);
  const notes: string[] = [];
  const written = writeResult(ctx, row.id, text);
  if (written) notes.push(written);
  if (ctx.reserve?.exhausted && outcome.state !== "succeeded")
    notes.push(`the disk holding ${ctx.stateDir} is full; free space there`);
  if (row.spec.outputFile) {
    try {
      writeFileSync(row.spec.outputFile, text, { mode: 0o600 });
    } catch (e) {
      notes.push(`could not write --output ${row.spec.outputFile}: ${(e as Error).message}`);
    }
  }
  const stored: Outcome = notes.length ? withNote(outcome, notes.join("; ")) : outcome;
  const first = recordEnding(ctx, row.id, {
    outcome: stored,
    exitCode: code,
    progress,
    offset: f.offset,
    now: Date.now(),
  });
  if (!first) return null;
  if (progress.sessionId && progress.initCount > 0)
    recordSessionEnded(ctx, { runId: row.id, sessionId: progress.sessionId, state: stored.state });
  const why = stored.state === "failed" ? ` (${stored.reason})` : "";
  ctx.log.info(
    `run ${row.id}: ${stored.state}${why}, exit ${code ?? "unknown"}, ${text.length} chars of result`,
  );
  ctx.events.emit("ended", row.id);
  return stored;
}

/**
 * A test hook, inert unless CCTASK_TEST_CRASH_BEFORE_FINAL names a file: the first daemon to get
 * here with that file absent creates it and kills itself (SIGKILL), to prove that recording a
 * run's outcome and queueing its final cannot be separated by a crash.
 */
function crashHereForTests(): void {
  const marker = process.env.CCTASK_TEST_CRASH_BEFORE_FINAL;
  if (!marker) return;
  try {
    writeFileSync(marker, `${process.pid}\n`, { flag: "wx" });
  } catch {
    return; // crashed once already
  }
  process.kill(process.pid, "SIGKILL");
}

/**
 * result.md, in the run directory even if the agent removed it (it runs with the user's rights);
 * a result that cannot be written is a note on the outcome, not a reason to lose it: the text is
 * also in the stored progress. Returns the note, if any.
 */
function writeResult(ctx: DaemonContext, id: string, text: string): string | null {
  const dir = runDir(ctx, id);
  const removed = !existsSync(dir);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(runFile(ctx, id, "result"), text, { mode: 0o600 });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return `the result could not be written to ${runFile(ctx, id, "result")} (${why}); notifications still carry it`;
  }
  return removed
    ? "the run directory was removed while the run was going; the result is kept from the agent's stream"
    : null;
}

/** When finishing itself failed (a full disk, a vanished run directory): end it as interrupted, saying why. */
export function endWithInternalError(ctx: DaemonContext, id: string, error: string): void {
  const outcome: Outcome = { state: "interrupted", detail: `cctask could not finish this run: ${error}` };
  if (recordEnding(ctx, id, { outcome, exitCode: null, progress: null, offset: 0, now: Date.now() }))
    ctx.events.emit("ended", id);
}

/**
 * Stores a run's outcome and queues its final notification in one transaction: a crash leaves
 * both or neither (neither: the next daemon finishes the run again from its files). False when
 * the run had already ended. A final that cannot be rendered is logged and repaired at the next
 * start (repairFinals), never a reason to keep the run open.
 */
export function recordEnding(ctx: DaemonContext, id: string, f: Parameters<typeof finishRunRow>[2]): boolean {
  return ctx.db.transaction(() => {
    if (!finishRunRow(ctx.db, id, f)) return false;
    const o = f.outcome;
    publishInTransaction(ctx, {
      type: "run.ended",
      runId: id,
      state: o.state,
      reason: o.state === "failed" ? o.reason : null,
      detail: o.detail ?? null,
      exitCode: f.exitCode,
    });
    crashHereForTests();
    try {
      ctx.queueFinal?.(id);
    } catch (e) {
      ctx.log.error(`run ${id}: could not queue its final notification`, e);
    }
    return true;
  })();
}
