/**
 * The core's one door to the channels: given credentials, the channel for a target (or why there
 * is none). Channels never import each other; everything else reaches them through here.
 */
import { appendFileSync } from "node:fs";
import type { Channel, SendRequest, SendResult, Target } from "./channel.js";
import { renderConsoleLines } from "./console.js";
import type { Credentials } from "./credentials.js";
import { OpenClawChannel } from "./openclaw.js";
import { TelegramChannel } from "./telegram.js";
import { WebhookChannel } from "./webhook.js";

export type { Channel, NotificationContent, Target } from "./channel.js";
export { formatTarget, parseTarget, TARGET_HELP } from "./targets.js";

/** Console notifications go to the run's console.log (cctask run --wait shows them as they come). */
class RunConsoleChannel implements Channel {
  readonly scheme = "console" as const;
  constructor(private readonly fileOf: (runId: string) => string) {}
  async send(req: SendRequest): Promise<SendResult> {
    try {
      appendFileSync(this.fileOf(req.runId), `${renderConsoleLines(req).join("\n")}\n`, { mode: 0o600 });
      return { ok: true, remoteId: null };
    } catch (e) {
      return { ok: false, failure: { kind: "network", message: (e as Error).message } };
    }
  }
}

export class ChannelRegistry {
  private telegram: { key: string; channel: TelegramChannel } | null = null;
  private readonly console: RunConsoleChannel;

  constructor(
    private readonly credentials: () => Credentials,
    consoleFileOf: (runId: string) => string,
  ) {
    this.console = new RunConsoleChannel(consoleFileOf);
  }

  /** The channel for a target, or a sentence saying what is missing and where to put it. */
  channelFor(target: Target): Channel | string {
    const creds = this.credentials();
    switch (target.scheme) {
      case "telegram": {
        if (!creds.telegram) return creds.problems.telegram ?? "no Telegram bot token configured";
        const key = `${creds.telegram.apiRoot}\n${creds.telegram.token}`;
        if (this.telegram?.key !== key)
          this.telegram = {
            key,
            channel: new TelegramChannel({ token: creds.telegram.token, apiRoot: creds.telegram.apiRoot }),
          };
        return this.telegram.channel;
      }
      case "openclaw":
        if (!creds.gateway) return creds.problems.openclaw ?? "the OpenClaw gateway is not configured";
        return new OpenClawChannel({ gateway: creds.gateway });
      case "webhook":
        if (creds.problems.webhook) return creds.problems.webhook;
        return new WebhookChannel({ secret: creds.webhookSecret });
      case "console":
        return this.console;
      default: {
        const never: never = target;
        return never;
      }
    }
  }
}
