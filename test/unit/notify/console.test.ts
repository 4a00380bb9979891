// ConsoleChannel: one line per notification, the first lines of a final result, a failing writer.
import { describe, expect, it } from "vitest";
import type { NotificationContent } from "../../../src/notification.js";
import type { SendRequest } from "../../../src/notify/channel.js";
import { ConsoleChannel } from "../../../src/notify/console.js";

const base: NotificationContent = {
  kind: "heartbeat",
  icon: "📡",
  title: "Running",
  fields: [],
  quote: null,
  footer: null,
  line: "📡 🟢 CC (3min) | sub:0 | 12 calls",
  silent: true,
};

const req = (content: NotificationContent): SendRequest => ({
  target: { scheme: "console" },
  content,
  runId: "r1",
  deliveryId: "d1",
});

describe("ConsoleChannel", () => {
  it("writes the one line for non-final notifications", async () => {
    const lines: string[] = [];
    const out = await new ConsoleChannel({ write: (l) => lines.push(l) }).send(
      req({ ...base, quote: { label: "Prompt", text: "not shown" } }),
    );
    expect(out).toEqual({ ok: true, remoteId: null });
    expect(lines).toEqual(["📡 🟢 CC (3min) | sub:0 | 12 calls"]);
  });

  it("adds the first lines of the result and the footer for the final notification", async () => {
    const lines: string[] = [];
    const text = ["one", "", "two", "three", "four", "five", "six", "seven"].join("\n");
    await new ConsoleChannel({ write: (l) => lines.push(l) }).send(
      req({
        ...base,
        kind: "final",
        line: "✅ r1 succeeded in 3min",
        quote: { label: "Result", text },
        footer: "Full output: /x/result.md",
      }),
    );
    expect(lines).toEqual([
      "✅ r1 succeeded in 3min",
      "  > one",
      "  > two",
      "  > three",
      "  > four",
      "  > five",
      "  > … (2 more lines)",
      "  Full output: /x/result.md",
    ]);
  });

  it("reports a failing writer as a network failure", async () => {
    const out = await new ConsoleChannel({
      write: () => {
        throw new Error("ENOSPC: no space left on device");
      },
    }).send(req(base));
    expect(out).toEqual({
      ok: false,
      failure: {
        kind: "network",
        message: "console write failed: ENOSPC: no space left on device",
        maybeDelivered: false,
      },
    });
  });
});
