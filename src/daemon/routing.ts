/**
 * `--session` routing in the daemon: resolve the key with the daemon's gateway credentials and
 * the launcher's OpenClaw environment, refuse what the rules refuse (RoutingRefusal, printed as
 * it is), and turn the route into delivery targets. Also the --validate-only report.
 */
import { RoutingRefusal } from "../errors.js";
import { type Resolution, resolveRoute, routeTargets } from "../openclaw/routing/resolve.js";
import { previewWake } from "../openclaw/wake/preview.js";
import type { RoutingPayload, RoutingReport, ValidateRoutingRequest } from "../protocol.js";
import type { OpenClawRoute } from "../route.js";
import type { DaemonContext } from "./context.js";
import type { Notifier } from "./notifier.js";

async function resolve(
  ctx: DaemonContext,
  notifier: Notifier,
  payload: RoutingPayload,
  otherTargets: boolean,
): Promise<Extract<Resolution, { ok: true }>> {
  const creds = notifier.credentials();
  const gateway = creds.gateway ?? {
    problem: creds.problems.openclaw ?? "no OpenClaw gateway is configured",
  };
  const r = await resolveRoute(
    payload.request,
    payload.launchEnv,
    { gateway, openclawBin: ctx.config.openclaw.bin ?? "openclaw", daemonEnv: process.env, now: Date.now() },
    { otherTargets },
  );
  if (!r.ok) throw new RoutingRefusal(r.message);
  return r;
}

/** For a submitted run: the route to store in RunSpec.openclaw and its delivery targets. */
export async function routeForRun(
  ctx: DaemonContext,
  notifier: Notifier,
  payload: RoutingPayload,
  otherTargets: boolean,
): Promise<{ route: OpenClawRoute; targets: string[] }> {
  const r = await resolve(ctx, notifier, payload, otherTargets);
  ctx.log.info(
    `routing: ${r.route.sessionKey} → ${routeTargets(r.route).join(", ") || "no target"} (${r.route.family}, from ${r.route.resolvedFrom})`,
  );
  return { route: r.route, targets: routeTargets(r.route) };
}

/** --validate-only: the same resolution, nothing started. */
export async function validateRouting(
  ctx: DaemonContext,
  notifier: Notifier,
  req: ValidateRoutingRequest,
): Promise<RoutingReport> {
  const r = await resolve(ctx, notifier, req.routing, req.notify.length > 0);
  const { route, metadata } = r;
  // The same delivery checks as a launch: a bot token for Telegram, a reachable gateway for the rest.
  const delivery = await notifier.validateTargets(
    [...new Set([...req.notify, ...routeTargets(route)])],
    req.allowOfflineDelivery,
  );
  return {
    session: route.sessionKey,
    thread_id: route.threadId,
    channel: route.channel,
    target: route.target,
    notify_session_id: route.sessionId,
    allow_main_telegram: req.routing.request.allowMainTelegram,
    completion_mode: req.completionMode,
    max_iterations: req.completionMode === "single" ? 1 : Math.max(1, req.maxIterations ?? 5),
    ...(metadata
      ? { resolved_session_id: metadata.sessionId, resolved_telegram_target: metadata.telegramTarget }
      : {}),
    key_family: route.family,
    resolved_from: route.resolvedFrom,
    wake_key: route.wakeKey,
    delivery,
    lookups: r.lookups,
    route,
    wake: await previewWake(route, ctx.config, notifier.launchSecrets()),
  };
}
