/**
 * Resolving `--session KEY` to a route, in the daemon (the only process that reads the gateway
 * token). Order: the gateway's sessions_list; where it hides routing fields or the session, the
 * RPC / `openclaw sessions` CLI; then the store on disk; then the launching exec tool's
 * OPENCLAW_CHANNEL_CONTEXT. Lookups stop as soon as the session's destination is known; the
 * gateway and disk are still read for the recent-thread guard of a non-thread Telegram route.
 */

import type { OpenClawRoute, RoutingRequest } from "../../route.js";
import type { GatewayEndpoint } from "../gateway.js";
import { resolveOpenClawStateDir } from "../paths.js";
import { readDiskStore } from "./disk.js";

export { LAUNCH_ENV_KEYS, pickLaunchEnv } from "./launch-env.js";

import { listViaCli, listViaTool } from "./gateway-source.js";
import * as msg from "./messages.js";
import { type Decision, decideRoute, type Evidence, type Metadata } from "./rules.js";
import { asObject } from "./session-info.js";
import { type ParsedKey, parseSessionKey } from "./session-key.js";

export interface ResolveDeps {
  /** The gateway the daemon delivers through, or why there is none. */
  gateway: GatewayEndpoint | { problem: string };
  /** The `openclaw` CLI: config openclaw.bin, else "openclaw" on the launcher's PATH. */
  openclawBin: string;
  /** The daemon's own environment (the CLI lookups inherit it). */
  daemonEnv: NodeJS.ProcessEnv;
  now: number;
}

export type Resolution =
  | { ok: true; route: OpenClawRoute; metadata: Metadata | null; parsed: ParsedKey; lookups: string[] }
  | { ok: false; message: string };

export function parseChannelContext(raw: string | undefined): Evidence["context"] {
  if (!raw) return null;
  try {
    const o = asObject(JSON.parse(raw));
    const id = (v: unknown) => {
      const x = asObject(v)?.id;
      return typeof x === "string" && x !== "" ? x : typeof x === "number" ? String(x) : null;
    };
    const ctx = { senderId: id(o?.sender), chatId: id(o?.chat) };
    return ctx.senderId || ctx.chatId ? ctx : null;
  } catch {
    return null;
  }
}

function knowsSessionId(ev: Evidence, key: string): boolean {
  return ev.sources.some((s) => s.rows.some((r) => r.key === key && r.sessionId !== null));
}

function knowsDestination(ev: Evidence, key: string): boolean {
  return ev.sources.some((s) => s.rows.some((r) => r.key === key && r.to !== null));
}

/** Gather what the sources say, in order, stopping once the session's destination is known. */
async function gather(p: ParsedKey, launchEnv: Record<string, string>, deps: ResolveDeps): Promise<Evidence> {
  const ev: Evidence = { sources: [], transcripts: [], context: null, problems: [] };
  if ("problem" in deps.gateway) ev.problems.push(`gateway: ${deps.gateway.problem}`);
  else {
    const r = await listViaTool(deps.gateway);
    if (r.problem) ev.problems.push(`gateway: ${r.problem}`);
    else ev.sources.push({ source: r.source, rows: r.rows });
  }
  // 2026.9.6 hides routing in sessions_list, visibility "tree" hides other sessions: ask the RPC
  // (and `openclaw sessions`, which reads the store itself, even when the gateway is down).
  if (!knowsDestination(ev, p.key) && !(p.target !== null && knowsSessionId(ev, p.key))) {
    const env = { ...deps.daemonEnv, ...launchEnv };
    delete env.OPENCLAW_SHELL; // a read; the exec-tool marker is not ours to pass on
    for (const c of await listViaCli(deps.openclawBin, env)) {
      if (c.problem) ev.problems.push(c.problem);
      else ev.sources.push({ source: c.source, rows: c.rows });
    }
  }
  if (p.agentId) {
    const stateDir = resolveOpenClawStateDir({ ...deps.daemonEnv, ...launchEnv });
    const disk = readDiskStore(stateDir, p.agentId);
    ev.sources.push({ source: "disk", rows: disk.rows });
    ev.transcripts = disk.transcripts;
    ev.problems.push(...disk.problems.map((x) => `disk: ${x}`));
    if (disk.rows.length === 0 && disk.transcripts.length === 0)
      ev.problems.push(`disk: no OpenClaw session store under ${stateDir}/agents/${p.agentId}`);
  }
  ev.context = parseChannelContext(launchEnv.OPENCLAW_CHANNEL_CONTEXT);
  return ev;
}

export async function resolveRoute(
  req: RoutingRequest,
  launchEnv: Record<string, string>,
  deps: ResolveDeps,
  opts: { otherTargets: boolean },
): Promise<Resolution> {
  const parsed = parseSessionKey(req.session);
  if (!parsed.ok) return { ok: false, message: msg.notASessionKey(parsed.problem) };
  const p = parsed.parsed;
  const ev = await gather(p, launchEnv, deps);
  const d: Decision = decideRoute(req, p, ev, { now: deps.now, otherTargets: opts.otherTargets });
  if (!d.ok) return d;
  return {
    ok: true,
    parsed: p,
    metadata: d.metadata,
    lookups: ev.problems,
    route: {
      ...d.route,
      traceLive: req.traceLive,
      execShell: launchEnv.OPENCLAW_SHELL === "exec",
      launchEnv,
    },
  };
}

/** The delivery targets of a route (notify/targets.ts syntax): Telegram direct, the rest via the gateway. */
export function routeTargets(route: OpenClawRoute): string[] {
  if (route.channel === null || route.target === null) return [];
  if (route.channel === "telegram")
    return [`telegram:${route.target}${route.threadId !== null ? `:topic:${route.threadId}` : ""}`];
  const thread = route.threadId !== null ? `:topic:${route.threadId}` : "";
  const account = route.accountId ? `:account:${route.accountId}` : "";
  return [`openclaw:${route.channel}:${route.target}${thread}${account}`];
}
