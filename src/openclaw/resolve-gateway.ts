/**
 * Where the OpenClaw gateway listens and how to authenticate to it (openclaw.md §2.3):
 * port OPENCLAW_GATEWAY_PORT > gateway.port > 18789 on 127.0.0.1 (the gateway binds loopback by
 * default and listens on 127.0.0.1 even when bound wider); the token from OPENCLAW_GATEWAY_TOKEN /
 * OPENCLAW_GATEWAY_PASSWORD, else gateway.auth.token / .password according to gateway.auth.mode.
 */
import { UsageError } from "../errors.js";
import { OpenClawConfigError } from "./config-error.js";
import { effectiveEnv, type OpenClawConfig, originOf } from "./config-shape.js";
import { resolveSecret } from "./secrets.js";

export const DEFAULT_GATEWAY_PORT = 18789;

export type GatewayAuthMode = "token" | "password" | "none" | "trusted-proxy";
const MODES: readonly string[] = ["token", "password", "none", "trusted-proxy"];

export interface ResolvedGateway {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:18789 */
  url: string;
  /** The bearer credential (token or password), or null when none is configured. */
  token: string | null;
  authMode: GatewayAuthMode;
}

function nonEmpty(v: string | undefined): string | null {
  return v !== undefined && v.trim() !== "" ? v.trim() : null;
}

function resolvePort(cfg: OpenClawConfig | null, env: NodeJS.ProcessEnv): number {
  const raw = nonEmpty(env.OPENCLAW_GATEWAY_PORT);
  if (raw === null) return cfg?.data.gateway?.port ?? DEFAULT_GATEWAY_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new UsageError(
      `OPENCLAW_GATEWAY_PORT is "${raw}", not a port number. Fix: set it to an integer from 1 to 65535, or unset it to use gateway.port from the OpenClaw config (default ${DEFAULT_GATEWAY_PORT}).`,
    );
  }
  return port;
}

/** OPENCLAW_GATEWAY_URL (2026.9.6, meant for WebSocket RPC) names the same multiplexed port. */
function resolveUrlOverride(env: NodeJS.ProcessEnv): string | null {
  const raw = nonEmpty(env.OPENCLAW_GATEWAY_URL);
  if (raw === null) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    u = new URL("invalid:");
  }
  const proto = { "ws:": "http:", "wss:": "https:", "http:": "http:", "https:": "https:" }[u.protocol];
  if (!proto) {
    throw new UsageError(
      `OPENCLAW_GATEWAY_URL is "${raw}", not a ws://, wss://, http:// or https:// URL. Fix: set it to the gateway's address (e.g. ws://127.0.0.1:18789) or unset it.`,
    );
  }
  return `${proto}//${u.host}`;
}

function resolveAuthMode(cfg: OpenClawConfig | null, env: NodeJS.ProcessEnv): GatewayAuthMode {
  const auth = cfg?.data.gateway?.auth;
  const mode = auth?.mode;
  if (mode !== undefined) {
    if (MODES.includes(mode)) return mode as GatewayAuthMode;
    throw new OpenClawConfigError({
      file: cfg ? originOf(cfg, "gateway.auth.mode") : "",
      key: "gateway.auth.mode",
      problem: `unknown auth mode "${mode}"`,
      fix: `use one of ${MODES.join(", ")}`,
    });
  }
  // No mode written: a lone password means password auth, as OpenClaw infers it.
  const hasToken = auth?.token !== undefined || nonEmpty(env.OPENCLAW_GATEWAY_TOKEN) !== null;
  const hasPassword = auth?.password !== undefined || nonEmpty(env.OPENCLAW_GATEWAY_PASSWORD) !== null;
  return hasPassword && !hasToken ? "password" : "token";
}

export function resolveGateway(cfg: OpenClawConfig | null, processEnv: NodeJS.ProcessEnv): ResolvedGateway {
  const env = effectiveEnv(cfg, processEnv);
  const url = resolveUrlOverride(env) ?? `http://127.0.0.1:${resolvePort(cfg, env)}`;
  const authMode = resolveAuthMode(cfg, env);
  if (authMode === "none" || authMode === "trusted-proxy") return { url, token: null, authMode };

  const field = authMode === "password" ? "password" : "token";
  const envOverride = authMode === "password" ? "OPENCLAW_GATEWAY_PASSWORD" : "OPENCLAW_GATEWAY_TOKEN";
  const fromEnv = nonEmpty(env[envOverride]);
  if (fromEnv !== null) return { url, token: fromEnv, authMode };
  if (!cfg) return { url, token: null, authMode };
  const key = `gateway.auth.${field}`;
  const token = resolveSecret(cfg.data.gateway?.auth?.[field], {
    env,
    file: originOf(cfg, key),
    key,
    envOverride,
  });
  return { url, token, authMode };
}
