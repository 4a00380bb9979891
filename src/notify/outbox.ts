/**
 * The outbox worker: sends due notifications, one at a time per (run, target) so order holds,
 * paced per destination, and stores every answer. A failing channel is logged and retried per
 * the retry policy, never fatal to the daemon; a failing destination is probed at short
 * intervals and released at its first success (recovery.ts).
 */

import { errorMessage } from "../errors.js";
import type { Logger } from "../log.js";
import type { NotificationKind, SendResult, Target } from "../notification.js";
import type { Db } from "../store/db.js";
import {
  heartbeatCard,
  laneHeads,
  markDelivered,
  markEditOf,
  markFailed,
  markPartSent,
  markRetry,
  markSending,
  markUncertain,
  type NotificationRow,
  releaseHeld,
  supersedeIfStale,
} from "../store/notifications.js";
import type { Channel } from "./channel.js";
import { Pacer, rateFor } from "./pacer.js";
import { Recovery } from "./recovery.js";
import { decideRetry, type RetryPolicy } from "./retry-policy.js";
import { formatTarget, parseTarget } from "./targets.js";

export interface OutboxDeps {
  db: Db;
  log: Logger;
  policy: () => RetryPolicy;
  /** The channel for a target, or why there is none (e.g. no bot token configured). */
  channelFor: (target: Target) => Channel | string;
  /** Heartbeats edit one live card (edit) or post a new message each time (post). */
  heartbeatMode: (runId: string) => "edit" | "post";
  /** A send's answer was stored: delivered, to be retried (at retryAt, ms), failed for good, or unknown. */
  onOutcome?: (o: OutboxOutcome) => void;
  /** A write to the database failed (e.g. a full disk): the daemon may free space before the retry. */
  onStorageError?: (e: unknown) => void;
  /** The message the launch and the final reply to on this target, if any. */
  replyTo?: (runId: string, target: string) => string | null;
}

export interface OutboxOutcome {
  runId: string;
  notificationId: number;
  kind: NotificationKind;
  target: string;
  outcome: "sent" | "retrying" | "failed" | "uncertain";
  detail: string | null;
  retryAt: number | null;
}

const SETTLE_RETRY_MS = 1000;

const HEADS_PER_PASS = 500;

export class Outbox {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<string>(); // run:target
  private readonly pacer = new Pacer();
  private readonly recovery = new Recovery();

  constructor(private readonly d: OutboxDeps) {}

  /** Something was enqueued or became due: look now. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.pump()
      .catch((e) => this.d.log.error("outbox pass failed", e))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Resolves when nothing is in flight (for a clean shutdown). */
  async drain(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // The next moment a lane head can go: its retry time, or its destination's pacing slot.
    let next = Number.POSITIVE_INFINITY;
    const probes = new Set<string>();
    for (const head of laneHeads(this.d.db, HEADS_PER_PASS)) {
      if (this.inFlight.has(`${head.runId}:${head.target}`)) continue;
      const due = this.dueAt(head, probes);
      next = Math.min(next, Math.max(due, this.readyAt(head.target, Date.now())));
    }
    if (!Number.isFinite(next)) return;
    this.timer = setTimeout(() => this.kick(), Math.max(5, next - Date.now()));
    this.timer.unref();
  }

  /**
   * When a lane head may go: its own retry time, or earlier when it is the first waiting head of a
   * failing destination (the probe). Heads come in due order, so the first seen is the earliest.
   */
  private dueAt(row: NotificationRow, probes: Set<string>): number {
    const dest = destinationOf(row.target);
    if (probes.has(dest)) return row.nextAttemptAt;
    probes.add(dest);
    const probe = this.recovery.probeAt(dest);
    return probe === null ? row.nextAttemptAt : Math.min(row.nextAttemptAt, probe);
  }

  private readyAt(target: string, now: number): number {
    try {
      const t = parseTarget(target);
      return this.pacer.readyAt(destinationKey(t), rateFor(t), now);
    } catch {
      return now;
    }
  }

