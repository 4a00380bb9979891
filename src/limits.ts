/**
 * The limits cctask enforces on what it is given, in one place: the CLI refuses past them before
 * anything starts, the daemon checks them again (it trusts no request body), and the README
 * quotes them.
 */

/** A task (from --task, --task-file or standard input) may be at most this many bytes of UTF-8. */
export const TASK_MAX_BYTES = 10 * 1024 * 1024;

/** --timeout and defaultTimeoutSeconds: whole seconds, from 1 second to 7 days. */
export const TIMEOUT_MIN_SECONDS = 1;
export const TIMEOUT_MAX_SECONDS = 7 * 24 * 3600;

/** "10 MB", "7 days": a limit as the messages and the README state it. */
export function describeBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/** Why a timeout is refused, or null when it is a whole number of seconds within the range. */
export function timeoutProblem(seconds: number): string | null {
  if (!Number.isInteger(seconds)) return "it is not a whole number of seconds";
  if (seconds < TIMEOUT_MIN_SECONDS) return `it is below ${TIMEOUT_MIN_SECONDS}`;
  if (seconds > TIMEOUT_MAX_SECONDS) return `it is above ${TIMEOUT_MAX_SECONDS} (7 days)`;
  return null;
}

export const TIMEOUT_RANGE = `a whole number of seconds from ${TIMEOUT_MIN_SECONDS} to ${TIMEOUT_MAX_SECONDS} (7 days)`;

/**
 * `cctask mcp` reads one JSON-RPC message per line, at most this many bytes: room for a task at
 * TASK_MAX_BYTES even when every byte is written as a six-byte \u escape, and the other arguments.
 */
export const MCP_LINE_MAX_BYTES = 64 * 1024 * 1024;
