/**
 * The shape shared by routing (at launch) and waking (at the end): what the original skill's
 * routing flags ask for, and the route a run launched from an OpenClaw session resolves to.
 * Types only: resolution lives in routing, waking in the waker.
 */

export type TelegramRoutingMode = "auto" | "thread-only" | "allow-non-thread";

/** The original's routing flags as given on `cctask run` (seed-behaviour.md §2). */
export interface RoutingRequest {
  /** --session/-s: the OpenClaw session key to notify and wake. */
  session: string;
  notifyChannel: string | null;
  notifyThreadId: string | null;
  notifySessionId: string | null;
  replyToMessageId: string | null;
  allowMainTelegram: boolean;
  telegramRoutingMode: TelegramRoutingMode;
  /** Start even when the key resolves to no delivery target. */
  allowNoDelivery: boolean;
  traceLive: boolean;
}

/** Where a run launched from an OpenClaw session reports, and whom it wakes. Stored in RunSpec.openclaw. */
export interface OpenClawRoute {
  sessionKey: string;
  /** Segment 2 of the key; never assumed to be "main". */
  agentId: string;
  /** The recognised key family, e.g. "telegram-topic", "whatsapp-group", "telegram-dm-thread". */
  family: string;
  /** telegram, whatsapp, discord, …; null when the key names no channel and nothing resolved one. */
  channel: string | null;
  /** Chat id, group JID or channel id; null when there is nothing to deliver to. */
  target: string | null;
  /** Telegram forum topic / DM thread id (or a Slack/Discord thread). */
  threadId: string | null;
  /**
   * The channel account the key names (`…:thread:whatsapp-account-<id>`, per-account-channel-peer
   * keys), sent as the message tool's accountId; absent: the channel's default account.
   */
  accountId?: string;
  replyTo: string | null;
  /** The OpenClaw session UUID (for `openclaw agent --session-id`), when known. */
  sessionId: string | null;
  /** The key to wake: the parent key for thread-scoped sessions, which newer versions refuse. */
  wakeKey: string;
  /** Where channel/target came from: gateway, gateway-rpc, openclaw-cli, disk, channel-context, key, flags. */
  resolvedFrom: string;
  traceLive: boolean;
  /** The launcher ran under OpenClaw's exec tool (OPENCLAW_SHELL=exec): `openclaw agent` refuses to wake from there. */
  execShell: boolean;
  /** The launcher's non-secret OpenClaw environment (OPENCLAW_HOME/STATE_DIR/CONFIG_PATH/PROFILE, HOME, PATH), for the waker. */
  launchEnv: Record<string, string>;
}

/** The ways a run's end can wake its session, in the order they are tried (openclaw.md §7). */
export type WakePathName = "openclaw-agent" | "hooks-agent" | "sessions-send";

/** Whether one wake path can be used for a route, and why not when it cannot (with the config line that enables it). */
export interface WakePathCheck {
  path: WakePathName;
  usable: boolean;
  reason: string;
}

/** What `--validate-only` reports about the wake: the path that will be used first, and every check. */
export interface WakePreview {
  chosen: WakePathName | null;
  checks: WakePathCheck[];
}
