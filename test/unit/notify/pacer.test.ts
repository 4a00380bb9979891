import { describe, expect, it } from "vitest";
import { Pacer, rateFor } from "../../../src/notify/pacer.js";

const PRIVATE = rateFor({ scheme: "telegram", chatId: "12345", threadId: null });
const GROUP = rateFor({ scheme: "telegram", chatId: "-1001234567890", threadId: 7 });

describe("rateFor", () => {
  it("paces Telegram: one a second in a private chat, one every 3 s in a group, bursts of 3", () => {
    expect(PRIVATE).toEqual({ burst: 3, perMs: 1000 });
    expect(GROUP).toEqual({ burst: 3, perMs: 3000 });
  });

  it("leaves other channels to their own 429s", () => {
    expect(rateFor({ scheme: "webhook", url: "https://example.com/h" })).toBeNull();
    expect(rateFor({ scheme: "openclaw", channel: "whatsapp", target: "+1555", threadId: null })).toBeNull();
    expect(rateFor({ scheme: "console" })).toBeNull();
  });
});

describe("Pacer", () => {
  it("lets a burst go at once, then one message per interval", () => {
    const p = new Pacer();
    expect([p.take("a", PRIVATE, 0), p.take("a", PRIVATE, 0), p.take("a", PRIVATE, 0)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(p.take("a", PRIVATE, 0)).toBe(false);
    expect(p.readyAt("a", PRIVATE, 0)).toBe(1000);
    expect(p.take("a", PRIVATE, 999)).toBe(false);
    expect(p.take("a", PRIVATE, 1000)).toBe(true);
    expect(p.readyAt("a", PRIVATE, 1000)).toBe(2000);
  });

  it("paces a group three times slower", () => {
    const p = new Pacer();
    for (let i = 0; i < 3; i++) p.take("g", GROUP, 0);
    expect(p.readyAt("g", GROUP, 0)).toBe(3000);
    expect(p.readyAt("g", GROUP, 1500)).toBe(3000); // half a token refilled, half still to come
  });

  it("refills up to the burst and no further, however long the destination was quiet", () => {
    const p = new Pacer();
    for (let i = 0; i < 3; i++) p.take("a", PRIVATE, 0);
    const taken = [0, 1, 2, 3].map(() => p.take("a", PRIVATE, 3_600_000));
    expect(taken).toEqual([true, true, true, false]);
  });

  it("keeps each destination's bucket apart", () => {
    const p = new Pacer();
    for (let i = 0; i < 3; i++) p.take("a", PRIVATE, 0);
    expect(p.take("a", PRIVATE, 0)).toBe(false);
    expect(p.take("b", PRIVATE, 0)).toBe(true);
  });

  it("closes a destination until the service's retry_after, paced or not", () => {
    const p = new Pacer();
    p.block("a", 30_000, 0);
    expect(p.readyAt("a", PRIVATE, 0)).toBe(30_000);
    expect(p.take("a", PRIVATE, 29_999)).toBe(false);
    expect(p.take("a", PRIVATE, 30_000)).toBe(true);
    p.block("w", 5000, 0);
    expect(p.readyAt("w", null, 1000)).toBe(5000);
    expect(p.take("w", null, 4999)).toBe(false);
    expect(p.take("w", null, 5000)).toBe(true);
    expect(p.readyAt("never-blocked", null, 42)).toBe(42);
  });

  it("never shortens a block by a shorter one, and a block empties the bucket", () => {
    const p = new Pacer();
    p.block("a", 10_000, 0);
    p.block("a", 2000, 1);
    expect(p.readyAt("a", PRIVATE, 5000)).toBe(10_000);
    const q = new Pacer();
    q.block("b", 100, 0);
    expect([q.take("b", PRIVATE, 100), q.take("b", PRIVATE, 100)]).toEqual([false, false]); // 0.1 token by then
    expect(q.readyAt("b", PRIVATE, 100)).toBe(1000);
  });

  it("forgets idle, unblocked destinations and keeps blocked ones", () => {
    const p = new Pacer();
    for (let i = 0; i < 3; i++) p.take("idle", PRIVATE, 0);
    p.block("blocked", 10_000, 0);
    p.prune(2000, 1000);
    // Forgotten: a fresh bucket with a full burst (a remembered one would have refilled only 2 tokens).
    expect([0, 1, 2].map(() => p.take("idle", PRIVATE, 2000))).toEqual([true, true, true]);
    expect(p.readyAt("blocked", null, 2000)).toBe(10_000);
  });
});
