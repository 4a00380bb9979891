/** Argument parsing on top of node:util parseArgs: unknown flags and stray words become UsageErrors with a hint. */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Words after a literal `--`. */
  rest: string[];
}

export function parseCommandArgs(
  command: string,
  argv: string[],
  options: Options,
  opts: { maxPositionals: number; allowRest?: boolean },
): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message.replace(/\. To specify a positional.*$/s, "")}\nSee: cctask ${command} --help`,
    );
  }
  const terminator = parsed.tokens?.find((t) => t.kind === "option-terminator");
  const positionals: string[] = [];
  const rest: string[] = [];
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== "positional") continue;
    if (terminator && t.index > terminator.index) rest.push(t.value);
    else positionals.push(t.value);
  }
  if (rest.length > 0 && !opts.allowRest)
    throw new UsageError(`cctask ${command} takes no arguments after "--", got: ${rest.join(" ")}`);
  if (positionals.length > opts.maxPositionals) {
    const extra = positionals.slice(opts.maxPositionals).join(" ");
    throw new UsageError(
      `unexpected argument "${extra}" for cctask ${command}.` +
        (command === "run" ? ' Pass the task with --task "…", and claude options after "--".' : "") +
        `\nSee: cctask ${command} --help`,
    );
  }
  return { values: parsed.values as Parsed["values"], positionals, rest };
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** A positive number of something, e.g. --timeout 900; refuses "abc", "0", "-5", "1e999". */
export function positiveNumber(flag: string, raw: string | undefined, unit: string): number | null {
  if (raw === undefined) return null;
  const n = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag} must be a positive number of ${unit}, got "${raw}". Example: ${flag} 900`);
  return n;
}
