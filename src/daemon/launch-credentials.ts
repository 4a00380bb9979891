/**
 * Credentials a launching CLI found in its environment (TELEGRAM_BOT_TOKEN, …). The daemon runs
 * without them in its own environment, so it keeps them here: in memory, and in a 0600 file so
 * that a daemon restarted by someone else (a run's wrapper, with the agent's environment) still
 * has them. The latest launch's value of a variable wins.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { statePath } from "../state-dir.js";

export class LaunchCredentials {
  private values: Record<string, string>;

  constructor(private readonly stateDir: string) {
    this.values = readStored(statePath(stateDir, "credentials"));
  }

  get(): Record<string, string> {
    return this.values;
  }

  /** Merges a launch's credentials; writes the file only when something changed. */
  accept(secrets: Record<string, string>): boolean {
    const changed = Object.entries(secrets).some(([k, v]) => this.values[k] !== v);
    if (!changed) return false;
    this.values = { ...this.values, ...secrets };
    const file = statePath(this.stateDir, "credentials");
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.values), { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  }
}

function readStored(file: string): Record<string, string> {
  try {
    const data = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (!data || typeof data !== "object") return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) if (typeof v === "string" && v) out[k] = v;
    return out;
  } catch {
    return {}; // none yet, or unreadable: launches hand them over again
  }
}
