/**
 * Which wake paths a route can use, in the order they are tried, and for each one that cannot be
 * used, why and which config line enables it. Pure: the facts are gathered elsewhere (facts.ts).
 * The exec marker is never stripped or faked: where the installed version refuses `openclaw agent`
 * under it, that path is skipped and another one is used.
 */
import type { OpenClawRoute, WakePathCheck, WakePathName } from "../../route.js";
import { compareVersions, EXEC_REFUSAL_SINCE } from "./cli.js";
import type { WakeFacts } from "./facts.js";

export const WAKE_PATH_ORDER: readonly WakePathName[] = ["openclaw-agent", "hooks-agent", "sessions-send"];

function check(path: WakePathName, usable: boolean, reason: string): WakePathCheck {
  return { path, usable, reason };
}

function checkAgentCli(route: OpenClawRoute, f: WakeFacts): WakePathCheck {
  const p = "openclaw-agent";
  if (!route.sessionId)
    return check(
      p,
      false,
      `openclaw agent needs the session's id (a UUID) for --session-id, and none was found for ${route.sessionKey}`,
    );
  if (!f.cli.found) return check(p, false, f.cli.problem);
  const { bin, version } = f.cli;
  if (f.execMarker && version !== null && compareVersions(version, EXEC_REFUSAL_SINCE) >= 0)
    return check(
      p,
      false,
      `the run was launched from OpenClaw's exec tool (OPENCLAW_SHELL=exec), where openclaw ${version} refuses \`openclaw agent\` (since ${EXEC_REFUSAL_SINCE}); the marker is kept, so another path is used`,
    );
  if (version === null)
    return check(
      p,
      true,
      `${bin} (version unknown: ${f.cli.versionProblem}); a refusal is recognised and the next path tried`,
    );
  return check(p, true, `openclaw ${version} at ${bin}, --session-id ${route.sessionId}`);
}

/** A hooks block 2026.9.6 accepts: its prefix list must keep "hook:" when no defaultSessionKey is set. */
const HOOKS_LINE =
  '{"enabled": true, "token": "<secret>", "allowRequestSessionKey": true, "allowedSessionKeyPrefixes": ["hook:", "agent:"]}';

function checkHooks(route: OpenClawRoute, f: WakeFacts): WakePathCheck {
  const p = "hooks-agent";
  const file = f.openclawConfigFile;
  if (f.openclawConfigProblem) return check(p, false, f.openclawConfigProblem);
  const h = f.hooks;
  if (!h.enabled)
    return check(p, false, `hooks are not enabled; set "hooks": ${HOOKS_LINE} in ${file} to enable it`);
  if (h.token === null)
    return check(
      p,
      false,
      h.tokenProblem ?? `hooks.token is not set; set "hooks.token" to a secret in ${file} to enable it`,
    );
  if (!h.allowRequestSessionKey)
    return check(
      p,
      false,
      `hooks.allowRequestSessionKey is not set, so the gateway refuses a sessionKey; set "allowRequestSessionKey": true, "allowedSessionKeyPrefixes": ["hook:", "agent:"] in "hooks" of ${file} to enable it`,
    );
  const prefixes = h.allowedSessionKeyPrefixes;
  if (prefixes && prefixes.length > 0 && !prefixes.some((x) => route.sessionKey.startsWith(x)))
    return check(
      p,
      false,
      `${route.sessionKey} is outside hooks.allowedSessionKeyPrefixes (${prefixes.join(", ")}); add "agent:${route.agentId}:" to it in ${file} to enable it`,
    );
  if (!f.gateway) return check(p, false, f.gatewayProblem ?? "the OpenClaw gateway is not configured");
  return check(p, true, `POST ${f.gateway.url}${h.path}/agent with sessionKey ${route.sessionKey}`);
}

function checkSessionsSend(route: OpenClawRoute, f: WakeFacts): WakePathCheck {
  const p = "sessions-send";
  if (f.openclawConfigProblem) return check(p, false, f.openclawConfigProblem);
  if (!f.gateway) return check(p, false, f.gatewayProblem ?? "the OpenClaw gateway is not configured");
  if (f.toolsDeny.includes("sessions_send"))
    return check(
      p,
      false,
      `sessions_send is listed in gateway.tools.deny; remove it there (${f.openclawConfigFile}) to enable it`,
    );
  // Every OpenClaw version denies sessions_send over HTTP unless gateway.tools.allow lists it (§4.3).
  if (!f.toolsAllow.includes("sessions_send"))
    return check(
      p,
      false,
      'sessions_send is denied by gateway.tools; add "sessions_send" to gateway.tools.allow to enable it',
    );
  // OpenClaw refuses topic keys for sessions_send, and a forum group's parent session exists only
  // if someone wrote in the group outside a topic: nothing to send to (verified on 2026.9.6).
  if (route.family === "telegram-topic")
    return check(
      p,
      false,
      `sessions_send cannot reach a forum-topic session (OpenClaw refuses topic keys, and the group's own session ${route.wakeKey} exists only if someone wrote outside a topic); enable hooks instead`,
    );
  return check(p, true, `sessions_send to ${route.wakeKey} over ${f.gateway.url}/tools/invoke`);
}

/** Every path, in the order they are tried. */
export function planWake(route: OpenClawRoute, facts: WakeFacts): WakePathCheck[] {
  return [checkAgentCli(route, facts), checkHooks(route, facts), checkSessionsSend(route, facts)];
}
