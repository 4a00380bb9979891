import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotificationContent } from "../../../src/notification.js";
import type { SendRequest } from "../../../src/notify/channel.js";
import {
  buildMessageArgs,
  OPENCLAW_MESSAGE_LIMIT,
  OpenClawChannel,
  renderOpenClawMessage,
} from "../../../src/notify/openclaw.js";
import { formatTarget, parseTarget } from "../../../src/notify/targets.js";
import { type FakeGateway, startFakeGateway } from "../../fakes/gateway.js";

const final: NotificationContent = {
  kind: "final",
  icon: "✅",
  title: "Claude Code task complete!",
  fields: [
    ["Task", "fix the tests"],
    ["Project", "/home/u/p"],
  ],
  quote: { label: "Result (12 chars)", text: "All green.\nDone." },
  footer: "Full output: /home/u/.cctask/runs/r1/result.md",
  line: "✅ r1 complete",
  silent: false,
};

function request(
  content: NotificationContent,
  threadId: string | null = null,
  channel = "telegram",
): SendRequest {
  return {
    target: { scheme: "openclaw", channel, target: "-1009876", threadId },
    content,
    runId: "r1",
    deliveryId: "r1:final:0",
  };
}

describe("renderOpenClawMessage", () => {
  it("renders light Markdown: bold title and labels, the quote, the footer", () => {
    expect(renderOpenClawMessage(final)).toBe(
      [
        "✅ **Claude Code task complete!**",
        "**Task:** fix the tests",
        "**Project:** /home/u/p",
        "",
        "**Result (12 chars):**",
        "All green.",
        "Done.",
        "",
        "Full output: /home/u/.cctask/runs/r1/result.md",
      ].join("\n"),
    );
  });

  it("sends heartbeats as their one line", () => {
    expect(renderOpenClawMessage({ ...final, kind: "heartbeat", line: "📡 🟢 CC (3min) | sub:0" })).toBe(
      "📡 🟢 CC (3min) | sub:0",
    );
  });

  it("truncates a long quote to fit, closing an open code fence and pointing to the footer", () => {
    const text = `\`\`\`ts\n${"x".repeat(10_000)}\n\`\`\``;
    const out = renderOpenClawMessage({ ...final, quote: { label: "Result", text } });
    expect(out.length).toBeLessThanOrEqual(OPENCLAW_MESSAGE_LIMIT);
    expect(out).toMatch(/x\n```\n… \(truncated; the full text is linked below\)\n\nFull output: /);
  });
});

describe("OpenClawChannel", () => {
  let gw: FakeGateway;
  beforeEach(async () => {
    gw = await startFakeGateway();
  });
  afterEach(async () => {
    await gw.close();
  });

  it("sends through the message tool with threadId and silent (Telegram), returning the message id", async () => {
    const channel = new OpenClawChannel({ gateway: { url: gw.url, token: gw.token } });
    const out = await channel.send(request({ ...final, silent: true }, "7"));
    expect(out).toEqual({ ok: true, remoteId: "1" });
    expect(gw.messages).toEqual([
      {
        action: "send",
        channel: "telegram",
        target: "-1009876",
        message: renderOpenClawMessage(final),
        silent: true,
        threadId: "7",
      },
    ]);
  });

  it("leaves silent out for other channels and threadId out when unset", async () => {
    const channel = new OpenClawChannel({ gateway: () => ({ url: gw.url, token: gw.token }) });
    await channel.send(request({ ...final, silent: true }, null, "whatsapp"));
    expect(gw.messages[0]).toEqual({
      action: "send",
      channel: "whatsapp",
      target: "-1009876",
      message: renderOpenClawMessage(final),
    });
  });

  it("a target's account goes to the message tool as accountId (its parameter in 2026.9.6)", async () => {
    const target = parseTarget("openclaw:whatsapp:120363012345678901@g.us:account:work");
    expect(target).toEqual({
      scheme: "openclaw",
      channel: "whatsapp",
      target: "120363012345678901@g.us",
      threadId: null,
      accountId: "work",
    });
    expect(formatTarget(target)).toBe("openclaw:whatsapp:120363012345678901@g.us:account:work");
    const channel = new OpenClawChannel({ gateway: { url: gw.url, token: gw.token } });
    await channel.send({ ...request(final), target });
    expect(gw.messages[0]).toEqual({
      action: "send",
      channel: "whatsapp",
      target: "120363012345678901@g.us",
      accountId: "work",
      message: renderOpenClawMessage(final),
    });
    // with a thread as well (Slack), in that order
    const slack = parseTarget("openclaw:slack:channel:C01:topic:1712345678.1:account:team-2");
    expect(buildMessageArgs(slack as Extract<typeof slack, { scheme: "openclaw" }>, final)).toMatchObject({
      target: "channel:C01",
      threadId: "1712345678.1",
      accountId: "team-2",
    });
    expect(() => parseTarget("openclaw:whatsapp:120363012345678901@g.us:account:bad id")).toThrow(
      /"bad id" is not an OpenClaw account id \(letters, digits, _ and -, e\.g\. work\)/,
    );
  });

  it("passes a tool failure through as a remote failure", async () => {
    gw.inject({ type: "tool-error", error: "Channel is unavailable: whatsapp" });
    const channel = new OpenClawChannel({ gateway: { url: gw.url, token: gw.token } });
    expect(await channel.send(request(final, null, "whatsapp"))).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 200,
        description: "Channel is unavailable: whatsapp",
        retryAfterSeconds: null,
        permanent: true,
        fix: "Fix: the gateway has no usable whatsapp channel; run `openclaw channels status`, then enable and link it (`openclaw channels login --channel whatsapp`)",
      },
    });
  });

  it("2026.9.6's bare 500 for a channel it cannot use: tried a few times, with where to look", async () => {
    await gw.close();
    gw = await startFakeGateway({ channels: ["telegram"] });
    const channel = new OpenClawChannel({ gateway: { url: gw.url, token: gw.token } });
    expect(await channel.send(request(final, null, "whatsapp"))).toEqual({
      ok: false,
      failure: {
        kind: "remote",
        status: 500,
        description: "tool execution failed",
        retryAfterSeconds: null,
        permanent: false,
        attemptsAllowed: 3,
        fix:
          'The gateway gives no reason over HTTP (its log does: "tools-invoke: tool execution failed: …"); ' +
          "a channel that is not configured or not linked, or a target it does not know, fails this way. " +
          "Fix: run `openclaw channels status` and check that whatsapp is configured and linked " +
          "(`openclaw channels login --channel whatsapp`) and that -1009876 is the right target",
      },
    });
    // the same answer with a reason is not bounded: a 5xx that says what failed is retried as usual
    gw.inject({ type: "server-error", status: 502, message: "upstream unavailable" });
    const r = await channel.send(request(final, null, "telegram"));
    expect(r.ok === false && r.failure.kind === "remote" && r.failure.attemptsAllowed).toBeUndefined();
  });
});
