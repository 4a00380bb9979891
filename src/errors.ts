/**
 * The few error classes cctask uses, each mapped to an exit code. Messages say what failed,
 * the value received, and how to fix it; `cause` is kept for the daemon log.
 */

export const ExitCode = {
  ok: 0,
  failed: 1, // the run ended failed (agent error, API error, crash, …)
  usage: 2, // bad input: nothing was started
  unavailable: 3, // the daemon could not be reached or started
  notFound: 4, // no such run
  resumeNotFound: 42, // the run's --resume session does not exist
  internal: 70,
  timedOut: 124,
  cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad input from a person or an agent: nothing was started, state is unchanged. */
export class UsageError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.usage;
  override readonly name: string = "UsageError";
}

/** --session routing refused (seed-behaviour.md §3): the message is printed as it is, exit 2. */
export class RoutingRefusal extends UsageError {
  override readonly name: string = "RoutingRefusal";
}

/** A run id that matches nothing (or more than one run). */
export class NotFoundError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.notFound;
  override readonly name: string = "NotFoundError";
}

/** The daemon could not be reached or started. */
export class UnavailableError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.unavailable;
  override readonly name: string = "UnavailableError";
}

export type CctaskError = UsageError | NotFoundError | UnavailableError;

/**
 * The kinds of error the daemon answers with, each with its HTTP status and the error the client
 * rebuilds from it (whose class carries the exit code): the one table both sides use.
 */
export const ERROR_KINDS = {
  usage: { status: 400, rebuild: (m: string): Error => new UsageError(m) },
  routing: { status: 400, rebuild: (m: string): Error => new RoutingRefusal(m) },
  not_found: { status: 404, rebuild: (m: string): Error => new NotFoundError(m) },
  unavailable: { status: 503, rebuild: (m: string): Error => new UnavailableError(m) },
  internal: { status: 500, rebuild: (m: string): Error => new Error(m) },
} as const;
export type ErrorKind = keyof typeof ERROR_KINDS;

/** The kind of a cctask error; null for anything else (an internal error, to be logged). */
export function errorKindOf(e: unknown): Exclude<ErrorKind, "internal"> | null {
  if (e instanceof RoutingRefusal) return "routing";
  if (e instanceof UsageError) return "usage";
  if (e instanceof NotFoundError) return "not_found";
  if (e instanceof UnavailableError) return "unavailable";
  return null;
}

export function isCctaskError(e: unknown): e is CctaskError {
  return e instanceof UsageError || e instanceof NotFoundError || e instanceof UnavailableError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
