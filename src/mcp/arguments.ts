/**
 * Reading an MCP tool's arguments, which arrive as untrusted JSON: each is checked for its type
 * here, then handed as text to the same checks `cctask run` uses, so both refuse alike. A bad
 * argument is a UsageError naming it, the value received and the fix.
 */
import { UsageError } from "../errors.js";

export type ToolArgs = Record<string, unknown>;

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** Refuses arguments the tool does not take (a misspelt name is never silently ignored). */
export function refuseUnknown(tool: string, args: ToolArgs, known: readonly string[]): void {
  const unknown = Object.keys(args).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const list = known.length > 0 ? known.join(", ") : "none";
  throw new UsageError(`${tool} takes no argument ${show(unknown[0])}; its arguments are: ${list}`);
}

/** A string argument, or undefined when absent (null counts as absent). */
export function optionalString(args: ToolArgs, name: string, example: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    throw new UsageError(`${name} must be a string, got ${show(v)}. Example: "${name}": ${show(example)}`);
  return v;
}

export function optionalBoolean(args: ToolArgs, name: string, example: boolean): boolean | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean")
    throw new UsageError(`${name} must be true or false, got ${show(v)}. Example: "${name}": ${example}`);
  return v;
}

export function requiredString(args: ToolArgs, name: string, example: string): string {
  const v = optionalString(args, name, example);
  if (v === undefined) throw new UsageError(`${name} is missing; pass it, e.g. "${name}": ${show(example)}`);
  return v;
}

/**
 * A number argument as the text the shared checks read (they say what is wrong with it: not
 * whole, out of range); a number written as a string is accepted, anything else is refused.
 */
export function optionalNumberText(args: ToolArgs, name: string, example: number): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : show(v);
  if (typeof v === "string") return v;
  throw new UsageError(`${name} must be a number, got ${show(v)}. Example: "${name}": ${example}`);
}

export function optionalStringList(args: ToolArgs, name: string, example: string[]): string[] {
  const v = args[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((t) => typeof t !== "string"))
    throw new UsageError(
      `${name} must be an array of strings, got ${show(v)}. Example: "${name}": ${show(example)}`,
    );
  return v as string[];
}

/** A run id or a unique prefix of one (the daemon resolves it, and says when it matches nothing). */
export function runIdArg(args: ToolArgs): string {
  const id = requiredString(args, "runId", "3f9a1c2b").trim();
  if (id === "")
    throw new UsageError("runId is empty; pass a run id or a unique prefix of one (list_runs shows them)");
  return id;
}
