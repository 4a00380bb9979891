import { constants } from "node:os";

/** Recognisers and wording for outcome details (claude-code-headless §7, §8). */

const LINE_CHARS = 300;
// Banners are short; a long answer that merely quotes the phrase is not one.
const BANNER_MAX_CHARS = 500;

/** "API error 529 (overloaded)": the kind of failure, from the HTTP status (null = no response). */
export function describeApiError(status: number | null): string {
  if (status === null) return "API connection error (no HTTP response)";
  return `API error ${status} (${apiErrorKind(status)})`;
}

function apiErrorKind(status: number): string {
  if (status === 401) return "authentication failed: check the API key or login";
  if (status === 403) return "permission denied";
  if (status === 429) return "rate limited";
  if (status === 529) return "overloaded";
  if (status === 400) return "request rejected";
  if (status === 404) return "not found: check the model name";
  if (status >= 500) return "server error";
  return "client error";
}

/** "exited with code 1" or "was killed by SIGKILL (exit 137)"; 128+N means signal N. */
export function describeExit(code: number): string {
  if (code > 128 && code < 160) return `was killed by ${signalName(code - 128)} (exit ${code})`;
  return `exited with code ${code}`;
}

function signalName(n: number): string {
  for (const [name, value] of Object.entries(constants.signals)) if (value === n) return name;
  return `signal ${n}`;
}

/** claude refuses --dangerously-skip-permissions as root without IS_SANDBOX=1 (§3). */
export function isRootRefusal(stderr: string): boolean {
  return /cannot be used with root\/sudo privileges/i.test(stderr);
}

/** Usage-limit banners returned as the result text ("You've hit your limit", "out of extra usage"). */
export function isUsageLimitBanner(text: string): boolean {
  return text.length <= BANNER_MAX_CHARS && /hit your limit|out of extra usage/i.test(text);
}

/** claude without credentials answers "Not logged in · Please run /login" as an is_error result. */
export function isNotLoggedIn(text: string): boolean {
  return text.length <= BANNER_MAX_CHARS && /\bnot logged in\b/i.test(text);
}

/** The line saying the --resume session does not exist, if `text` has one. */
export function resumeFailure(text: string): string | null {
  const m = /(?:No conversation found|--resume requires a valid session ID)[^\n]*/i.exec(text);
  return m ? clip(m[0].trim()) : null;
}

/** The last non-empty line of a stderr tail, clipped. */
export function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return clip((lines[lines.length - 1] ?? "").trim());
}

function clip(line: string): string {
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}…` : line;
}
