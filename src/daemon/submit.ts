/**
 * Accepting a run: re-check what the CLI already validated (the daemon trusts no body), create
 * the run's directory and files, then record it as queued. Any refusal leaves nothing behind.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute } from "node:path";
import { isExecutableFile, resolveClaudeBin } from "../agents/claude/bin.js";
import { agentEnvironment } from "../config.js";
import { UnavailableError, UsageError } from "../errors.js";
import { describeBytes, TASK_MAX_BYTES, TIMEOUT_RANGE, timeoutProblem } from "../limits.js";
import { projectDirProblem } from "../project-dir.js";
import type { SubmitRequest } from "../protocol.js";
import type { OpenClawRoute } from "../route.js";
import { DEFAULT_PERMISSION_MODE, type RunSpec } from "../run-spec.js";
import { describeStorageError } from "../storage.js";
import { activeRunsOnSession, getRun, insertRun, type RunRow } from "../store/runs.js";
import { escapeControl } from "../text.js";
import { type DaemonContext, runDir, runFile } from "./context.js";
import { publish } from "./publish.js";
import { planIteration, resolveResume, resumePrompt } from "./resume.js";

const ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // no i, l, o, u: easy to read aloud and type

export function newRunId(): string {
  const bytes = randomBytes(8);
  let id = "";
  for (const b of bytes) id += ID_ALPHABET[b % 32];
  return id;
}

/**
 * @param targets canonical delivery targets, already validated (Notifier.validateTargets)
 * @param route where a --session run reports and whom it wakes (daemon/routing.ts), or the route
 *   a client resolved itself (SubmitRequest.openclaw)
 */
