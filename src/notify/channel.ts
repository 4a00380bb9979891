/**
 * What every delivery channel implements. A channel turns a rendered notification into one remote
 * call (send, or edit for a live card) and reports the answer as data: success with the remote
 * message id, a *remote* refusal (the service answered: status, description, retry_after), or a
 * *network* failure (no answer). Whether and when to retry is decided elsewhere (retry-policy.ts).
 */

import type { NotificationContent, SendResult, Target } from "../notification.js";

export interface SendRequest {
  target: Target;
  content: NotificationContent;
  runId: string;
  /** Stable per notification: the same value on every retry (webhooks send it as the delivery id). */
  deliveryId: string;
  /** For an edit of a live card: the remote id returned by the first send. */
  editRemoteId?: string | null;
  /** Reply to this message of the chat (a --session run's --reply-to-message-id). */
  replyTo?: string | null;
  /**
   * For a notification sent as several messages (Telegram splits a long final): the first part
   * still to send (the parts before it were accepted earlier), and a callback the channel calls as
   * each part is accepted, before it sends the next, so the caller can store the progress.
   */
  fromPart?: number;
  onPart?: (part: { index: number; total: number; remoteId: string | null }) => void;
}

export interface Channel {
  readonly scheme: Target["scheme"];
  send(req: SendRequest): Promise<SendResult>;
  /** Channels that can edit a message in place (Telegram) implement this for heartbeat cards. */
  edit?(req: SendRequest & { editRemoteId: string }): Promise<SendResult>;
}
