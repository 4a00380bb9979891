/** Where cctask keeps its state (CCTASK_HOME, default ~/.cctask). Kept apart from config.ts so
 * commands that only need the path do not load the config validator. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.CCTASK_HOME;
  return home && home.length > 0 ? resolve(home) : join(homedir(), ".cctask");
}

export function configPath(dir: string): string {
  return join(dir, "config.json5");
}

/** Credentials handed over by launching CLIs, kept for the next daemon (0600). */
export function launchCredentialsPath(dir: string): string {
  return join(dir, "credentials.json");
}