  private async pump(): Promise<void> {
    const now = Date.now();
    const probes = new Set<string>();
    for (const row of laneHeads(this.d.db, HEADS_PER_PASS)) {
      const lane = `${row.runId}:${row.target}`;
      if (this.inFlight.has(lane)) continue;
      if (this.dueAt(row, probes) > now) continue;
      let target: Target;
      try {
        target = parseTarget(row.target);
      } catch (e) {
        markFailed(this.d.db, row.id, errorMessage(e));
        this.report(row, "failed", errorMessage(e));
        continue;
      }
      if (!this.pacer.take(destinationKey(target), rateFor(target), now)) continue;
      this.inFlight.add(lane);
      const dest = destinationKey(target);
      this.recovery.begin(dest);
      void this.deliver(row, target).finally(() => {
        this.inFlight.delete(lane);
        this.recovery.end(dest);
        this.kick();
      });
    }
    this.pacer.prune(now, 600_000);
  }

  private async deliver(row: NotificationRow, target: Target): Promise<void> {
    const channel = this.d.channelFor(target);
    if (typeof channel === "string") {
      // No credential to send with: fail visibly with where to put one, never wait silently.
      markFailed(this.d.db, row.id, channel);
      this.report(row, "failed", channel);
      this.d.log.warn(`notification ${row.id} (${row.kind}) to ${row.target} failed: ${channel}`);
      return;
    }
    try {
      markSending(this.d.db, row.id, Date.now());
    } catch (e) {
      this.d.log.error(`notification ${row.id}: could not mark it sending; it stays pending`, e);
      this.d.onStorageError?.(e);
      return;
    }
    let result: SendResult;
    let card: NotificationRow | undefined;
    try {
      card =
        row.kind === "heartbeat" && channel.edit && this.d.heartbeatMode(row.runId) === "edit"
          ? heartbeatCard(this.d.db, row.runId, row.target)
          : undefined;
      const replyTo =
        row.kind === "launch" || row.kind === "final"
          ? (this.d.replyTo?.(row.runId, row.target) ?? null)
          : null;
      const req = {
        target,
        content: row.content,
        runId: row.runId,
        deliveryId: row.idemKey,
        replyTo,
        // Each part of a split message is its own unit: stored as accepted before the next goes.
        fromPart: row.partsSent,
        onPart: (p: { index: number; total: number; remoteId: string | null }) =>
          markPartSent(this.d.db, row.id, p),
      };
      if (card?.remoteId && channel.edit) {
        markEditOf(this.d.db, row.id, card.id);
        result = await channel.edit({ ...req, editRemoteId: card.remoteId });
        if (!result.ok && result.failure.kind === "remote" && result.failure.permanent) {
          // The card was deleted or can no longer be edited: this heartbeat becomes the new card.
          markEditOf(this.d.db, row.id, null);
          card = undefined;
          result = await channel.send(req);
        }
      } else {
        result = await channel.send(req);
      }
    } catch (e) {
      // Our own code threw (a bad remote id, a rendering bug): nothing went out.
      result = {
        ok: false,
        failure: { kind: "network", message: errorMessage(e), maybeDelivered: false },
      };
    }
    await this.settleDurably(row, target, result, card?.remoteId ?? null, true);
  }

