/**
 * Where cctask itself is installed: the package root (the folder with cctask's package.json), and
 * the files in it that cctask points other programs at. Found by walking up from this module, so
 * that the answer is the same from the bundled CLI (dist/cli.js and dist/chunks/), from tsc's
 * per-module output and from the sources.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_NAME = "claude-code-task";

let root: string | null = null;

export function packageRoot(): string {
  if (root !== null) return root;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isCctaskPackage(join(dir, "package.json"))) {
      root = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`cctask's package.json was not found above ${start}`);
  }
}

/** The CLI's entry point: what a daemon is started with, and what the agents' `cctask` runs. */
export function cliPath(): string {
  return join(packageRoot(), "dist", "cli.js");
}

/** The OpenClaw skill folder shipped with cctask (in the repository and in the npm package). */
export function skillDir(): string {
  return join(packageRoot(), "openclaw-skill");
}

function isCctaskPackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, "utf8")) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}
