/** config.json5 edited while the daemon runs: noticed by its stamp, reloaded, or its problem reported. */
import { statSync } from "node:fs";
import { configPath } from "../state-dir.js";
import { loadConfigOrFallback } from "./config-fallback.js";
import type { DaemonContext } from "./context.js";

/** Identifies the config file's current version (mtime and size), or its absence. */
export function configStamp(stateDir: string): string {
  try {
    const st = statSync(configPath(stateDir));
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return "absent";
  }
}

/** An edited config.json5 takes effect at the next request; a broken edit keeps the settings in use. */
export function reloadConfig(ctx: DaemonContext): void {
  const loaded = loadConfigOrFallback(ctx.stateDir);
  if (loaded.problem) {
    ctx.configProblem = { error: loaded.problem.error, using: "the settings it had before the edit" };
    logConfigProblem(ctx);
    return;
  }
  ctx.config = loaded.config;
  ctx.configProblem = null;
  ctx.log.info("config.json5 changed: reloaded");
}

export function logConfigProblem(ctx: DaemonContext): void {
  const p = ctx.configProblem;
  if (p) ctx.log.error(`config.json5 is invalid, running with ${p.using}: ${p.error}`);
}
