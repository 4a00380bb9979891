import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NotificationContent, SendResult } from "../../../src/notification.js";
import type { Channel, SendRequest } from "../../../src/notify/channel.js";
import { Outbox } from "../../../src/notify/outbox.js";
import { type Db, migrate } from "../../../src/store/db.js";
import { enqueue, notificationsOfRun } from "../../../src/store/notifications.js";

const quietLog = { info() {}, warn() {}, error() {} };
let db: Db;
let outbox: Outbox;
afterEach(() => {
  outbox?.stop();
  db?.close();
  vi.useRealTimers();
});

function content(kind: NotificationContent["kind"], line: string): NotificationContent {
  return { kind, icon: "", title: line, fields: [], quote: null, footer: null, line, silent: true };
}

interface Sent {
  at: number;
  line: string;
  edit: string | null;
}

/** A channel that answers from a script: each call takes the next answer (default: ok). */
function fakeChannel(answers: SendResult[] = []): Channel & { sent: Sent[] } {
  const sent: Sent[] = [];
  let id = 0;
  const answer = (req: SendRequest, edit: string | null): SendResult => {
    sent.push({ at: Date.now(), line: req.content.line, edit });
    return answers.shift() ?? { ok: true, remoteId: String(++id) };
  };
  return {
    scheme: "telegram",
    sent,
    send: async (req) => answer(req, null),
    edit: async (req) => answer(req, req.editRemoteId),
  };
}

function start(channel: Channel, mode: "edit" | "post" = "post") {
  db = new Database(":memory:");
  migrate(db);
  outbox = new Outbox({
    db,
    log: quietLog,
    policy: () => ({ baseDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 60_000 }),
    channelFor: () => channel,
    heartbeatMode: () => mode,
  });
}

function put(run: string, target: string, kind: NotificationContent["kind"], seq: number, line: string) {
  enqueue(db, { runId: run, targets: [target], kind, seq, content: content(kind, line), now: Date.now() });
  outbox.kick();
}

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The clock and timers of the outbox made fake: time moves only when the test moves it, so the
 * pacing is measured exactly, on a fast machine or a loaded one alike.
 */
function useFakeClock(): number {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  return Date.now();
}

/** Moves the fake clock 5 ms at a time (running every timer due, at its time) until cond holds. */
async function advanceUntil(cond: () => boolean, maxMs = 60_000) {
  for (let moved = 0; !cond(); moved += 5) {
    if (moved > maxMs) throw new Error(`not reached within ${maxMs} ms of fake time`);
    await vi.advanceTimersByTimeAsync(5);
  }
}

