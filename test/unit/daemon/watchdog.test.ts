import { describe, expect, it } from "vitest";
import { type WatchdogConfig, type WatchdogView, watchdogAction } from "../../../src/daemon/watchdog.js";

const CONFIG: WatchdogConfig = {
  silenceWarnSeconds: 900,
  silenceKillSeconds: 0,
  postResultGraceSeconds: 30,
  killGraceSeconds: 10,
};

const START = 1_000_000;

function view(over: Partial<WatchdogView> = {}): WatchdogView {
  return {
    startedAt: START,
    timeoutSeconds: 3600,
    stop: null,
    lastResultAt: null,
    lastEventAt: START,
    silenceWarned: false,
    ...over,
  };
}

const at = (seconds: number) => START + seconds * 1000;

describe("watchdogAction", () => {
  it("does nothing for a run that is talking and within its time", () => {
    expect(watchdogAction(at(60), view({ lastEventAt: at(59) }), CONFIG)).toEqual({ kind: "none" });
  });

  it("stops a run at its wall-clock timeout, not a millisecond before", () => {
    const v = view({ timeoutSeconds: 120, lastEventAt: at(119) });
    expect(watchdogAction(at(120) - 1, v, CONFIG)).toEqual({ kind: "none" });
    expect(watchdogAction(at(120), v, CONFIG)).toEqual({ kind: "stop", request: "timeout" });
  });

  it("has no deadline before the run started", () => {
    const v = view({ startedAt: null, timeoutSeconds: 1, lastEventAt: null });
    expect(watchdogAction(at(10_000), v, CONFIG)).toEqual({ kind: "none" });
  });

  it("once a stop was asked: SIGKILL after the grace, every tick, and no other watchdog", () => {
    const v = view({
      timeoutSeconds: 1,
      stop: { request: "cancel", at: at(100) },
      lastResultAt: at(0),
      lastEventAt: at(0),
    });
    expect(watchdogAction(at(110) - 1, v, CONFIG)).toEqual({ kind: "none" });
    expect(watchdogAction(at(110), v, CONFIG)).toEqual({ kind: "kill" });
    expect(watchdogAction(at(111), v, CONFIG)).toEqual({ kind: "kill" });
  });

  it("stops a process that lingers after its result line, after postResultGraceSeconds", () => {
    const v = view({ lastResultAt: at(50), lastEventAt: at(50) });
    expect(watchdogAction(at(80) - 1, v, CONFIG)).toEqual({ kind: "none" });
    expect(watchdogAction(at(80), v, CONFIG)).toEqual({ kind: "stop", request: "post_result_limbo" });
  });

  it("checks the timeout before the lingering process", () => {
    const v = view({ timeoutSeconds: 60, lastResultAt: at(0) });
    expect(watchdogAction(at(60), v, CONFIG)).toEqual({ kind: "stop", request: "timeout" });
  });

  it("warns once about a silent agent, with the silence in whole seconds", () => {
    const v = view({ lastEventAt: at(10) });
    expect(watchdogAction(at(910) - 1, v, CONFIG)).toEqual({ kind: "none" });
    expect(watchdogAction(at(910) + 400, v, CONFIG)).toEqual({ kind: "warn_silence", quietSeconds: 900 });
    expect(watchdogAction(at(910) + 600, v, CONFIG)).toEqual({ kind: "warn_silence", quietSeconds: 901 });
    expect(watchdogAction(at(2000), { ...v, silenceWarned: true }, CONFIG)).toEqual({ kind: "none" });
  });

  it("kills a silent agent when silenceKillSeconds is set, before warning about it", () => {
    const config = { ...CONFIG, silenceWarnSeconds: 60, silenceKillSeconds: 60 };
    expect(watchdogAction(at(60), view({ lastEventAt: at(0) }), config)).toEqual({
      kind: "stop",
      request: "silence",
    });
  });

  it("counts silence from the start when the agent never printed, and never with 0 thresholds", () => {
    const v = view({ lastEventAt: null, timeoutSeconds: 1_000_000 });
    expect(watchdogAction(at(900), v, CONFIG)).toEqual({ kind: "warn_silence", quietSeconds: 900 });
    const never = { ...CONFIG, silenceWarnSeconds: 0, silenceKillSeconds: 0 };
    expect(watchdogAction(at(100_000), v, never)).toEqual({ kind: "none" });
    expect(
      watchdogAction(at(100_000), view({ startedAt: null, lastEventAt: null, timeoutSeconds: 1 }), CONFIG),
    ).toEqual({ kind: "none" });
  });
});
