/**
 * Where delivery credentials come from, read by the daemon when it needs them (never stored by
 * cctask beyond the launch hand-over, never given to the agent): cctask's config.json5, then the
 * environment (the launching CLIs' credentials over the daemon's own), then OpenClaw's config. Each missing credential is explained with where it can be put.
 */
import { readFileSync } from "node:fs";
import type { Config } from "../config.js";
import { DEFAULT_API_ROOT } from "../notification.js";
import { loadOpenClawConfig, resolveGateway, resolveTelegramFromOpenClaw } from "./config.js";
import type { GatewayEndpoint } from "./gateway.js";

export interface Credentials {
  telegram: { token: string; apiRoot: string } | null;
  gateway: GatewayEndpoint | null;
  webhookSecret: string | null;
  /** Why a credential is missing or unreadable, per scheme. */
  problems: { telegram?: string; openclaw?: string; webhook?: string };
}

function readSecretFile(path: string, what: string): string {
  try {
    const v = readFileSync(path, "utf8").trim();
    if (v === "") throw new Error("the file is empty");
    return v;
  } catch (e) {
    throw new Error(
      `cannot read ${what} from ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

export function resolveCredentials(config: Config, env: NodeJS.ProcessEnv, configFile: string): Credentials {
  const problems: Credentials["problems"] = {};
  let openclaw: ReturnType<typeof loadOpenClawConfig> = null;
  let openclawError: string | null = null;
  try {
    openclaw = loadOpenClawConfig(env);
  } catch (e) {
    openclawError = (e as Error).message;
  }

  let telegram: Credentials["telegram"] = null;
  try {
    const own =
      config.telegram.botToken ??
      (config.telegram.botTokenFile
        ? readSecretFile(config.telegram.botTokenFile, "telegram.botTokenFile")
        : null);
    const fromEnvOrOpenClaw = own ? null : resolveTelegramFromOpenClaw(openclaw, env);
    const token = own ?? fromEnvOrOpenClaw?.token ?? null;
    const root =
      env.CCTASK_TELEGRAM_API_ROOT ||
      config.telegram.apiRoot ||
      fromEnvOrOpenClaw?.apiRoot ||
      DEFAULT_API_ROOT;
    if (token) telegram = { token, apiRoot: root.replace(/\/+$/, "") };
    else
      problems.telegram =
        `no Telegram bot token: set telegram.botToken (or telegram.botTokenFile) in ${configFile}, ` +
        "or TELEGRAM_BOT_TOKEN in the environment of the `cctask run` that launches the run, or channels.telegram.botToken in OpenClaw's config" +
        (openclawError ? ` (OpenClaw's config could not be read: ${openclawError})` : "");
  } catch (e) {
    problems.telegram = (e as Error).message;
  }

  let gateway: GatewayEndpoint | null = null;
  try {
    if (config.openclaw.gatewayUrl) {
      gateway = {
        url: config.openclaw.gatewayUrl.replace(/\/+$/, ""),
        token: config.openclaw.gatewayToken ?? env.OPENCLAW_GATEWAY_TOKEN ?? null,
      };
    } else if (openclawError) {
      problems.openclaw = `OpenClaw's config could not be read: ${openclawError}`;
    } else {
      const gw = resolveGateway(openclaw, env);
      gateway = { url: gw.url, token: config.openclaw.gatewayToken ?? gw.token };
    }
  } catch (e) {
    problems.openclaw = (e as Error).message;
  }

  let webhookSecret: string | null = null;
  try {
    webhookSecret =
      config.webhook.secret ??
      (config.webhook.secretFile ? readSecretFile(config.webhook.secretFile, "webhook.secretFile") : null) ??
      (env.CCTASK_WEBHOOK_SECRET || null);
  } catch (e) {
    problems.webhook = (e as Error).message;
  }
  return { telegram, gateway, webhookSecret, problems };
}
