/**
 * A problem in the user's OpenClaw config (or an environment override of it). The message names
 * the file, the key and the fix, and never the secret value itself. It is a UsageError: a run that
 * needs this config is refused before anything starts.
 */
import { UsageError } from "../errors.js";

export interface ConfigProblem {
  /** The file the bad value came from (an included file when it came from one). */
  file: string;
  /** Dotted key path, or "" for the file as a whole. */
  key: string;
  problem: string;
  fix: string;
  cause?: unknown;
}

export class OpenClawConfigError extends UsageError {
  override readonly name = "OpenClawConfigError";
  readonly file: string;
  readonly key: string;

  constructor(p: ConfigProblem) {
    const where = p.key ? `${p.file}, key ${p.key}` : p.file;
    super(
      `OpenClaw config ${where}: ${p.problem}. Fix: ${p.fix}`,
      p.cause === undefined ? {} : { cause: p.cause },
    );
    this.file = p.file;
    this.key = p.key;
  }
}
