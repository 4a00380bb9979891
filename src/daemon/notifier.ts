/**
 * Turns run events into outbox rows: 🚀 launch (as soon as the agent's process runs), 📝 session
 * (with the model and auth its init line names), 📡 heartbeats, 📡 the agent's own updates, and
 * exactly one final message. Runs without targets cause nothing here.
 */
import { readFileSync } from "node:fs";
import { extractFinalText } from "../agents/claude/final-text.js";
import { UsageError } from "../errors.js";
import type { NotificationContent, Target } from "../notification.js";
import { ChannelRegistry, formatTarget, parseTarget } from "../notify/index.js";
import {
  finalMessage,
  heartbeatMessage,
  launchMessage,
  sessionMessage,
  updateMessage,
} from "../notify/messages.js";
import { Outbox } from "../notify/outbox.js";
import { validateWebhookUrl } from "../notify/webhook.js";
import { type Credentials, resolveCredentials } from "../openclaw/credentials.js";
import { checkGateway } from "../openclaw/gateway.js";
import { routeTargets } from "../openclaw/routing/resolve.js";
import { configPath } from "../state-dir.js";
import { isDiskFull } from "../storage.js";
import { enqueue, nextSeq } from "../store/notifications.js";
import { activeRuns, endedWithoutFinal, getRun, type RunRow } from "../store/runs.js";
import { type DaemonContext, runFile } from "./context.js";
import { settleInterruptedSends } from "./interrupted-sends.js";
import { LaunchCredentials } from "./launch-credentials.js";
import { publish } from "./publish.js";
import type { Supervisor } from "./supervisor.js";
import { isoTime, toRunView } from "./view.js";

const LAUNCH_FALLBACK_MS = 5000;
const TICK_MS = 1000;
const CREDENTIALS_TTL_MS = 10_000;

