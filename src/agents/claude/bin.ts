/**
 * Which claude a run starts: CCTASK_CLAUDE_BIN, else `claude.bin` in config.json5, else `claude`
 * on the caller's PATH — always the caller's environment, not the daemon's.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { UsageError } from "../../errors.js";

export function resolveClaudeBin(
  env: Record<string, string | undefined>,
  cwd: string,
  configured: string | undefined,
): string {
  const wanted = env.CCTASK_CLAUDE_BIN || configured || "claude";
  const source = env.CCTASK_CLAUDE_BIN
    ? "CCTASK_CLAUDE_BIN"
    : configured
      ? "claude.bin in config.json5"
      : "PATH";
  const candidates = wanted.includes("/")
    ? [resolve(cwd, wanted)]
    : (env.PATH ?? "")
        .split(delimiter)
        .filter(Boolean)
        .map((d) => resolve(cwd, join(d, wanted)));
  for (const c of candidates) if (isExecutableFile(c)) return isAbsolute(c) ? c : resolve(c);
  const where = wanted.includes("/") ? `"${wanted}" (from ${source})` : `"${wanted}" on PATH`;
  throw new UsageError(
    `claude was not found or is not executable: ${where}. Install Claude Code (npm install -g @anthropic-ai/claude-code), or set CCTASK_CLAUDE_BIN to the full path of claude.`,
  );
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