  /**
   * settle, until the answer is stored: a row left "sending" would block its lane, so the lane
   * stays in flight (in this daemon) until the database takes the write again.
   */
  private async settleDurably(...args: Parameters<Outbox["settle"]>): Promise<void> {
    for (let tries = 0; ; tries++) {
      try {
        this.settle(...args);
        return;
      } catch (e) {
        if (tries === 0)
          this.d.log.error(`notification ${args[0].id}: could not store the answer; retrying`, e);
        this.d.onStorageError?.(e);
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, SETTLE_RETRY_MS));
      }
    }
  }

  private report(
    row: NotificationRow,
    outcome: OutboxOutcome["outcome"],
    detail: string | null,
    retryAt?: number,
  ): void {
    try {
      this.d.onOutcome?.({
        runId: row.runId,
        notificationId: row.id,
        kind: row.kind,
        target: row.target,
        outcome,
        detail,
        retryAt: retryAt ?? null,
      });
    } catch (e) {
      this.d.log.error(`notification ${row.id}: could not report its outcome`, e);
    }
  }

  /** Stores the answer: delivered, or retried per the policy, or failed for good. */
  private settle(
    row: NotificationRow,
    target: Target,
    result: SendResult,
    cardRemoteId: string | null,
    reachedService: boolean,
  ): void {
    const now = Date.now();
    const dest = destinationKey(target);
    if (result.ok) {
      markDelivered(this.d.db, row.id, result.remoteId ?? cardRemoteId, now);
      this.report(row, "sent", null);
      if (this.recovery.noteSuccess(row.id, dest)) {
        const released = releaseHeld(this.d.db, releaseScope(target), now);
        if (released > 0) this.d.log.info(`${dest} answers again: ${released} held notification(s) released`);
      }
      return;
    }
    const f = result.failure;
    const what = f.kind === "network" ? f.message : `${f.status}: ${f.description}`;
    const streak = this.recovery.noteFailure(row.id, dest, f, now, reachedService);
    if (f.kind === "network" && f.maybeDelivered && !isResentWhenUnknown(row.kind)) {
      // At most once: the service may have shown it already, so it is never sent again.
      markUncertain(
        this.d.db,
        row.id,
        `the outcome of this send is unknown (${f.message}); not resent: ${row.kind} messages are sent at most once`,
      );
      this.recovery.forget(row.id);
      this.report(row, "uncertain", `the outcome of this send is unknown (${f.message}); not resent`);
      this.d.log.warn(
        `notification ${row.id} (${row.kind}) to ${row.target}: outcome unknown (${f.message}); not resent`,
      );
      return;
    }
    const decision = decideRetry(f, {
      attempts: row.attempts + 1,
      streak,
      createdAtMs: row.createdAt,
      nowMs: now,
      policy: this.d.policy(),
      jitter: Math.random() * 0.2,
    });
    if (decision.retry && supersedeIfStale(this.d.db, row)) {
      this.recovery.forget(row.id);
      return;
    }
    if (decision.retry) {
      markRetry(this.d.db, row.id, what, decision.atMs);
      this.report(row, "retrying", what, decision.atMs);
      if (f.kind === "remote" && f.retryAfterSeconds !== null)
        this.pacer.block(destinationKey(target), decision.atMs, now);
      this.d.log.info(
        `notification ${row.id} (${row.kind}) to ${row.target}: ${what}; retry in ${Math.round((decision.atMs - now) / 100) / 10}s`,
      );
    } else {
      markFailed(this.d.db, row.id, decision.why);
      this.recovery.forget(row.id);
      this.report(row, "failed", decision.why);
      this.d.log.warn(`notification ${row.id} (${row.kind}) to ${row.target} failed: ${decision.why}`);
    }
  }
}

/**
 * The delivery guarantee per kind when a send's outcome is unknown (request sent, no answer):
 * progress (launch, session, heartbeat, update) is sent at most once, so it is not resent; the
 * final is sent at least once, so it is (exactly once where the channel passes an idempotency key
 * the service honours: the webhook's delivery id, the gateway's idempotencyKey).
 */
export function isResentWhenUnknown(kind: NotificationKind): boolean {
  return kind === "final";
}

/** Rate limits and outages apply per chat, whatever the topic. */
function destinationKey(t: Target): string {
  return t.scheme === "telegram" ? `telegram:${t.chatId}` : formatTarget(t);
}

function destinationOf(target: string): string {
  try {
    return destinationKey(parseTarget(target));
  } catch {
    return target;
  }
}

/** The stored targets of one destination: the target itself, and for a Telegram chat its topics. */
function releaseScope(t: Target): { target: string; prefix: string | null } {
  const target = destinationKey(t);
  return { target, prefix: t.scheme === "telegram" ? `${target}:topic:` : null };
}
