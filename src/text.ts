/**
 * Text from outside (paths, values typed by a user) shown inside cctask's own messages: control
 * characters are escaped, never printed raw, so a newline in a path cannot forge a line of a
 * message or a terminal escape sequence.
 */

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The text with each control character written as an escape (\n, \t, \x1b, \u2028). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}

/** A value inside double quotes, control characters escaped: for "got …" in error messages. */
export function quoted(text: string): string {
  return `"${escapeControl(text)}"`;
}
