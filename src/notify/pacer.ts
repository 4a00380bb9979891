/**
 * Per-destination pacing, as token buckets: Telegram tolerates short bursts but about one message
 * a second per chat and twenty a minute per group. A burst of three lets a short run's launch,
 * session and final go out together; a 429's retry_after closes the destination until then.
 */
import type { Target } from "../notification.js";

interface Bucket {
  tokens: number;
  at: number; // when `tokens` was last computed
  blockedUntil: number;
}

export interface Rate {
  burst: number;
  perMs: number; // one token every perMs
}

/** Telegram's limits; other channels are not paced here (their services answer 429 themselves). */
export function rateFor(target: Target): Rate | null {
  if (target.scheme !== "telegram") return null;
  return target.chatId.startsWith("-") ? { burst: 3, perMs: 3000 } : { burst: 3, perMs: 1000 };
}

export class Pacer {
  private readonly buckets = new Map<string, Bucket>();

  private bucket(key: string, rate: Rate, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: rate.burst, at: now, blockedUntil: 0 };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(rate.burst, b.tokens + (now - b.at) / rate.perMs);
    b.at = now;
    return b;
  }

  /** When a message to this destination may go (now or later). */
  readyAt(key: string, rate: Rate | null, now: number): number {
    const blocked = this.buckets.get(key)?.blockedUntil ?? 0;
    if (!rate) return Math.max(now, blocked);
    const b = this.bucket(key, rate, now);
    const refill = b.tokens >= 1 ? now : now + (1 - b.tokens) * rate.perMs;
    return Math.max(refill, b.blockedUntil);
  }

  /** Takes a slot if one is free now. */
  take(key: string, rate: Rate | null, now: number): boolean {
    if (this.readyAt(key, rate, now) > now) return false;
    if (rate) this.bucket(key, rate, now).tokens -= 1;
    return true;
  }

  /** The service asked us to wait (429 retry_after). */
  block(key: string, until: number, now: number): void {
    const b = this.buckets.get(key) ?? { tokens: 0, at: now, blockedUntil: 0 };
    b.tokens = 0;
    b.blockedUntil = Math.max(b.blockedUntil, until);
    this.buckets.set(key, b);
  }

  /** Forget destinations that are idle and unblocked (bounded memory over a long daemon life). */
  prune(now: number, idleMs: number): void {
    for (const [k, b] of this.buckets)
      if (b.blockedUntil <= now && now - b.at > idleMs) this.buckets.delete(k);
  }
}
