/**
 * The daemon's settings when config.json5 is broken: it still starts (runs that end must be
 * finished, read-only commands must answer), with the last settings that parsed — a 0600 copy
 * kept in the state directory — or the defaults, and it says what is wrong until it is fixed.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { type Config, defaultConfig, parseConfig } from "../config.js";
import { errorMessage } from "../errors.js";
import { configPath, statePath } from "../state-dir.js";

export interface LoadedConfig {
  config: Config;
  /** What is wrong with config.json5, and what is used instead; null when it is fine. */
  problem: { error: string; using: string } | null;
}

export function loadConfigOrFallback(stateDir: string): LoadedConfig {
  const path = configPath(stateDir);
  let text: string | null;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      return fallback(stateDir, `cannot read the config file ${path}: ${errorMessage(e)}`);
    text = null;
  }
  if (text === null) return { config: defaultConfig(), problem: null };
  let config: Config;
  try {
    config = parseConfig(text, path);
  } catch (e) {
    return fallback(stateDir, errorMessage(e));
  }
  saveLastGood(stateDir, text);
  return { config, problem: null };
}

function fallback(stateDir: string, error: string): LoadedConfig {
  const copy = statePath(stateDir, "lastGoodConfig");
  try {
    const config = parseConfig(readFileSync(copy, "utf8"), copy);
    return { config, problem: { error, using: `the last good settings (${copy})` } };
  } catch {
    return { config: defaultConfig(), problem: { error, using: "the defaults" } };
  }
}

/** Keeps the text of the last config that parsed (it may hold secrets: 0600, like the state dir). */
function saveLastGood(stateDir: string, text: string): void {
  const copy = statePath(stateDir, "lastGoodConfig");
  try {
    if (readFileSync(copy, "utf8") === text) return;
  } catch {
    // no copy yet
  }
  try {
    const tmp = `${copy}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, copy);
  } catch {
    // a full disk: the previous copy stays; nothing else depends on it now
  }
}
