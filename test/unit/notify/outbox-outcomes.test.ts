/** The outbox reports every answer it stores (the daemon publishes each as a notification event). */
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { SendResult } from "../../../src/notification.js";
import type { Channel, SendRequest } from "../../../src/notify/channel.js";
import { Outbox, type OutboxOutcome } from "../../../src/notify/outbox.js";
import { type Db, migrate } from "../../../src/store/db.js";
import { enqueue } from "../../../src/store/notifications.js";

const quietLog = { info() {}, warn() {}, error() {} };

function openDb(): Db {
  const d = new Database(":memory:");
  migrate(d);
  return d;
}

describe("notification outcomes", () => {
  it("the outbox reports each answer it stores: sent, retrying (and when), failed, uncertain", async () => {
    const d = openDb();
    const outcomes: OutboxOutcome[] = [];
    const answers: Record<string, SendResult[]> = {
      "telegram:1": [
        { ok: false, failure: { kind: "network", message: "connect ECONNREFUSED", maybeDelivered: false } },
      ],
      "telegram:2": [
        {
          ok: false,
          failure: {
            kind: "remote",
            status: 403,
            description: "Forbidden: bot was blocked by the user",
            retryAfterSeconds: null,
            permanent: true,
          },
        },
      ],
      "telegram:3": [
        { ok: false, failure: { kind: "network", message: "socket hang up", maybeDelivered: true } },
      ],
    };
    const channel: Channel = {
      scheme: "telegram",
      send: async (req: SendRequest) =>
        answers[`telegram:${(req.target as { chatId: string }).chatId}`]?.shift() ?? {
          ok: true,
          remoteId: "9",
        },
    };
    const outbox = new Outbox({
      db: d,
      log: quietLog,
      policy: () => ({ baseDelayMs: 50, maxDelayMs: 100, giveUpAfterMs: 60_000 }),
      channelFor: () => channel,
      heartbeatMode: () => "post",
      onOutcome: (o) => outcomes.push(o),
    });
    const content = {
      kind: "launch" as const,
      icon: "",
      title: "t",
      fields: [],
      quote: null,
      footer: null,
      line: "t",
      silent: true,
    };
    enqueue(d, {
      runId: "r",
      targets: ["telegram:1", "telegram:2", "telegram:3"],
      kind: "launch",
      seq: 1,
      content,
      now: Date.now(),
    });
    outbox.kick();
    const end = Date.now() + 10_000;
    while (outcomes.length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    outbox.stop();
    d.close();
    const seen = outcomes.map((o) => [o.target, o.kind, o.outcome]);
    expect(seen).toHaveLength(4);
    expect(seen).toEqual(
      expect.arrayContaining([
        ["telegram:1", "launch", "retrying"],
        ["telegram:1", "launch", "sent"],
        ["telegram:2", "launch", "failed"],
        ["telegram:3", "launch", "uncertain"],
      ]),
    );
    const retry = outcomes.find((o) => o.outcome === "retrying")!;
    expect(retry.detail).toBe("connect ECONNREFUSED");
    expect(retry.retryAt).toBeGreaterThan(Date.now() - 10_000);
    expect(outcomes.findIndex((o) => o.outcome === "retrying")).toBeLessThan(
      outcomes.findIndex((o) => o.outcome === "sent"),
    );
    expect(outcomes.find((o) => o.outcome === "failed")!.detail).toContain("403");
  });
});
