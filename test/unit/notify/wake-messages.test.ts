/** Trace markers are plain lines on every channel; the wake notice's one-line form. */
import { describe, expect, it } from "vitest";
import { renderConsoleLines } from "../../../src/notify/console.js";
import { renderOpenClawMessage } from "../../../src/notify/openclaw.js";
import { layoutChunks } from "../../../src/notify/telegram-layout.js";
import { traceMessage, wakeNoticeMessage } from "../../../src/notify/wake-messages.js";

describe("wake messages", () => {
  const trace = traceMessage("[WHATSAPP][WAKE]", "dispatching sessions_send wake (project=app)");
  const line = "[TRACE][TECH][WHATSAPP][WAKE] dispatching sessions_send wake (project=app)";

  it("a trace marker is the original's plain line on the gateway, Telegram and the console", () => {
    expect(renderOpenClawMessage(trace)).toBe(line);
    expect(layoutChunks(trace, 1)).toEqual([[{ style: "plain", text: line }]]);
    const req = { target: { scheme: "console" as const }, content: trace, runId: "r", deliveryId: "d" };
    expect(renderConsoleLines(req)).toEqual([line]);
    expect(trace.silent).toBe(true);
  });

  it("the notice says who was not woken and where the result is, with a sound", () => {
    const n = wakeNoticeMessage({
      runId: "r1",
      wakeId: "w1",
      sessionKey: "agent:main:whatsapp:group:1203@g.us",
      state: "failed",
      reasons: ["sessions-send: HTTP 404: Tool not available: sessions_send"],
      resultPath: "/s/runs/r1/result.md",
    });
    expect(n.line).toBe(
      "⚠️ The OpenClaw agent could not be woken (session agent:main:whatsapp:group:1203@g.us, run r1); the result is in /s/runs/r1/result.md",
    );
    expect(n.silent).toBe(false);
    expect(renderOpenClawMessage(n)).toBe(
      "⚠️ **The OpenClaw agent could not be woken**\n**Run:** r1\n**Session:** agent:main:whatsapp:group:1203@g.us\n**Wake:** w1\n**Path 1:** sessions-send: HTTP 404: Tool not available: sessions_send\n**Next:** Read the result there, or ask the agent to read it.\n\nResult: /s/runs/r1/result.md",
    );
  });
});
