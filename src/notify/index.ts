/**
 * The core's one door to the channels: given credentials, the channel for a target (or why there
 * is none). Channels never import each other; everything else reaches them through here.
 */
import { appendFileSync } from "node:fs";
import { errorMessage } from "../errors.js";
import type { Target } from "../notification.js";
import type { Credentials } from "../openclaw/credentials.js";
import type { Channel } from "./channel.js";
import { ConsoleChannel } from "./console.js";
import { OpenClawChannel } from "./openclaw.js";
import { TelegramChannel } from "./telegram.js";
import { WebhookChannel } from "./webhook.js";

export type { Channel } from "./channel.js";
export { formatTarget, parseTarget, TARGET_HELP } from "./targets.js";

export class ChannelRegistry {
  private telegram: { key: string; channel: TelegramChannel } | null = null;
  private readonly console: ConsoleChannel;

  constructor(
    private readonly credentials: () => Credentials,
    consoleFileOf: (runId: string) => string,
  ) {
    // Console notifications go to the run's console.log (cctask run --wait shows them as they come).
    this.console = new ConsoleChannel({
      write: (line, runId) => appendFileSync(consoleFileOf(runId), `${line}\n`, { mode: 0o600 }),
    });
  }

  /** The channel for a target, or a sentence saying what is missing and where to put it. */
  channelFor(target: Target): Channel | string {
    try {
      return this.build(target);
    } catch (e) {
      return errorMessage(e); // a channel refusing its settings, e.g. an API root with a token in it
    }
  }

  private build(target: Target): Channel | string {
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
