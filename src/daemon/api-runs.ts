/** The /runs routes of the local API (and --validate-only): launch, list, read, cancel, agent updates. */
import { NotFoundError, UsageError } from "../errors.js";
import { isAlive } from "../platform/process.js";
import type { AgentUpdateReceipt, RoutingReport, RunView, SubmitRequest } from "../protocol.js";
import { SubmitRequestSchema, ValidateRoutingSchema } from "../protocol-schemas.js";
import { isFinal } from "../run-state.js";
import { secretsOf } from "../secret-env.js";
import { findRunBySubmitKey, findRunsByPrefix, getRun, listRuns, type RunRow } from "../store/runs.js";
import type { ApiDeps, RouteCall } from "./api-route.js";
import { routeForRun, validateRouting } from "./routing.js";
import { endUnstarted, kick } from "./scheduler.js";
import { submitRun, tokenMatches } from "./submit.js";
import { toRunView } from "./view.js";

export function listRunViews(d: ApiDeps, c: RouteCall<"GET /runs">): RunView[] {
  const limit = Number(c.query.get("limit") ?? "50");
  const rows = listRuns(d.ctx.db, {
    limit: Number.isFinite(limit) && limit > 0 ? limit : 50,
    activeOnly: c.query.get("active") === "1",
  });
  return rows.map((r) => view(d, r));
}

export function cancelRun(d: ApiDeps, idOrPrefix: string): RunView {
  const row = resolveRun(d, idOrPrefix);
  if (row.state === "queued")
    endUnstarted(d.ctx, row, { state: "cancelled", detail: "cancelled while queued; it never started" });
  else if (!isFinal(row.state)) d.supervisor.stop(row.id, "cancel");
  return view(d, getRun(d.ctx.db, row.id)!);
}

const MAX_UPDATE_CHARS = 3500;

/** `cctask notify` from inside a run: only with that run's own token, only to that run's targets. */
export async function agentUpdate(
  d: ApiDeps,
  c: RouteCall<"POST /runs/:id/notify">,
): Promise<AgentUpdateReceipt> {
  const row = resolveRun(d, c.params.id);
  const body = await c.body();
  const auth = c.req.headers.authorization ?? "";
  const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
  if (!tokenMatches(token, row.notifyTokenHash))
    throw new UsageError(
      `not allowed: cctask notify posts only for the run it runs in (this token is not run ${row.id}'s)`,
    );
  if (isFinal(row.state))
    throw new UsageError(`run ${row.id} has already ended (${row.state}); its updates are closed`);
  const text = (body as { text?: unknown })?.text;
  if (typeof text !== "string" || text.trim() === "")
    throw new UsageError('the update is empty; usage: cctask notify "your message"');
  const clipped = text.length > MAX_UPDATE_CHARS ? `${text.slice(0, MAX_UPDATE_CHARS)}…` : text;
  return { targets: d.notifier.update(row, clipped.trim()) };
}

export function view(d: ApiDeps, row: RunRow): RunView {
  return toRunView(d.ctx, row, d.supervisor.progressOf(row.id));
}

export function resolveRun(d: { ctx: ApiDeps["ctx"] }, idOrPrefix: string): RunRow {
  if (!/^[0-9a-z]{1,16}$/.test(idOrPrefix))
    throw new UsageError(`"${idOrPrefix}" is not a run id; run ids look like 3f9a1c2b (see cctask list)`);
  const exact = getRun(d.ctx.db, idOrPrefix);
  if (exact) return exact;
  const found = findRunsByPrefix(d.ctx.db, idOrPrefix);
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new NotFoundError(`no run with id "${idOrPrefix}"; see cctask list for the runs there are`);
  throw new UsageError(
    `"${idOrPrefix}" matches several runs (${found.map((r) => r.id).join(", ")}); give more of the id`,
  );
}

export async function checkRouting(d: ApiDeps, body: unknown): Promise<RoutingReport> {
  const parsed = ValidateRoutingSchema.safeParse(body);
  if (!parsed.success) throw invalid("routing check", parsed.error.issues[0]);
  d.notifier.acceptLaunchCredentials(secretsOf(parsed.data.secrets ?? {}));
  return await validateRouting(d.ctx, d.notifier, parsed.data);
}

/** Launches in progress, by idempotency key: a repeat waits for the first one's receipt. */
const launching = new Map<string, Promise<RunView>>();

/**
 * The launch receipt: returns as soon as the agent's process is alive (its PID checked), or with
 * `waitInit` once its init line names the session, model and auth; or when the run is queued or
 * has already ended. A launch whose idempotency key was seen before (the client asking again
 * after a reset connection) gets the receipt of the run that key started: one run, however often.
 */
export async function submit(d: ApiDeps, body: unknown): Promise<RunView> {
  const parsed = SubmitRequestSchema.safeParse(body);
  if (!parsed.success) throw invalid("run request", parsed.error.issues[0]);
  const req = parsed.data;
  const key = req.idempotencyKey;
  if (key === undefined) return await launch(d, req);
  const pending = launching.get(key);
  if (pending) return await pending;
  const started = findRunBySubmitKey(d.ctx.db, key);
  if (started) return await awaitLaunch(d, started.id, req.waitInit === true);
  const first = launch(d, req);
  launching.set(key, first);
  try {
    return await first;
  } finally {
    launching.delete(key);
  }
}

async function launch(d: ApiDeps, req: SubmitRequest): Promise<RunView> {
  // A launch is held to the config as it is on disk now (onActivity reloaded it for this request).
  if (d.ctx.configProblem) throw new UsageError(d.ctx.configProblem.error);
  d.notifier.acceptLaunchCredentials(secretsOf(req.env));
  // With --session, the route decides; the config's default targets would post where no one asked.
  const routed = req.routing
    ? await routeForRun(d.ctx, d.notifier, req.routing, req.notify.length > 0)
    : null;
  const asked = req.notify.length > 0 || routed ? req.notify : d.ctx.config.notify.defaultTargets;
  const targets = await d.notifier.validateTargets(
    [...asked, ...(routed?.targets ?? [])],
    req.allowOfflineDelivery,
  );
  const created = submitRun(d.ctx, req, targets, routed?.route ?? req.openclaw ?? null);
  kick(d.ctx, d.supervisor);
  return await awaitLaunch(d, created.id, req.waitInit === true);
}

async function awaitLaunch(d: ApiDeps, id: string, waitInit: boolean): Promise<RunView> {
  const initDeadline = Date.now() + (waitInit ? d.ctx.config.launchWaitSeconds * 1000 : 0);
  const forkDeadline = Math.max(initDeadline, Date.now()) + 5000; // never hang a launch on a slow fork
  for (;;) {
    const agentPid = d.supervisor.recordAgentPid(id);
    const row = getRun(d.ctx.db, id)!;
    if (row.state === "queued" || isFinal(row.state)) return view(d, row);
    const initSeen = (d.supervisor.progressOf(id)?.initCount ?? 0) > 0;
    // isAlive last: where it is read from ps (macOS) it costs a process spawn.
    if (agentPid !== null && (initSeen || Date.now() >= initDeadline) && isAlive(agentPid))
      return view(d, row);
    if (Date.now() >= forkDeadline) return view(d, row);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function invalid(what: string, issue: { path: PropertyKey[]; message: string } | undefined): UsageError {
  return new UsageError(`invalid ${what}: ${issue?.path.map(String).join(".")}: ${issue?.message}`);
}
