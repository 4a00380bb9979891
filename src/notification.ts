/**
 * What a notification is and where it goes, as data: shared by the channels (notify/), the outbox
 * table (store/) and the gateway client (openclaw/), so none of them imports another for a type.
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

/** Telegram's own Bot API server; `telegram.apiRoot` (or a local Bot API server) replaces it. */
export const DEFAULT_API_ROOT = "https://api.telegram.org";

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
