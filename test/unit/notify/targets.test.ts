import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { formatTarget, parseTarget, TARGET_HELP } from "../../../src/notify/targets.js";

const HELP = `Targets: ${TARGET_HELP}`;

/** The whole message of the UsageError parseTarget throws (exit code 2). */
function refusal(raw: string): string {
  try {
    parseTarget(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`parseTarget accepted ${raw}`);
}

describe("parseTarget", () => {
  it("reads each scheme into its target", () => {
    expect(parseTarget("console")).toEqual({ scheme: "console" });
    expect(parseTarget("telegram:-1001234567890")).toEqual({
      scheme: "telegram",
      chatId: "-1001234567890",
      threadId: null,
    });
    expect(parseTarget("telegram:@my_channel:topic:42")).toEqual({
      scheme: "telegram",
      chatId: "@my_channel",
      threadId: 42,
    });
    expect(parseTarget("openclaw:whatsapp:+15551234567")).toEqual({
      scheme: "openclaw",
      channel: "whatsapp",
      target: "+15551234567",
      threadId: null,
    });
    expect(parseTarget("openclaw:telegram:-100123:topic:7")).toEqual({
      scheme: "openclaw",
      channel: "telegram",
      target: "-100123",
      threadId: "7",
    });
    expect(parseTarget("openclaw:slack:C123:topic:1712345678.123456")).toEqual({
      scheme: "openclaw",
      channel: "slack",
      target: "C123",
      threadId: "1712345678.123456",
    });
    expect(parseTarget("webhook:https://example.com/hooks/cctask?x=1")).toEqual({
      scheme: "webhook",
      url: "https://example.com/hooks/cctask?x=1",
    });
  });

  it("ignores surrounding blanks, and gives back the canonical form it stores", () => {
    expect(parseTarget("  telegram:123  ")).toEqual({ scheme: "telegram", chatId: "123", threadId: null });
    for (const t of [
      "console",
      "telegram:123",
      "telegram:-100123:topic:9",
      "openclaw:discord:1234",
      "openclaw:slack:C1:topic:1712.5",
      "webhook:http://127.0.0.1:9/x",
    ])
      expect(formatTarget(parseTarget(t))).toBe(t);
  });

  it("refuses a typo with the value, the reason and the accepted forms", () => {
    const refusals: [string, string][] = [
      ["sms:123", 'unknown target scheme "sms"'],
      ["Console", 'unknown target scheme "Console"'],
      ["telegram", "expected telegram:<chatId> or telegram:<chatId>:topic:<threadId>"],
      ["telegram:abc", '"abc" is not a Telegram chat id (a number such as -1001234567890, or @channelname)'],
      ["telegram:1:2", "expected telegram:<chatId> or telegram:<chatId>:topic:<threadId>"],
      [
        "telegram:-100:topic:0",
        '"0" is not a topic id (a whole number from 1: topic ids start at 1; leave out :topic: for the main chat)',
      ],
      [
        "openclaw:WhatsApp:+1",
        '"WhatsApp" is not an OpenClaw channel name (e.g. whatsapp, discord, telegram)',
      ],
      ["openclaw:whatsapp", "the OpenClaw target is missing, e.g. openclaw:whatsapp:+15551234567"],
      ["openclaw:whatsapp: ", "the OpenClaw target is missing, e.g. openclaw:whatsapp:+15551234567"],
      [
        "openclaw:telegram:-100:topic:01",
        '"01" is not a topic id (a whole number from 1: topic ids start at 1)',
      ],
      ["webhook:", "the webhook URL is missing, e.g. webhook:https://example.com/hooks/cctask"],
    ];
    for (const [raw, why] of refusals) expect(refusal(raw), raw).toBe(`--notify "${raw}": ${why}. ${HELP}`);
  });

  it("escapes control characters of the value in the message", () => {
    expect(refusal("telegram:a\u001b[2J")).toBe(
      `--notify "telegram:a\\x1b[2J": "a\\x1b[2J" is not a Telegram chat id (a number such as -1001234567890, or @channelname). ${HELP}`,
    );
    expect(refusal("openclaw:wa\rx:1")).toBe(
      `--notify "openclaw:wa\\rx:1": "wa\\rx" is not an OpenClaw channel name (e.g. whatsapp, discord, telegram). ${HELP}`,
    );
    expect(refusal("sms\n:1")).toBe(`--notify "sms\\n:1": unknown target scheme "sms\\n". ${HELP}`);
  });
});
