/**
 * Reads an OpenClaw config file the way OpenClaw does (openclaw.md §2.2): JSON5, `$include`
 * (one file replaces the containing object; an array of files is deep-merged in order, later
 * wins; sibling keys are merged over the includes; paths relative to the including file; at most
 * 10 levels; missing files, parse errors and cycles are errors) and `${VAR}` in every string.
 * Substitution runs per file, so an error names the file the value is written in; it commutes
 * with the merge, which only moves values around.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import JSON5 from "json5";
import { errorMessage } from "../errors.js";
import { OpenClawConfigError } from "./config-error.js";
import { substituteEnv } from "./env-subst.js";

const INCLUDE = "$include";
const MAX_DEPTH = 10;
const BLOCKED_KEYS = new Set(["__proto__", "prototype", "constructor"]);

export interface LoadedTree {
  data: unknown;
  /** Dotted key path → the file that value was written in (later writers win, like the merge). */
  origins: Map<string, string>;
}

interface Walk {
  env: NodeJS.ProcessEnv;
  origins: Map<string, string>;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Objects merge key by key, arrays concatenate, anything else: the later value wins. */
export function mergeDeep(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (!BLOCKED_KEYS.has(k)) out[k] = k in out ? mergeDeep(out[k], v) : v;
  }
  return out;
}

export function loadConfigTree(file: string, env: NodeJS.ProcessEnv): LoadedTree {
  const walk: Walk = { env, origins: new Map() };
  return { data: loadFile(file, [], [], walk, null), origins: walk.origins };
}

function loadFile(
  file: string,
  keyPath: string[],
  chain: string[],
  walk: Walk,
  from: { file: string; key: string } | null,
): unknown {
  const blame = from ?? { file, key: "" };
  if (chain.includes(file)) {
    throw new OpenClawConfigError({
      ...blame,
      problem: `$include cycle: ${[...chain, file].join(" -> ")}`,
      fix: "remove one of the $include entries that lead back to an including file",
    });
  }
  if (chain.length > MAX_DEPTH) {
    throw new OpenClawConfigError({
      ...blame,
      problem: `$include nested more than ${MAX_DEPTH} levels deep (at ${file})`,
      fix: "flatten the includes",
    });
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? errorMessage(e);
    throw new OpenClawConfigError({
      ...blame,
      problem: from ? `the included file ${file} cannot be read (${code})` : `cannot be read (${code})`,
      fix: from
        ? "fix the $include path (relative paths start at the including file)"
        : "fix its permissions",
      cause: e,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON5.parse(text);
  } catch (e) {
    throw new OpenClawConfigError({
      file,
      key: "",
      problem: `not valid JSON5: ${errorMessage(e)}`,
      fix: "fix the syntax (`openclaw doctor` reports the same problem)",
      cause: e,
    });
  }
  return resolveNode(parsed, keyPath, [...chain, file], walk);
}

function resolveNode(node: unknown, keyPath: string[], chain: string[], walk: Walk): unknown {
  const file = chain[chain.length - 1] as string;
  if (typeof node === "string") return substituteEnv(node, { env: walk.env, file, key: keyPath.join(".") });
  if (Array.isArray(node)) return node.map((v, i) => resolveNode(v, [...keyPath, String(i)], chain, walk));
  if (!isPlainObject(node)) return node;

  const included = INCLUDE in node ? resolveInclude(node[INCLUDE], keyPath, chain, walk) : undefined;
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === INCLUDE || BLOCKED_KEYS.has(k)) continue;
    const childPath = [...keyPath, k];
    walk.origins.set(childPath.join("."), file);
    rest[k] = resolveNode(v, childPath, chain, walk);
  }
  if (!(INCLUDE in node)) return rest;
  if (Object.keys(rest).length === 0) return included;
  if (!isPlainObject(included)) {
    throw new OpenClawConfigError({
      file,
      key: [...keyPath, INCLUDE].join("."),
      problem: "the included content is not an object, so it cannot be merged with the sibling keys",
      fix: "include a file holding an object, or move the sibling keys into it",
    });
  }
  return mergeDeep(included, rest);
}

function resolveInclude(value: unknown, keyPath: string[], chain: string[], walk: Walk): unknown {
  const file = chain[chain.length - 1] as string;
  const key = [...keyPath, INCLUDE].join(".");
  const load = (p: string) => loadFile(resolve(dirname(file), p), keyPath, chain, walk, { file, key });
  if (typeof value === "string") return load(value);
  if (Array.isArray(value) && value.every((v): v is string => typeof v === "string")) {
    return value.reduce<unknown>((merged, p) => mergeDeep(merged, load(p)), {});
  }
  throw new OpenClawConfigError({
    file,
    key,
    problem: "must be a file path or an array of file paths",
    fix: 'write "$include": "./other.json5" or "$include": ["./a.json5", "./b.json5"]',
  });
}
