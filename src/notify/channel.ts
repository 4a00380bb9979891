/**
 * What every delivery channel implements. A channel turns a rendered notification into one remote
 * call (send, or edit for a live card) and reports the answer as data: success with the remote
 * message id, a *remote* refusal (the service answered: status, description, retry_after), or a
 * *network* failure (no answer). Whether and when to retry is decided elsewhere (retry-policy.ts).
 */

/** What a notification is about; each kind has its own idempotency key and formatting. */
export type NotificationKind = "launch" | "session" | "heartbeat" | "update" | "final" | "wake" | "trace";

/**
 * A notification's content, independent of channel. `title` and `fields` are short; `quote` is
 * untrusted text (the prompt, the result) shown in an expandable quote where the channel has one;
 * `footer` points to where the full text is. Channels escape everything themselves.
 */
export interface NotificationContent {
  kind: NotificationKind;
  icon: string; // e.g. 🚀 ✅ ❌ ⏰ 🛑 💥 📡 📝
  title: string;
  fields: [label: string, value: string][];
  quote: { label: string; text: string } | null;
  footer: string | null;
  /** A plain one-line form (heartbeats, console). */
  line: string;
  silent: boolean;
}

export type Target =
  | { scheme: "telegram"; chatId: string; threadId: number | null }
  | {
      scheme: "openclaw";
      channel: string;
      target: string;
      threadId: string | null;
      /** The channel account to send from (a WhatsApp number other than the default); absent: the default. */
      accountId?: string;
    }
  | { scheme: "webhook"; url: string }
  | { scheme: "console" };

export type SendResult = { ok: true; remoteId: string | null } | { ok: false; failure: DeliveryFailure };

export type DeliveryFailure =
  | {
      kind: "remote";
      status: number; // HTTP status or the service's error_code
      description: string;
      retryAfterSeconds: number | null;
      /** The service said this will never work for this target (401, 403, chat/thread not found…). */
      permanent: boolean;
      /**
       * The answer does not say whether a retry can help (a bare "it failed"): try at most this
       * many times in a row, then fail, instead of retrying until the notification is too old.
       */
      attemptsAllowed?: number;
      /** What the user can do about it, added to the reason when the notification fails for good. */
      fix?: string;
    }
  | {
      kind: "network";
      message: string;
      /**
       * The request may have reached the service (sent, then no answer: a reset, a timeout), so it
       * may have acted on it. False only when it surely did not (refused, no such host, not sent).
       */
      maybeDelivered: boolean;
    };

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
