/**
 * The wake text the OpenClaw agent receives when its run ends (seed-behaviour.md §8.3, in English):
 * a machine-readable header line, the outcome, a result excerpt and the result's path, the Claude
 * session to resume, and the continue/stop protocol (iterate mode: iteration k of N and what is
 * left). config openclaw.wakeTemplate replaces it; its {placeholders} are WAKE_PLACEHOLDERS.
 */
import { basename } from "node:path";

export interface WakeTextInput {
  runId: string;
  wakeId: string;
  state: string;
  reason: string | null;
  detail: string | null;
  exitCode: number | null;
  projectDir: string;
  result: string;
  resultPath: string;
  /** The Claude Code session id to resume, when the agent reported one. */
  sessionId: string | null;
  completionMode: "single" | "iterate";
  iteration: number | null;
  maxIterations: number | null;
  sessionKey: string;
}

export const RESULT_EXCERPT_CHARS = 1500;

/** Every placeholder a template may use, with what it becomes. */
export const WAKE_PLACEHOLDERS = {
  header: "the one-line machine-readable header ([CC:single] outcome=… run_id=… wake_id=…)",
  runId: "the run id",
  wakeId: "the wake id",
  outcome: "the outcome in words, e.g. 'succeeded' or 'failed (agent_error): …'",
  state: "the outcome state: succeeded, failed, timed_out, cancelled, interrupted",
  exitCode: "the agent's exit code, or 'unknown'",
  project: "the project directory",
  projectName: "the project directory's last component",
  result: `the first ${RESULT_EXCERPT_CHARS} characters of the result`,
  resultPath: "the file holding the full result",
  sessionId: "the Claude Code session id to resume, or 'none'",
  sessionKey: "the OpenClaw session key the run reports to",
  mode: "single or iterate",
  iteration: "iterate mode: this run's iteration number (k)",
  maxIterations: "iterate mode: the iteration budget (N)",
  remaining: "iterate mode: iterations left after this one",
  protocol: "the continue/stop instructions for the mode",
} as const;

export type WakePlaceholder = keyof typeof WAKE_PLACEHOLDERS;

function outcomeWords(i: WakeTextInput): string {
  const why = i.reason ? ` (${i.reason})` : "";
  return i.state === "succeeded" || !i.detail ? `${i.state}${why}` : `${i.state}${why}: ${i.detail}`;
}

function excerpt(result: string): string {
  const t = result.trim();
  if (t === "") return "(no output)";
  return t.length > RESULT_EXCERPT_CHARS
    ? `${t.slice(0, RESULT_EXCERPT_CHARS)}… (${t.length - RESULT_EXCERPT_CHARS} more characters in the file below)`
    : t;
}

function protocol(i: WakeTextInput, v: Record<WakePlaceholder, string>): string {
  const common = [
    `If this wake is stale (you already handled wake ${i.wakeId}, or a newer iteration superseded this run), say so in one line and do nothing else.`,
    "Start your reply with [TRACE][AGENT][WAKE_RECEIVED]. Never launch anything silently: first post a separate, visible message with your analysis and your decision, marked [TRACE][AGENT][DECISION].",
  ];
  if (i.completionMode !== "iterate")
    return [
      ...common,
      "Steps:",
      "1. React briefly to the result.",
      "2. Check whether the user's original goal is fully met.",
      "3. Report the outcome to the user and stop.",
    ].join("\n");
  const resume =
    i.sessionId !== null
      ? `cctask run --resume ${i.sessionId} --completion-mode iterate --max-iterations ${v.maxIterations} --task "<the next step>" (with the other flags of the first launch)`
      : `cctask run --completion-mode iterate --max-iterations ${v.maxIterations} --task "<the next step>" (with the other flags of the first launch)`;
  return [
    ...common,
    "Steps:",
    "1. React briefly to Claude Code's result.",
    "2. Compare it with the user's original goal and check whether that goal is fully met; if this step is done but the goal is not, keep moving toward the goal.",
    `3. If it is not met and iterations are left (${v.remaining}): state the decision "continue" and what will be fixed, then, as a separate next action, launch exactly one next iteration: ${resume}.`,
    '4. If it is met, or no iteration is left: state the decision "stop" and stop.',
  ].join("\n");
}

function values(i: WakeTextInput): Record<WakePlaceholder, string> {
  const iterate = i.completionMode === "iterate";
  const k = i.iteration ?? 1;
  const n = i.maxIterations ?? k;
  const header =
    `[CC:${i.completionMode}] outcome=${i.state} exit=${i.exitCode ?? "unknown"} project=${basename(i.projectDir)} ` +
    `output=${i.resultPath} limit=${iterate ? n : 1} run_id=${i.runId} wake_id=${i.wakeId}`;
  const v: Record<WakePlaceholder, string> = {
    header,
    runId: i.runId,
    wakeId: i.wakeId,
    outcome: outcomeWords(i),
    state: i.state,
    exitCode: i.exitCode === null ? "unknown" : String(i.exitCode),
    project: i.projectDir,
    projectName: basename(i.projectDir),
    result: excerpt(i.result),
    resultPath: i.resultPath,
    sessionId: i.sessionId ?? "none",
    sessionKey: i.sessionKey,
    mode: i.completionMode,
    iteration: iterate ? String(k) : "1",
    maxIterations: iterate ? String(n) : "1",
    remaining: iterate ? String(Math.max(0, n - k)) : "0",
    protocol: "",
  };
  v.protocol = protocol(i, v);
  return v;
}

/** Replaces each {name} of WAKE_PLACEHOLDERS; any other {text} is left as written. */
export function renderTemplate(template: string, v: Record<WakePlaceholder, string>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) =>
    Object.hasOwn(v, name) ? v[name as WakePlaceholder] : whole,
  );
}

/** Placeholders in a template that are not known (shown as warnings; they stay as written). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z]+)\}/g)]
    .map((m) => m[1]!)
    .filter((name) => !Object.hasOwn(WAKE_PLACEHOLDERS, name));
}

const DEFAULT_TEMPLATE = `{header}

cctask wake: the Claude Code task you launched has ended. This continues your own conversation (same persona, same session, same history); it is not a new request. Judge the result against the user's original goal behind the launch, not only the last technical step.

Run: {runId} (wake {wakeId})
Outcome: {outcome}
Result:
{result}
Full result: {resultPath}
Claude Code session to resume: {sessionId}
{iterationLine}
{protocol}`;

export function wakeText(i: WakeTextInput, template?: string): string {
  const v = values(i);
  if (template) return renderTemplate(template, v);
  const iterationLine =
    i.completionMode === "iterate"
      ? `Iteration: ${v.iteration} of ${v.maxIterations} (${v.remaining} left)\n`
      : "";
  return renderTemplate(DEFAULT_TEMPLATE.replace("{iterationLine}\n", `${iterationLine}\n`), v);
}
