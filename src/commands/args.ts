/** Argument parsing on top of node:util parseArgs: unknown flags and stray words become UsageErrors with a hint. */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import { TIMEOUT_RANGE, timeoutProblem } from "../limits.js";
import { quoted } from "../text.js";

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
    parsed = parseArgs({
      args: attachNegativeValues(argv, options),
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (e) {
    throw new UsageError(`${describeParseError(e as Error)}\nSee: cctask ${command} --help`);
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
      `unexpected argument ${quoted(extra)} for cctask ${command}.` +
        (command === "run" ? ' Pass the task with --task "…", and claude options after "--".' : "") +
        `\nSee: cctask ${command} --help`,
    );
  }
  return { values: parsed.values as Parsed["values"], positionals, rest };
}

/**
 * `--timeout -5` is a value that looks like an option to parseArgs ("argument is ambiguous"):
 * a negative number after an option that takes a value is taken as its value, so the option's
 * own check can say what is wrong with it.
 */
function attachNegativeValues(argv: string[], options: Options): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(a.startsWith("--") ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** parseArgs' own wording, said the way cctask says things: what was wrong and the fix. */
function describeParseError(e: Error): string {
  const m = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (missing|is ambiguous)/.exec(e.message);
  if (m) {
    const flag = m[1]!;
    return m[2] === "missing"
      ? `${flag} needs a value, and none was given`
      : `${flag} needs a value, but the next word starts with "-" like an option. Put the value right after ${flag}; a value that starts with "-" is written ${flag}=VALUE`;
  }
  return e.message.replace(/\. To specify a positional.*$/s, "");
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

const DECIMAL = /^\+?(\d+(\.\d*)?|\.\d+)$/;

/** A positive number written in plain decimal, e.g. --max-budget-usd 2.5; refuses "abc", "0", "-5", "0x10", "1e3". */
export function positiveNumber(flag: string, raw: string | undefined, unit: string): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  const n = Number(s);
  if (!DECIMAL.test(s) || !Number.isFinite(n) || n <= 0)
    throw new UsageError(
      `${flag} must be a positive number of ${unit} in plain decimal digits, got ${quoted(raw)}. Example: ${flag} 5`,
    );
  return n;
}

/** A whole number within [min, max], written in plain decimal digits (-n 50, --max-iterations 3). */
export function wholeNumber(
  flag: string,
  raw: string | undefined,
  r: { min: number; max: number; unit: string; example: string },
): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  const n = Number(s);
  if (!/^\+?\d+$/.test(s) || n < r.min || n > r.max)
    throw new UsageError(
      `${flag} must be a whole number of ${r.unit} from ${r.min} to ${r.max}, got ${quoted(raw)}. Example: ${flag} ${r.example}`,
    );
  return n;
}

/** --timeout: whole seconds within the range of limits.ts, however the value was spelled. */
export function timeoutSeconds(flag: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const s = raw.trim();
  let problem: string | null;
  if (s === "") problem = "it is empty";
  else if (/^[-+]?\d+$/.test(s)) problem = timeoutProblem(Number(s));
  else if (/^[-+]?(\d+\.\d*|\.\d+)$/.test(s)) problem = "it is not a whole number of seconds";
  else problem = "only plain decimal digits are accepted (no units, hex or exponent)";
  if (problem === null) return Number(s);
  throw new UsageError(
    `${flag} must be ${TIMEOUT_RANGE}, got ${quoted(raw)}: ${problem}. Example: ${flag} 900 (15 minutes)`,
  );
}
