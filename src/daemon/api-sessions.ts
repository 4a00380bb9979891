/** The /sessions routes of the local API: the registry, read and edited. */
import { NotFoundError, UsageError } from "../errors.js";
import type { ImportResult, SessionDetail, SessionsQuery, SessionView } from "../protocol.js";
import { ImportRequestSchema } from "../protocol-schemas.js";
import { runsOfSession } from "../store/runs.js";
import {
  forgetSession,
  getSession,
  importSessions,
  listSessions,
  lookupSession,
  type SessionRow,
  setSessionLabel,
} from "../store/sessions.js";
import type { DaemonContext } from "./context.js";
import { publish } from "./publish.js";
import type { Supervisor } from "./supervisor.js";
import { toRunView, toSessionView } from "./view.js";

export function listSessionViews(
  ctx: DaemonContext,
  q: { get(name: keyof SessionsQuery): string | null },
): SessionView[] {
  const hours = q.get("hours");
  const h = hours === null ? 72 : Number(hours);
  if (!Number.isFinite(h) || h < 0)
    throw new UsageError(`--hours must be a number of hours ≥ 0, got "${hours}"`);
  return listSessions(ctx.db, {
    sinceMs: h === 0 ? null : Date.now() - h * 3600_000,
    label: q.get("label"),
    projectDir: q.get("project"),
    status: q.get("status"),
  }).map(toSessionView);
}

/** A session by exact id, else by label (case-insensitive: exact, then substring; ambiguity refused). */
export function resolveSession(ctx: DaemonContext, key: string): SessionRow {
  const { session, matches: hits } = lookupSession(ctx.db, key);
  if (session) return session;
  if (hits.length === 0)
    throw new NotFoundError(`no session has the id or label "${key}"; see cctask sessions --hours 0`);
  throw new UsageError(
    `the label "${key}" matches ${hits.length} sessions (${hits.map((s) => `${s.sessionId} "${s.label}"`).join(", ")}); use the id`,
  );
}

export function sessionDetail(ctx: DaemonContext, supervisor: Supervisor, key: string): SessionDetail {
  const s = resolveSession(ctx, key);
  const runs = runsOfSession(ctx.db, s.sessionId).map((r) => toRunView(ctx, r, supervisor.progressOf(r.id)));
  return { ...toSessionView(s), runList: runs };
}

export function labelSession(ctx: DaemonContext, id: string, body: unknown): SessionView {
  const label = (body as { label?: unknown })?.label;
  if (label !== null && typeof label !== "string")
    throw new UsageError("the label must be a string (or null to clear it)");
  const s = resolveSession(ctx, id);
  setSessionLabel(ctx.db, s.sessionId, label === null || label.trim() === "" ? null : label.trim());
  const after = getSession(ctx.db, s.sessionId)!;
  publish(ctx, {
    type: "session",
    runId: null,
    sessionId: s.sessionId,
    change: "labelled",
    status: after.status,
  });
  return toSessionView(after);
}

export function forget(ctx: DaemonContext, id: string): SessionView {
  const s = getSession(ctx.db, id);
  if (!s) throw new NotFoundError(`no session with id "${id}" (forget takes the exact id, not a label)`);
  forgetSession(ctx.db, s.sessionId);
  publish(ctx, { type: "session", runId: null, sessionId: s.sessionId, change: "forgotten", status: null });
  return toSessionView(s);
}

export function importEntries(ctx: DaemonContext, body: unknown): ImportResult {
  const parsed = ImportRequestSchema.safeParse(body);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new UsageError(`invalid import request: ${i?.path.join(".")}: ${i?.message}`);
  }
  const { added, updated } = importSessions(ctx.db, parsed.data.entries, Date.now());
  ctx.log.info(`sessions: imported ${added} new, ${updated} updated`);
  return { added, updated, unchanged: parsed.data.entries.length - added - updated };
}