export function submitRun(
  ctx: DaemonContext,
  req: SubmitRequest,
  targets: string[],
  route: OpenClawRoute | null = null,
): RunRow {
  checkLimits(req);
  checkFreeSpace(ctx);
  if (!isAbsolute(req.projectDir))
    throw new UsageError(`the project path must be absolute, got "${escapeControl(req.projectDir)}"`);
  const problem = projectDirProblem(req.projectDir, req.createProject);
  if (problem) throw new UsageError(problem);
  const claudeBin = checkedClaudeBin(ctx, req);
  if (req.outputFile && !existsSync(dirname(req.outputFile)))
    throw new UsageError(`the directory of --output ${req.outputFile} does not exist; create it first`);

  const resume = resolveResume(ctx, req);
  const plan = planIteration(
    req,
    resume,
    resume.sessionId ? activeRunsOnSession(ctx.db, resume.sessionId) : 0,
  );
  const projectDir = resume.projectDir;
  if (resume.session && !existsSync(projectDir))
    throw new UsageError(
      `session ${resume.sessionId} was recorded in ${escapeControl(projectDir)}, which no longer exists`,
    );
  const prompt = resume.sessionId
    ? resumePrompt(req.task, ctx.config.resumePromptMaxChars)
    : { prompt: req.task, shortenedFrom: null };

  const spec: RunSpec = {
    projectDir,
    timeoutSeconds: req.timeoutSeconds ?? ctx.config.defaultTimeoutSeconds,
    resume: resume.sessionId,
    sessionLabel: req.sessionLabel,
    model: req.model,
    outputFile: req.outputFile,
    maxBudgetUsd: req.maxBudgetUsd,
    permissionMode: req.permissionMode || DEFAULT_PERMISSION_MODE,
    extraArgs: req.extraArgs,
    claudeBin,
    includePartialMessages: ctx.config.claude.includePartialMessages,
    completionMode: plan.completionMode,
    iteration: plan.iteration,
    maxIterations: plan.maxIterations,
    promptShortenedFrom: prompt.shortenedFrom,
    notify: targets,
    heartbeatMode: req.heartbeatMode ?? ctx.config.notify.heartbeatMode,
    umask: req.umask,
    openclaw: route,
  };

  let id = newRunId();
  while (getRun(ctx.db, id)) id = newRunId();
  const dir = runDir(ctx, id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const runToken = randomBytes(32).toString("hex");
  try {
    const preamble = targets.length ? notifyPreamble(id) : "";
    writeFileSync(runFile(ctx, id, "prompt"), preamble + prompt.prompt, { mode: 0o600 });
    writeFileSync(runFile(ctx, id, "task"), req.task, { mode: 0o600 });
    const saved: SavedLaunch = { env: agentEnvironment(req.env), runToken }; // no credential is written here
    writeFileSync(runFile(ctx, id, "env"), JSON.stringify(saved), { mode: 0o600 });
    if (req.createProject && !existsSync(projectDir)) {
      mkdirSync(projectDir, { recursive: true });
      chmodSync(projectDir, 0o777 & ~req.umask); // the daemon's own umask is 077; the project is the user's
    }
    const row = insertRun(ctx.db, {
      id,
      projectDir,
      taskSummary: summarize(req.task),
      spec,
      notifyTokenHash: hashToken(runToken),
      submitKey: req.idempotencyKey ?? null,
      now: Date.now(),
    });
    publish(ctx, { type: "run.state", runId: id, state: "queued", task: row.taskSummary, projectDir });
    return row;
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const storage = describeStorageError(e, ctx.stateDir);
    if (storage) throw new UnavailableError(`cannot record the run: ${storage}. Nothing was started.`);
    throw e;
  }
}

/** The caller's claude: as it named it, or found with its environment and this daemon's config. */
function checkedClaudeBin(ctx: DaemonContext, req: SubmitRequest): string {
  if (req.claudeBin === null)
    return resolveClaudeBin(req.env, req.cwd ?? req.projectDir, ctx.config.claude.bin);
  if (!isAbsolute(req.claudeBin) || !isExecutableFile(req.claudeBin))
    throw new UsageError(
      `claude was not found or is not executable: "${escapeControl(req.claudeBin)}" (an absolute path is needed). Install Claude Code, or pass the full path of claude.`,
    );
  return req.claudeBin;
}

/** Below this much free space a run could not even record its events: refuse it now. */
const MIN_FREE_BYTES = 512 * 1024;

function checkFreeSpace(ctx: DaemonContext): void {
  const stateDir = ctx.stateDir;
  let free: number;
  try {
    const fs = statfsSync(stateDir);
    free = fs.bavail * fs.bsize;
  } catch {
    return; // unknown: the writes below will tell
  }
  // Once the disk ran full, it counts as full until the reserved space could be set aside again.
  if (free < MIN_FREE_BYTES || ctx.reserve?.exhausted)
    throw new UnavailableError(
      `cannot start a run: the disk holding ${stateDir} is full (only ${Math.floor(free / 1024)} KB free). Free some space on it, or set CCTASK_HOME to a directory on a disk with room, then launch again. Nothing was started.`,
    );
}

/** The CLI checked these already; a request from elsewhere is held to the same limits. */
function checkLimits(req: SubmitRequest): void {
  const bytes = Buffer.byteLength(req.task);
  if (bytes > TASK_MAX_BYTES)
    throw new UsageError(
      `the task is ${bytes} bytes, over the limit of ${describeBytes(TASK_MAX_BYTES)}; name a file that holds the material instead`,
    );
  if (req.task.includes("\u0000"))
    throw new UsageError("the task is binary, not text (it contains a NUL character); pass UTF-8 text");
  const problem = req.timeoutSeconds === null ? null : timeoutProblem(req.timeoutSeconds);
  if (problem)
    throw new UsageError(`the timeout must be ${TIMEOUT_RANGE}, got ${req.timeoutSeconds}: ${problem}`);
}

function summarize(task: string): string {
  const oneLine = task.replace(/\s+/g, " ").trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
}

/** What the scheduler needs at spawn time and nobody after: kept in the run's 0600 env.json until then. */
export interface SavedLaunch {
  env: Record<string, string>;
  /** The run's capability for `cctask notify`: it can post to this run's targets and nothing else. */
  runToken: string;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function tokenMatches(token: string, hash: string | null): boolean {
  if (hash === null) return false;
  const a = Buffer.from(hashToken(token), "hex");
  const b = Buffer.from(hash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Tells the agent how to post its own progress updates; no credential is in it. */
function notifyPreamble(runId: string): string {
  return (
    `[Automation context: this task runs in the background as cctask run ${runId}, and the person who started it follows it remotely. ` +
    'To send them a short progress update at a major milestone, run: cctask notify "your message". ' +
    "Use it a few times at most; the final result is delivered automatically.]\n\n"
  );
}
