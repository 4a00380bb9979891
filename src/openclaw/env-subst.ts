/**
 * `${VAR}` substitution in config strings, as OpenClaw does it at load time
 * (openclaw@2026.3.2:docs/gateway/configuration.md): only names matching [A-Z_][A-Z0-9_]* are
 * references, a missing or empty variable is an error, `$${VAR}` is a literal `${VAR}`, anything
 * else (lower-case names, a lone `$`) is left as written.
 */
import { OpenClawConfigError } from "./config-error.js";

const NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Secret-manager lookups newer OpenClaw versions run (pass, gopass); cctask does not run them. */
const SECRET_LOOKUP = /^(pass|gopass):/;

export interface SubstContext {
  env: NodeJS.ProcessEnv;
  file: string;
  key: string;
}

function referenceAt(value: string, start: number): { name: string; end: number } | null {
  const end = value.indexOf("}", start);
  if (end === -1) return null;
  return { name: value.slice(start, end), end };
}

export function substituteEnv(value: string, ctx: SubstContext): string {
  if (!value.includes("$")) return value;
  let out = "";
  for (let i = 0; i < value.length; i += 1) {
    const ch = value[i] as string;
    if (ch !== "$") {
      out += ch;
      continue;
    }
    if (value[i + 1] === "$" && value[i + 2] === "{") {
      const ref = referenceAt(value, i + 3);
      if (ref && NAME.test(ref.name)) {
        out += `\${${ref.name}}`;
        i = ref.end;
        continue;
      }
    }
    if (value[i + 1] === "{") {
      const ref = referenceAt(value, i + 2);
      if (ref && NAME.test(ref.name)) {
        out += lookUp(ref.name, ctx);
        i = ref.end;
        continue;
      }
      if (ref && SECRET_LOOKUP.test(ref.name)) {
        throw new OpenClawConfigError({
          file: ctx.file,
          key: ctx.key,
          problem: `"\${${ref.name}}" is a secret-manager lookup, which cctask does not run`,
          fix: `put the value in an environment variable and reference it as \${NAME}, or set the env override (e.g. OPENCLAW_GATEWAY_TOKEN)`,
        });
      }
    }
    out += ch;
  }
  return out;
}

function lookUp(name: string, ctx: SubstContext): string {
  const v = ctx.env[name];
  if (v === undefined || v === "") {
    throw new OpenClawConfigError({
      file: ctx.file,
      key: ctx.key,
      problem: `\${${name}} refers to the environment variable ${name}, which is ${v === undefined ? "not set" : "empty"}`,
      fix: `set ${name} in cctask's environment (or in the OpenClaw state dir's .env), or write $\${${name}} for a literal`,
    });
  }
  return v;
}