export class Notifier {
  readonly outbox: Outbox;
  private readonly registry: ChannelRegistry;
  private creds: { at: number; value: Credentials } | null = null;
  private readonly launchCreds: LaunchCredentials;
  private readonly lastHeartbeat = new Map<string, number>();
  /** Runs whose launch message is already queued (by this daemon; the outbox dedupes across restarts). */
  private readonly launched = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: DaemonContext,
    private readonly supervisor: Supervisor,
  ) {
    this.launchCreds = new LaunchCredentials(ctx.stateDir);
    this.registry = new ChannelRegistry(
      () => this.credentials(),
      (runId) => runFile(ctx, runId, "console"),
    );
    this.outbox = new Outbox({
      db: ctx.db,
      log: ctx.log,
      policy: () => {
        const r = ctx.config.notify.retry; // read each time: config.json5 may have been edited
        return {
          baseDelayMs: 1000,
          maxDelayMs: r.maxDelaySeconds * 1000,
          giveUpAfterMs: r.giveUpAfterSeconds * 1000,
        };
      },
      channelFor: (t) => this.registry.channelFor(t),
      heartbeatMode: (runId) => getRun(ctx.db, runId)?.spec.heartbeatMode ?? ctx.config.notify.heartbeatMode,
      onOutcome: (o) =>
        publish(ctx, {
          type: "notification",
          ...o,
          retryAt: isoTime(o.retryAt),
        }),
      onStorageError: (e) => {
        if (isDiskFull(e)) ctx.reserve?.release();
      },
      replyTo: (runId, target) => {
        const route = getRun(ctx.db, runId)?.spec.openclaw;
        // only in the chat the message id belongs to: the route's own target
        return route?.replyTo && routeTargets(route).includes(target) ? route.replyTo : null;
      },
    });
  }

  start(): void {
    const { resent, uncertain } = settleInterruptedSends(this.ctx);
    if (uncertain > 0)
      this.ctx.log.warn(
        `outbox: ${uncertain} progress send(s) were in flight when the last daemon stopped; not resent (at most once)`,
      );
    if (resent > 0)
      this.ctx.log.warn(
        `outbox: ${resent} final(s) were in flight when the last daemon stopped; sending again from the part in flight (at least once)`,
      );
    this.repairFinals();
    this.ctx.events.on("started", (runId: string) => this.onStarted(runId));
    this.ctx.events.on("session", (runId: string, sessionId: string) => this.onSession(runId, sessionId));
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.outbox.kick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.outbox.stop();
    await this.outbox.drain(20_000); // a send in flight at shutdown would otherwise become "uncertain"
  }

  credentials(): Credentials {
    if (!this.creds || Date.now() - this.creds.at > CREDENTIALS_TTL_MS)
      this.creds = {
        at: Date.now(),
        value: resolveCredentials(
          this.ctx.config,
          { ...process.env, ...this.launchCreds.get() },
          configPath(this.ctx.stateDir),
        ),
      };
    return this.creds.value;
  }

  /** The credentials launching CLIs handed over (for the waker's OpenClaw lookups; never for a child process). */
  launchSecrets(): Record<string, string> {
    return this.launchCreds.get();
  }

  /** Keeps the credentials a launching CLI had in its environment, for this daemon and the next. */
  acceptLaunchCredentials(secrets: Record<string, string>): void {
    if (this.launchCreds.accept(secrets)) this.creds = null;
  }

  /** Refuses, before anything starts, a target this daemon could not deliver to. */
  async validateTargets(raw: string[], allowOffline: boolean): Promise<string[]> {
    const targets: Target[] = raw.map((t) => parseTarget(t));
    this.creds = null; // a launch checks against the credentials as they are now
    for (const t of targets) {
      const ch = this.registry.channelFor(t);
      if (typeof ch === "string") throw new UsageError(`cannot deliver to ${formatTarget(t)}: ${ch}`);
      if (t.scheme === "webhook") validateWebhookUrl(t.url);
      if (t.scheme === "openclaw" && !allowOffline) {
        const gw = this.credentials().gateway!;
        const health = await checkGateway(gw, { timeoutMs: 3000 });
        if (!health.ok)
          throw new UsageError(
            `cannot deliver to ${formatTarget(t)}: the OpenClaw gateway at ${gw.url} is unreachable (${health.message}). ` +
              "Pass --allow-offline-delivery to launch anyway; notifications are kept and sent when it is back.",
          );
      }
    }
    return [...new Set(targets.map(formatTarget))];
  }

  private view(row: RunRow) {
    return toRunView(this.ctx, row, this.supervisor.progressOf(row.id));
  }

  private task(row: RunRow): string {
    try {
      return readFileSync(runFile(this.ctx, row.id, "task"), "utf8");
    } catch {
      return row.taskSummary;
    }
  }

  private put(
    row: RunRow,
    kind: "launch" | "session" | "heartbeat" | "update" | "final",
    seq: number,
    content: ReturnType<typeof launchMessage>,
  ): void {
    if (row.spec.notify.length === 0) return;
    if (
      enqueue(this.ctx.db, { runId: row.id, targets: row.spec.notify, kind, seq, content, now: Date.now() }) >
      0
    )
      this.outbox.kick();
  }

  /** A wake notice or trace marker to these targets; idempotent per run, target, kind and seq. */
  post(
    runId: string,
    targets: string[],
    kind: "wake" | "trace",
    seq: number,
    content: NotificationContent,
  ): void {
    if (targets.length === 0) return;
    if (enqueue(this.ctx.db, { runId, targets, kind, seq, content, now: Date.now() }) > 0) this.outbox.kick();
  }

  /** Idempotent: the launch message exists once per run and target, whoever asks first. */
  launch(row: RunRow): void {
    if (row.startedAt === null || this.launched.has(row.id)) return; // a run that never started was not launched
    this.launched.add(row.id);
    this.put(row, "launch", 1, launchMessage(this.view(row), this.task(row)));
  }

  /** 🚀 as soon as the agent runs: what only its init line knows follows in the 📝 message. */
  private onStarted(runId: string): void {
    const row = getRun(this.ctx.db, runId);
    if (row) this.launch(row);
  }

  private onSession(runId: string, sessionId: string): void {
    const row = getRun(this.ctx.db, runId);
    if (!row) return;
    this.launch(row);
    this.put(row, "session", 1, sessionMessage(this.view(row), sessionId));
  }

  update(row: RunRow, text: string): number {
    publish(this.ctx, { type: "agent.update", runId: row.id, text });
    this.launch(row);
    this.put(row, "update", nextSeq(this.ctx.db, row.id, "update"), updateMessage(this.view(row), text));
    return row.spec.notify.length;
  }

  final(runId: string): void {
    const row = getRun(this.ctx.db, runId);
    if (!row) return;
    this.lastHeartbeat.delete(runId);
    this.launch(row);
    this.launched.delete(runId);
    let result: string;
    try {
      result = readFileSync(runFile(this.ctx, runId, "result"), "utf8");
    } catch {
      // result.md could not be written or was removed: the text is in the stored progress.
      result = row.progress ? extractFinalText(row.progress, "") : (row.detail ?? "(no output)");
    }
    this.put(
      row,
      "final",
      1,
      finalMessage(this.view(row), result, { silent: this.ctx.config.notify.finalSilent }),
    );
  }

  /**
   * A run that ended without its final row (recorded by a version that queued it separately, and
   * crashed in between) gets it now, if it ended recently enough for the final to still matter.
   */
  private repairFinals(): void {
    const since = Date.now() - this.ctx.config.notify.retry.giveUpAfterSeconds * 1000;
    for (const row of endedWithoutFinal(this.ctx.db, since)) {
      if (row.spec.notify.length === 0) continue;
      try {
        this.final(row.id);
        this.ctx.log.warn(`run ${row.id} ended (${row.state}) without its final notification: queued it now`);
      } catch (e) {
        this.ctx.log.error(`run ${row.id}: could not queue its missing final notification`, e);
      }
    }
  }

  /** Launch fallbacks and heartbeats for running runs. */
  private tick(): void {
    const now = Date.now();
    const every = this.ctx.config.notify.heartbeatSeconds * 1000;
    for (const row of activeRuns(this.ctx.db)) {
      if (row.state !== "running" || row.spec.notify.length === 0 || row.startedAt === null) continue;
      if (now - row.startedAt >= LAUNCH_FALLBACK_MS) this.launch(row);
      if (every <= 0 || !this.launched.has(row.id)) continue; // 🚀 first: no heartbeat before the launch card
      const last = this.lastHeartbeat.get(row.id) ?? row.startedAt;
      if (now - last < every) continue;
      this.lastHeartbeat.set(row.id, now);
      this.put(row, "heartbeat", nextSeq(this.ctx.db, row.id, "heartbeat"), heartbeatMessage(this.view(row)));
    }
  }
}
