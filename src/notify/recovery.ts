/**
 * Recovery from transient failures, per destination (a chat, a webhook URL, a gateway target).
 * While a destination is failing (5xx, no answer), its earliest waiting notification is sent as a
 * probe every PROBE_INTERVAL_MS, whatever its own backoff says; the first success releases every
 * notification held back for that destination. So an outage costs at most one probe interval
 * after it ends, however long the backoff grew, and the service sees one request per destination
 * per interval, not one per waiting notification.
 */
import type { DeliveryFailure } from "../notification.js";
import { nextStreak } from "./retry-policy.js";

export const PROBE_INTERVAL_MS = 2000;

interface Failing {
  lastAttemptAt: number;
}

export class Recovery {
  private readonly failing = new Map<string, Failing>();
  private readonly inFlight = new Map<string, number>();
  /** Per notification id: the kind and length of its current run of failures. */
  private readonly streaks = new Map<number, { kind: string; streak: number }>();

  /** A send to `dest` starts / ends. */
  begin(dest: string): void {
    this.inFlight.set(dest, (this.inFlight.get(dest) ?? 0) + 1);
  }
  end(dest: string): void {
    const n = (this.inFlight.get(dest) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(dest);
    else this.inFlight.set(dest, n);
  }

  /**
   * Notes a failure of notification `id` to `dest`; returns the consecutive failures of this kind.
   * A 429 with retry_after is not an outage (the pacer holds the destination for exactly that
   * long), and a failure that never reached the service (`reachedService` false) says nothing
   * about it.
   */
  noteFailure(
    id: number,
    dest: string,
    failure: DeliveryFailure,
    now: number,
    reachedService: boolean,
  ): number {
    const s = nextStreak(failure, this.streaks.get(id));
    this.streaks.set(id, s);
    const throttled = failure.kind === "remote" && failure.retryAfterSeconds !== null;
    // an answer that may be for good is not an outage: its few tries keep their own spacing
    const bounded = failure.kind === "remote" && failure.attemptsAllowed !== undefined;
    if (reachedService && !throttled && !bounded) this.failing.set(dest, { lastAttemptAt: now });
    return s.streak;
  }

  /** Notes a success; true when `dest` was failing until now (its held-back sends may go). */
  noteSuccess(id: number, dest: string): boolean {
    this.streaks.delete(id);
    return this.failing.delete(dest);
  }

  /** The notification is settled for good (delivered, failed, uncertain, superseded). */
  forget(id: number): void {
    this.streaks.delete(id);
  }

  /** When the next probe to `dest` may start, or null when it is not failing or a send is in flight. */
  probeAt(dest: string): number | null {
    const f = this.failing.get(dest);
    if (!f || this.inFlight.has(dest)) return null;
    return f.lastAttemptAt + PROBE_INTERVAL_MS;
  }
}
