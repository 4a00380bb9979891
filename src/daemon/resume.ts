/**
 * What `--resume ID|LABEL` means: which session, in which project, at which iteration, with
 * which prompt. Refusals say why and what to do; nothing is created before they are made.
 */
import { realpathSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { SubmitRequest } from "../protocol.js";
import { getSession, lookupSession, type SessionRow } from "../store/sessions.js";
import type { DaemonContext } from "./context.js";
import { isoTime } from "./view.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEFAULT_MAX_ITERATIONS = 5;
export const RESUME_PREAMBLE =
  "Continue the existing Claude Code session from its current state. Treat prior session context as source of truth. Focus only on this next step:\n\n";

export interface ResolvedResume {
  sessionId: string | null;
  session: SessionRow | null;
  projectDir: string;
}

export function resolveResume(ctx: DaemonContext, req: SubmitRequest): ResolvedResume {
  if (req.resume === null) return { sessionId: null, session: null, projectDir: req.projectDir };
  const session = findSession(ctx, req.resume);
  if (!session) return { sessionId: req.resume, session: null, projectDir: req.projectDir };
  if (req.projectExplicit && !sameDir(req.projectDir, session.projectDir)) {
    throw new UsageError(
      `session ${session.sessionId} was recorded in ${session.projectDir}, but --project is ${req.projectDir}. ` +
        `Claude looks sessions up by project directory, so the resume would fail or start fresh there. ` +
        `Leave out --project (the session's own directory is used), or pass --project ${session.projectDir}.`,
    );
  }
  return { sessionId: session.sessionId, session, projectDir: session.projectDir };
}

function findSession(ctx: DaemonContext, key: string): SessionRow | null {
  if (UUID.test(key)) return getSession(ctx.db, key) ?? null; // not in the registry: Claude may still know it
  const { session, matches: hits } = lookupSession(ctx.db, key);
  if (session) return session;
  if (hits.length === 0)
    throw new UsageError(
      `no session has the id or label "${key}". Session ids are UUIDs (cctask status RUN shows a run's); labels: cctask sessions`,
    );
  const lines = hits
    .slice(0, 10)
    .map((s) => `  ${s.sessionId}  "${s.label}"  ${s.projectDir}  last used ${isoTime(s.lastUsedAt)}`);
  throw new UsageError(
    `the label "${key}" matches ${hits.length} sessions; resume one by its id:\n${lines.join("\n")}`,
  );
}

function sameDir(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return real(a) === real(b);
}

/** Iterate mode is counted across the chain of runs of one session; a launch past the budget is refused. */
export function planIteration(
  req: SubmitRequest,
  r: ResolvedResume,
  activeOnSession: number,
): { completionMode: "single" | "iterate"; iteration: number | null; maxIterations: number | null } {
  const iterate = req.completionMode === "iterate" || r.session?.completionMode === "iterate";
  if (!iterate) return { completionMode: "single", iteration: null, maxIterations: null };
  const max = req.maxIterations ?? r.session?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const iteration = (r.session?.iterations ?? 0) + activeOnSession + 1;
  if (iteration > max) {
    throw new UsageError(
      `session ${r.sessionId} has used ${iteration - 1} of its ${max} iterations (--completion-mode iterate). ` +
        "Start a fresh run without --resume, or raise the budget with --max-iterations.",
    );
  }
  return { completionMode: "iterate", iteration, maxIterations: max };
}

/** The original's lesson: a resumed session already has its context; re-sending it overflows. */
export function resumePrompt(
  task: string,
  maxChars: number,
): { prompt: string; shortenedFrom: number | null } {
  if (maxChars <= 0 || task.length <= maxChars)
    return { prompt: RESUME_PREAMBLE + task, shortenedFrom: null };
  const collapsed = task.replace(/\s+/g, " ").trim();
  const cut = collapsed.length > maxChars ? `${collapsed.slice(0, maxChars)}…` : collapsed;
  return { prompt: RESUME_PREAMBLE + cut, shortenedFrom: task.length };
}
