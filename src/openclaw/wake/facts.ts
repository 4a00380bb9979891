/**
 * What decides which wake paths a route can use, gathered once per wake (or preview): the
 * installed openclaw CLI and its version, OpenClaw's tool policy and hooks settings, and the
 * gateway's address and token. Read with the launcher's OpenClaw environment over the daemon's,
 * so the OpenClaw install the run was launched from is the one asked.
 */
import type { Config } from "../../config.js";
import type { OpenClawRoute } from "../../route.js";
import { configPath } from "../../state-dir.js";
import { loadOpenClawConfig, originOf } from "../config.js";
import { resolveCredentials } from "../credentials.js";
import { findOpenClawConfigPath } from "../paths.js";
import { resolveSecret } from "../secrets.js";
import { detectOpenClaw, type OpenClawCli } from "./cli.js";

export interface HooksFacts {
  enabled: boolean;
  token: string | null;
  tokenProblem: string | null;
  /** Base path of the hooks endpoints, e.g. "/hooks". */
  path: string;
  allowRequestSessionKey: boolean;
  allowedSessionKeyPrefixes: string[] | null;
}

export interface WakeFacts {
  cli: OpenClawCli;
  /** OpenClaw's config file (it may not exist), and why it could not be read. */
  openclawConfigFile: string;
  openclawConfigProblem: string | null;
  /** cctask's own config file, for messages. */
  cctaskConfigFile: string;
  toolsAllow: string[];
  toolsDeny: string[];
  hooks: HooksFacts;
  gateway: { url: string; token: string | null } | null;
  gatewayProblem: string | null;
  /** OPENCLAW_SHELL=exec where the run was launched, or in the daemon's own environment. */
  execMarker: boolean;
}

/** The environment OpenClaw is read with: the daemon's, with the launcher's OpenClaw variables over it. */
export function wakeEnv(route: OpenClawRoute, processEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...processEnv, ...route.launchEnv };
}

const nonEmpty = (v: string | undefined): string | null => (v && v.trim() !== "" ? v.trim() : null);

const NO_HOOKS: HooksFacts = {
  enabled: false,
  token: null,
  tokenProblem: null,
  path: "/hooks",
  allowRequestSessionKey: false,
  allowedSessionKeyPrefixes: null,
};

export async function gatherWakeFacts(
  route: OpenClawRoute,
  config: Config,
  opts: {
    stateDir: string;
    processEnv?: NodeJS.ProcessEnv;
    /** Credentials launching CLIs handed to the daemon (OPENCLAW_GATEWAY_TOKEN, OPENCLAW_HOOKS_TOKEN, …). */
    secrets?: Record<string, string>;
  },
): Promise<WakeFacts> {
  const processEnv = opts.processEnv ?? process.env;
  const env = wakeEnv(route, { ...processEnv, ...opts.secrets });
  const cctaskConfigFile = configPath(opts.stateDir);
  const openclawConfigFile = findOpenClawConfigPath(env);
  const cli = await detectOpenClaw({ configured: config.openclaw.bin, env, configFile: cctaskConfigFile });
  const facts: WakeFacts = {
    cli,
    openclawConfigFile,
    openclawConfigProblem: null,
    cctaskConfigFile,
    toolsAllow: [],
    toolsDeny: [],
    hooks: NO_HOOKS,
    gateway: null,
    gatewayProblem: null,
    execMarker: route.execShell || processEnv.OPENCLAW_SHELL === "exec",
  };
  let cfg: ReturnType<typeof loadOpenClawConfig> = null;
  try {
    cfg = loadOpenClawConfig(env);
  } catch (e) {
    facts.openclawConfigProblem = `OpenClaw's config could not be read: ${(e as Error).message}`;
  }
  if (cfg) {
    const data = cfg.data;
    facts.openclawConfigFile = cfg.path;
    facts.toolsAllow = data.gateway?.tools?.allow ?? [];
    facts.toolsDeny = data.gateway?.tools?.deny ?? [];
    const h = data.hooks;
    let token: string | null = null;
    let tokenProblem: string | null = null;
    try {
      token =
        nonEmpty(env.OPENCLAW_HOOKS_TOKEN) ??
        resolveSecret(h?.token, {
          env: { ...cfg.dotenv, ...env },
          file: originOf(cfg, "hooks.token"),
          key: "hooks.token",
          envOverride: "OPENCLAW_HOOKS_TOKEN",
        });
    } catch (e) {
      tokenProblem = (e as Error).message;
    }
    facts.hooks = {
      enabled: h?.enabled === true,
      token,
      tokenProblem,
      path: `/${(h?.path ?? "/hooks").replace(/^\/+|\/+$/g, "")}`,
      allowRequestSessionKey: h?.allowRequestSessionKey === true,
      allowedSessionKeyPrefixes: h?.allowedSessionKeyPrefixes ?? null,
    };
  }
  const creds = resolveCredentials(config, env, cctaskConfigFile);
  facts.gateway = creds.gateway;
  facts.gatewayProblem = creds.gateway
    ? null
    : (creds.problems.openclaw ?? "the OpenClaw gateway is not configured");
  return facts;
}
