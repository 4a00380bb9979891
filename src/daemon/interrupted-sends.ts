/**
 * At start: the sends the last daemon left in flight are settled (a final is sent again, progress
 * becomes uncertain; see markInterruptedSends), and each outcome is published as an event.
 */
import { isResentWhenUnknown } from "../notify/outbox.js";
import { inFlightSends, markInterruptedSends } from "../store/notifications.js";
import type { DaemonContext } from "./context.js";
import { publish } from "./publish.js";
import { isoTime } from "./view.js";

export function settleInterruptedSends(ctx: DaemonContext): { resent: number; uncertain: number } {
  const cut = inFlightSends(ctx.db);
  const counts = markInterruptedSends(ctx.db, Date.now());
  for (const n of cut) {
    const resent = isResentWhenUnknown(n.kind);
    publish(ctx, {
      type: "notification",
      runId: n.runId,
      notificationId: n.id,
      kind: n.kind,
      target: n.target,
      outcome: resent ? "retrying" : "uncertain",
      detail: resent
        ? "the daemon stopped during this send; it is sent again from the part in flight"
        : "the daemon stopped during this send; it may or may not have arrived",
      retryAt: resent ? isoTime(Date.now()) : null,
    });
  }
  return counts;
}
