/**
 * What the supervisor's once-a-second check decides for a live run, as a pure function of the
 * clock, what is known of the run, and the watchdog settings. In order: the wall-clock timeout;
 * once a stop was asked, SIGKILL after the grace (and nothing else); a process that lingers after
 * its result; a silent agent (killed, or warned about once). The supervisor carries out the action.
 */
import type { Config } from "../config.js";
import type { StopRequest } from "../run-state.js";

export type WatchdogConfig = Config["watchdog"];

/** What the watchdogs look at, for one run. Times are epoch milliseconds. */
export interface WatchdogView {
  startedAt: number | null;
  timeoutSeconds: number;
  /** The stop already asked for (SIGTERM sent), and when. */
  stop: { request: StopRequest; at: number } | null;
  /** When the agent last printed a result line, and last printed anything. */
  lastResultAt: number | null;
  lastEventAt: number | null;
  silenceWarned: boolean;
}

export type WatchdogAction =
  | { kind: "none" }
  /** SIGTERM to the process group, recorded as the run's stop request. */
  | { kind: "stop"; request: Exclude<StopRequest, "cancel"> }
  /** Still alive after the grace since SIGTERM: SIGKILL to the group (again each tick until it is gone). */
  | { kind: "kill" }
  /** Quiet for the warning threshold: say so once. */
  | { kind: "warn_silence"; quietSeconds: number };

export function watchdogAction(now: number, watch: WatchdogView, config: WatchdogConfig): WatchdogAction {
  if (watch.stop === null && watch.startedAt !== null && now >= watch.startedAt + watch.timeoutSeconds * 1000)
    return { kind: "stop", request: "timeout" };
  if (watch.stop !== null)
    return now - watch.stop.at >= config.killGraceSeconds * 1000 ? { kind: "kill" } : { kind: "none" };
  if (watch.lastResultAt !== null && now - watch.lastResultAt >= config.postResultGraceSeconds * 1000)
    return { kind: "stop", request: "post_result_limbo" };
  const quietMs = now - (watch.lastEventAt ?? watch.startedAt ?? now);
  if (config.silenceKillSeconds > 0 && quietMs >= config.silenceKillSeconds * 1000)
    return { kind: "stop", request: "silence" };
  if (config.silenceWarnSeconds > 0 && quietMs >= config.silenceWarnSeconds * 1000 && !watch.silenceWarned)
    return { kind: "warn_silence", quietSeconds: Math.round(quietMs / 1000) };
  return { kind: "none" };
}
