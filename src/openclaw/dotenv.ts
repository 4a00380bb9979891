/**
 * OpenClaw loads `$OPENCLAW_STATE_DIR/.env` without overriding the process environment
 * (openclaw@2026.3.2:docs/help/environment.md), so `${VAR}` in its config may be defined only
 * there. A small reader: `KEY=value`, optional `export `, quotes, `#` comments.
 */
import { readFileSync } from "node:fs";

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

function unquote(raw: string): string {
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) {
    const inner = raw.slice(1, -1);
    return q === '"' ? inner.replace(/\\n/g, "\n").replace(/\\"/g, '"') : inner;
  }
  // An unquoted value ends at an inline comment.
  const hash = raw.search(/\s#/);
  return hash === -1 ? raw : raw.slice(0, hash).trimEnd();
}

/** The variables in the file, or an empty object when it does not exist or cannot be read. */
export function readDotEnv(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = LINE.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) vars[m[1]] = unquote(m[2]);
  }
  return vars;
}
