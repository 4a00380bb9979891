// Environment for running the real Claude Code CLI offline against the fake API (reference §3).
import { fileURLToPath } from "node:url";

/** The pinned devDependency CLI (a native binary; the host Node version does not matter). */
export const CLAUDE_BIN = fileURLToPath(new URL("../../node_modules/.bin/claude", import.meta.url));

/** Variables to lay over the parent environment (see claudeChildEnv for the whole child env). */
export function offlineClaudeEnv(opts: {
  baseUrl: string;
  home: string;
  tmp: string;
}): Record<string, string> {
  return {
    // We run as root; without this --dangerously-skip-permissions is refused.
    IS_SANDBOX: "1",
    ANTHROPIC_BASE_URL: opts.baseUrl,
    ANTHROPIC_API_KEY: "test-key",
    // Only POST /v1/messages remains: no DNS, no /api/hello probes.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    // Default 10 retries take ~180 s on an always-failing API.
    CLAUDE_CODE_MAX_RETRIES: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_NON_ESSENTIAL_MODEL_CALLS: "1",
    // Isolates ~/.claude and ~/.claude.json (sessions) per test.
    HOME: opts.home,
    // Otherwise the CLI leaves task outputs and sockets under /tmp/claude-<uid>.
    TMPDIR: opts.tmp,
    CLAUDE_CODE_TMPDIR: opts.tmp,
  };
}

/**
 * The parent environment (PATH etc.) minus inherited Anthropic/Claude settings, which could point
 * the child at a real account or config dir (e.g. when the tests run inside a Claude Code session),
 * plus offlineClaudeEnv.
 */
export function claudeChildEnv(opts: { baseUrl: string; home: string; tmp: string }): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([k]) => !/^(ANTHROPIC_|CLAUDE)/.test(k));
  return { ...Object.fromEntries(inherited), ...offlineClaudeEnv(opts) };
}
