/**
 * The Telegram bot token and API root OpenClaw uses (openclaw.md §2.3,
 * openclaw@2026.3.2:docs/channels/telegram.md): channels.telegram.botToken → .tokenFile →
 * the account's botToken / tokenFile (the "default" account, else the first one listed);
 * TELEGRAM_BOT_TOKEN is the default account's env fallback, and config values win over it.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { errorMessage } from "../errors.js";
import { OpenClawConfigError } from "./config-error.js";
import { effectiveEnv, type OpenClawConfig, originOf } from "./config-shape.js";
import { expandTilde, resolveOpenClawHome } from "./paths.js";
import { resolveSecret, type SecretInput } from "./secrets.js";

export interface ResolvedTelegram {
  token: string;
  /** The Bot API root (no /bot<token>, no trailing slash), or null for api.telegram.org. */
  apiRoot: string | null;
}

interface TokenSource {
  prefix: string;
  botToken?: SecretInput | undefined;
  tokenFile?: string | undefined;
  apiRoot?: string | undefined;
}

function readTokenFile(cfg: OpenClawConfig, env: NodeJS.ProcessEnv, key: string, raw: string): string {
  const file = originOf(cfg, key);
  // Relative to the file that names it: the gateway's working directory is unknown here.
  const expanded = expandTilde(raw, resolveOpenClawHome(env));
  const path = isAbsolute(expanded) ? expanded : resolve(dirname(file), expanded);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `the token file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`,
      fix: "point tokenFile at a readable file holding the bot token, or set botToken",
      cause: e,
    });
  }
  const token = text.trim();
  if (token === "") {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `the token file ${path} is empty`,
      fix: "write the bot token from @BotFather into it",
    });
  }
  return token;
}

function tokenFrom(cfg: OpenClawConfig, env: NodeJS.ProcessEnv, src: TokenSource): string | null {
  const key = `${src.prefix}.botToken`;
  // A file/exec SecretRef cctask cannot resolve: TELEGRAM_BOT_TOKEN stands in for it.
  const envToken = env.TELEGRAM_BOT_TOKEN?.trim();
  if (typeof src.botToken === "object" && src.botToken.source !== "env" && envToken) return envToken;
  const inline = resolveSecret(src.botToken, {
    env,
    file: originOf(cfg, key),
    key,
    envOverride: "TELEGRAM_BOT_TOKEN",
  });
  if (inline !== null) return inline;
  if (src.tokenFile !== undefined && src.tokenFile.trim() !== "") {
    return readTokenFile(cfg, env, `${src.prefix}.tokenFile`, src.tokenFile.trim());
  }
  return null;
}

function validateApiRoot(cfg: OpenClawConfig, key: string, raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === "") return null;
  const value = raw.trim().replace(/\/+$/, "");
  const file = originOf(cfg, key);
  // Never echo a token that was pasted into the URL.
  const shown = value.replace(/\/bot[^/]*$/, "/bot<TOKEN>");
  if (/\/bot[^/]*$/.test(value)) {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `"${shown}" ends in /bot<TOKEN>; it must be the API root only`,
      fix: `remove the /bot… suffix (e.g. "${shown.replace(/\/bot<TOKEN>$/, "")}"); \`openclaw doctor --fix\` does the same`,
    });
  }
  if (!/^https?:\/\/[^/]+/.test(value)) {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `"${shown}" is not an http(s) URL`,
      fix: 'set the Bot API root, e.g. "https://api.telegram.org" or "http://127.0.0.1:8081"',
    });
  }
  return value;
}

type Account = Omit<TokenSource, "prefix">;

function pickAccount(accounts: Record<string, Account> | undefined): [string, Account] | null {
  if (!accounts) return null;
  if (accounts.default) return ["default", accounts.default];
  const first = Object.entries(accounts)[0];
  return first ?? null;
}

/** The token and API root, or null when neither the config nor TELEGRAM_BOT_TOKEN has a token. */
export function resolveTelegramFromOpenClaw(
  cfg: OpenClawConfig | null,
  processEnv: NodeJS.ProcessEnv,
): ResolvedTelegram | null {
  const env = effectiveEnv(cfg, processEnv);
  const envToken = env.TELEGRAM_BOT_TOKEN?.trim() || null;
  const tg = cfg?.data.channels?.telegram;
  if (!cfg || !tg) return envToken ? { token: envToken, apiRoot: null } : null;

  const prefix = "channels.telegram";
  const topApiRoot = () => validateApiRoot(cfg, `${prefix}.apiRoot`, tg.apiRoot);
  const top = tokenFrom(cfg, env, { prefix, botToken: tg.botToken, tokenFile: tg.tokenFile });
  if (top !== null) return { token: top, apiRoot: topApiRoot() };

  const picked = pickAccount(tg.accounts);
  if (picked) {
    const [id, account] = picked;
    const accPrefix = `${prefix}.accounts.${id}`;
    const token = tokenFrom(cfg, env, { ...account, prefix: accPrefix });
    if (token !== null) {
      const apiRoot = validateApiRoot(cfg, `${accPrefix}.apiRoot`, account.apiRoot) ?? topApiRoot();
      return { token, apiRoot };
    }
  }
  return envToken ? { token: envToken, apiRoot: topApiRoot() } : null;
}
