/**
 * Where OpenClaw keeps its config and state, with the same environment overrides OpenClaw honours
 * (openclaw.md §2.1): OPENCLAW_CONFIG_PATH > OPENCLAW_STATE_DIR/openclaw.json >
 * OPENCLAW_HOME/.openclaw/openclaw.json > $HOME/.openclaw/openclaw.json.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

function nonEmpty(v: string | undefined): string | null {
  return v !== undefined && v.trim() !== "" ? v.trim() : null;
}

/** The OS user's home: $HOME > USERPROFILE > os.homedir(). */
function userHome(env: NodeJS.ProcessEnv): string {
  return nonEmpty(env.HOME) ?? nonEmpty(env.USERPROFILE) ?? homedir();
}

export function expandTilde(p: string, home: string): string {
  if (p === "~") return home;
  return p.startsWith("~/") ? join(home, p.slice(2)) : p;
}

/** The home OpenClaw uses for all its paths: OPENCLAW_HOME (tilde-expanded) replaces $HOME. */
export function resolveOpenClawHome(env: NodeJS.ProcessEnv): string {
  const base = userHome(env);
  const override = nonEmpty(env.OPENCLAW_HOME);
  return override ? resolve(expandTilde(override, base)) : base;
}

export function resolveOpenClawStateDir(env: NodeJS.ProcessEnv): string {
  const home = resolveOpenClawHome(env);
  const override = nonEmpty(env.OPENCLAW_STATE_DIR);
  return override ? resolve(expandTilde(override, home)) : join(home, ".openclaw");
}

/** The config file OpenClaw would read; it may not exist. */
export function findOpenClawConfigPath(env: NodeJS.ProcessEnv): string {
  const explicit = nonEmpty(env.OPENCLAW_CONFIG_PATH);
  if (explicit) return resolve(expandTilde(explicit, resolveOpenClawHome(env)));
  return join(resolveOpenClawStateDir(env), "openclaw.json");
}
