/** The CLI's exit code for a run's state, so scripts and schedulers can tell outcomes apart. */
import { ExitCode } from "../errors.js";
import type { RunView } from "../protocol.js";

export function exitCodeFor(v: RunView): number {
  switch (v.state) {
    case "queued":
    case "starting":
    case "running":
    case "succeeded":
      return ExitCode.ok;
    case "failed":
      return v.reason === "resume_not_found" ? ExitCode.resumeNotFound : ExitCode.failed;
    case "timed_out":
      return ExitCode.timedOut;
    case "cancelled":
      return ExitCode.cancelled;
    case "interrupted":
      return ExitCode.failed;
    default: {
      const never: never = v.state;
      return never;
    }
  }
}
