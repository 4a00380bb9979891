/**
 * The parts of the user's OpenClaw config that cctask reads (openclaw.md §2.3), loaded the way
 * OpenClaw loads it: JSON5, `$include`, `${VAR}`, SecretRefs. The file is untrusted input: only
 * the keys cctask reads are validated, everything else passes through untouched.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { OpenClawConfigError } from "./config-error.js";
import { type OpenClawConfig, OpenClawDataSchema, originOf } from "./config-shape.js";
import { readDotEnv } from "./dotenv.js";
import { loadConfigTree } from "./includes.js";
import { findOpenClawConfigPath, resolveOpenClawStateDir } from "./paths.js";

export { OpenClawConfigError } from "./config-error.js";
export { effectiveEnv, type OpenClawConfig, type OpenClawData, originOf } from "./config-shape.js";
export { findOpenClawConfigPath, resolveOpenClawStateDir } from "./paths.js";
export { type GatewayAuthMode, type ResolvedGateway, resolveGateway } from "./resolve-gateway.js";
export { type ResolvedTelegram, resolveTelegramFromOpenClaw } from "./resolve-telegram.js";

/** The user's OpenClaw config, or null when there is no config file. */
export function loadOpenClawConfig(env: NodeJS.ProcessEnv): OpenClawConfig | null {
  const path = findOpenClawConfigPath(env);
  if (!existsSync(path)) return null;
  const dotenv = readDotEnv(join(resolveOpenClawStateDir(env), ".env"));
  const tree = loadConfigTree(path, { ...dotenv, ...env });
  const parsed = OpenClawDataSchema.safeParse(tree.data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.map(String).join(".") ?? "";
    const cfg = { path, data: {}, dotenv, origins: tree.origins };
    throw new OpenClawConfigError({
      file: originOf(cfg, key),
      key,
      problem: `invalid value: ${issue?.message ?? "unexpected shape"}`,
      fix: "correct it (see `openclaw doctor`), or remove it to use the default",
    });
  }
  return { path, data: parsed.data, dotenv, origins: tree.origins };
}