describe("Outbox", () => {
  it("keeps order within a run and target; paces a private chat to bursts of 3, then one a second", async () => {
    const t0 = useFakeClock();
    const ch = fakeChannel();
    start(ch);
    const lines = ["launch", "session", "update", "heartbeat", "final"];
    for (const [i, l] of lines.entries()) put("r1", "telegram:42", i === 4 ? "final" : "update", i + 1, l);
    await advanceUntil(() => ch.sent.length === 5);
    expect(ch.sent.map((s) => s.line)).toEqual(lines);
    // The burst at once, then a token a second.
    expect(ch.sent.map((s) => s.at - t0)).toEqual([0, 0, 0, 1000, 2000]);
    expect(notificationsOfRun(db, "r1").every((n) => n.state === "delivered")).toBe(true);
  });

  it("an idempotency key makes a second enqueue of the same notification a no-op", async () => {
    const ch = fakeChannel();
    start(ch);
    put("r1", "webhook:https://x", "final", 1, "final");
    put("r1", "webhook:https://x", "final", 1, "final again");
    await until(() => ch.sent.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(ch.sent.map((s) => s.line)).toEqual(["final"]);
  });

  it("honours retry_after, holds the lane behind it, and sends each message once", async () => {
    const ch = fakeChannel([
      {
        ok: false,
        failure: {
          kind: "remote",
          status: 429,
          description: "Too Many Requests: retry after 1",
          retryAfterSeconds: 1,
          permanent: false,
        },
      },
    ]);
    const t0 = useFakeClock();
    start(ch);
    put("r1", "webhook:https://x", "launch", 1, "a");
    put("r1", "webhook:https://x", "final", 1, "b");
    await advanceUntil(() => ch.sent.length === 3);
    expect(ch.sent.map((s) => s.line)).toEqual(["a", "a", "b"]);
    // Retried when the service said (retry_after plus 50 ms), and the held message right behind it.
    expect(ch.sent.map((s) => s.at - t0)).toEqual([0, 1050, 1050]);
    const rows = notificationsOfRun(db, "r1");
    expect(rows.map((n) => [n.state, n.attempts])).toEqual([
      ["delivered", 2],
      ["delivered", 1],
    ]);
  });

  it("a permanent refusal fails that notification with the reason; the lane goes on", async () => {
    const ch = fakeChannel([
      {
        ok: false,
        failure: {
          kind: "remote",
          status: 400,
          description: "Bad Request: chat not found",
          retryAfterSeconds: null,
          permanent: true,
        },
      },
    ]);
    start(ch);
    put("r1", "webhook:https://x", "launch", 1, "a");
    put("r1", "webhook:https://x", "final", 1, "b");
    await until(() => ch.sent.length === 2);
    const rows = notificationsOfRun(db, "r1");
    expect(rows[0]).toMatchObject({
      state: "failed",
      lastError: "refused by the service (400: Bad Request: chat not found)",
    });
    expect(rows[1]!.state).toBe("delivered");
  });

  it("heartbeats edit one card; a deleted card is replaced by a new one", async () => {
    const ch = fakeChannel();
    start(ch, "edit");
    put("r1", "webhook:https://x", "heartbeat", 1, "hb1");
    await until(() => ch.sent.length === 1);
    put("r1", "webhook:https://x", "heartbeat", 2, "hb2");
    await until(() => ch.sent.length === 2);
    expect(ch.sent[1]).toMatchObject({ line: "hb2", edit: "1" });
    // the card is gone: the edit is refused for good, so this heartbeat becomes the new card
    const gone: SendResult = {
      ok: false,
      failure: {
        kind: "remote",
        status: 400,
        description: "Bad Request: message to edit not found",
        retryAfterSeconds: null,
        permanent: true,
      },
    };
    const answers = ch as unknown as { send: Channel["send"]; edit: NonNullable<Channel["edit"]> };
    const realEdit = answers.edit;
    answers.edit = async (req) => {
      answers.edit = realEdit;
      ch.sent.push({ at: Date.now(), line: req.content.line, edit: req.editRemoteId });
      return gone;
    };
    put("r1", "webhook:https://x", "heartbeat", 3, "hb3");
    await until(() => ch.sent.length === 4);
    put("r1", "webhook:https://x", "heartbeat", 4, "hb4");
    await until(() => ch.sent.length === 5);
    expect(ch.sent.slice(2).map((s) => [s.line, s.edit])).toEqual([
      ["hb3", "1"],
      ["hb3", null],
      ["hb4", "3"],
    ]);
  });

  it("a newer heartbeat or the final supersedes heartbeats not yet sent", async () => {
    const ch = fakeChannel([
      { ok: false, failure: { kind: "network", message: "ECONNREFUSED", maybeDelivered: false } },
    ]);
    start(ch);
    put("r1", "webhook:https://x", "heartbeat", 1, "hb1"); // fails, retried in ~100 ms
    put("r1", "webhook:https://x", "heartbeat", 2, "hb2");
    put("r1", "webhook:https://x", "final", 1, "final");
    await until(() =>
      notificationsOfRun(db, "r1").every((n) => n.state !== "pending" && n.state !== "sending"),
    );
    expect(notificationsOfRun(db, "r1").map((n) => [n.seq, n.kind, n.state])).toEqual([
      [1, "heartbeat", "superseded"],
      [2, "heartbeat", "superseded"],
      [1, "final", "delivered"],
    ]);
  });
});
