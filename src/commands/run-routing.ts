/**
 * The original skill's routing flags on `cctask run` (seed-behaviour.md §2): --session and its
 * companions, turned into the RoutingRequest the daemon resolves; and --validate-only, which
 * prints the original's report (seed-behaviour.md §4) plus the wake preview and starts nothing.
 */
import { connectDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import { formatTarget, parseTarget } from "../notify/targets.js";
import { pickLaunchEnv } from "../openclaw/routing/launch-env.js";
import type { RoutingPayload, RoutingReport } from "../protocol.js";
import type { TelegramRoutingMode } from "../route.js";
import { secretsOf } from "../secret-env.js";
import { type Parsed, positiveNumber, str } from "./args.js";
import type { CommandIo } from "./io.js";

export const ROUTING_OPTIONS = {
  session: { type: "string", short: "s" },
  "notify-channel": { type: "string" },
  "notify-thread-id": { type: "string" },
  "notify-session-id": { type: "string" },
  "reply-to-message-id": { type: "string" },
  "validate-only": { type: "boolean" },
  "allow-main-telegram": { type: "boolean" },
  "telegram-routing-mode": { type: "string" },
  "allow-no-delivery": { type: "boolean" },
  "trace-live": { type: "boolean" },
} as const;

export const ROUTING_HELP = `
OpenClaw routing (the original run-task.py flags):
  -s, --session KEY         the OpenClaw session to notify and wake, e.g.
                            agent:main:telegram:group:-100123:topic:7 (combines with --notify)
      --notify-channel CH   telegram | whatsapp | … (a thread key requires telegram)
      --notify-thread-id N  Telegram thread id (default: from the key)
      --notify-session-id U the OpenClaw session UUID (default: looked up; a mismatch is refused)
      --reply-to-message-id N  reply to this message
      --telegram-routing-mode M  auto (default) | thread-only | allow-non-thread
      --allow-main-telegram permit a non-thread Telegram chat in auto mode
      --allow-no-delivery   start even if the key resolves to no chat
      --trace-live          post [TRACE][TECH] markers to the chat
      --validate-only       resolve the routing, print the report (and the wake path), start nothing
`;

const MODES: readonly TelegramRoutingMode[] = ["auto", "thread-only", "allow-non-thread"];

function digits(flag: string, raw: string | undefined, what: string): string | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (!/^\d{1,12}$/.test(v)) throw new UsageError(`${flag} must be ${what} (digits), got "${raw}"`);
  return v;
}

/**
 * The routing part of a run request, or null without --session (other routing flags then refused).
 * @param name how the caller names the session key in a message (a flag, or an MCP tool's argument)
 */
export function buildRouting(
  args: Parsed,
  env: NodeJS.ProcessEnv,
  name = "--session",
): RoutingPayload | null {
  const v = args.values;
  const session = str(v.session)?.trim();
  const companions = Object.keys(ROUTING_OPTIONS).filter(
    (k) => k !== "session" && k !== "validate-only" && v[k] !== undefined,
  );
  if (session === undefined || session === "") {
    if (session === "")
      throw new UsageError(`${name} is empty; pass an OpenClaw session key, e.g. ${name} "agent:main:main"`);
    if (companions.length > 0)
      throw new UsageError(
        `--${companions[0]} only applies with --session KEY (the OpenClaw session to route to); pass --session, or use --notify TARGET instead`,
      );
    return null;
  }
  const mode = str(v["telegram-routing-mode"]) ?? "auto";
  if (!(MODES as readonly string[]).includes(mode))
    throw new UsageError(`--telegram-routing-mode must be one of ${MODES.join(", ")}; got "${mode}"`);
  const channel = str(v["notify-channel"])?.trim().toLowerCase();
  if (channel !== undefined && !/^[a-z][a-z0-9_-]{0,31}$/.test(channel))
    throw new UsageError(
      `--notify-channel must be a channel name such as telegram or whatsapp, got "${str(v["notify-channel"])}"`,
    );
  const sessionId = str(v["notify-session-id"])?.trim();
  if (sessionId === "")
    throw new UsageError("--notify-session-id is empty; pass the session UUID sessions_list shows");
  return {
    request: {
      session,
      notifyChannel: channel ?? null,
      notifyThreadId: digits("--notify-thread-id", str(v["notify-thread-id"]), "a Telegram thread id"),
      notifySessionId: sessionId ?? null,
      replyToMessageId: digits("--reply-to-message-id", str(v["reply-to-message-id"]), "a message id"),
      allowMainTelegram: Boolean(v["allow-main-telegram"]),
      telegramRoutingMode: mode as TelegramRoutingMode,
      allowNoDelivery: Boolean(v["allow-no-delivery"]),
      traceLive: Boolean(v["trace-live"]),
    },
    launchEnv: pickLaunchEnv(env),
  };
}

/** Python's repr of the original's values: None, True, False. */
function repr(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

/** The report with no --session: the original prints it with None everywhere. */
export function reportWithoutSession(
  completionMode: "single" | "iterate",
  maxIterations: number | null,
  notify: string[],
  allowMainTelegram: boolean,
): RoutingReport {
  return {
    session: null,
    thread_id: null,
    channel: null,
    target: null,
    notify_session_id: null,
    allow_main_telegram: allowMainTelegram,
    completion_mode: completionMode,
    max_iterations: completionMode === "single" ? 1 : Math.max(1, maxIterations ?? 5),
    key_family: null,
    resolved_from: null,
    wake_key: null,
    delivery: notify.map((t) => formatTarget(parseTarget(t))),
    lookups: [],
    route: null,
    wake: { chosen: null, checks: [] },
  };
}

export function formatRoutingReport(r: RoutingReport): string {
  const out = [
    "✅ Routing validation",
    `   session: ${repr(r.session)}`,
    `   thread_id: ${repr(r.thread_id)}`,
    `   channel: ${repr(r.channel)}`,
    `   target: ${repr(r.target)}`,
    `   notify_session_id: ${repr(r.notify_session_id)}`,
    `   allow_main_telegram: ${repr(r.allow_main_telegram)}`,
    `   completion_mode: ${r.completion_mode}`,
    `   max_iterations: ${r.max_iterations}`,
  ];
  if ("resolved_session_id" in r) out.push(`   resolved_session_id: ${repr(r.resolved_session_id)}`);
  if ("resolved_telegram_target" in r)
    out.push(`   resolved_telegram_target: ${repr(r.resolved_telegram_target)}`);
  out.push(
    `   key_family: ${repr(r.key_family)}`,
    `   resolved_from: ${repr(r.resolved_from)}`,
    `   wake_key: ${repr(r.wake_key)}`,
    `   delivery: ${r.delivery.length > 0 ? r.delivery.join(", ") : "None"}`,
  );
  for (const l of r.lookups) out.push(`   lookup: ${l}`);
  if (r.route === null) out.push("   wake: None (no --session: nothing to wake)");
  else {
    out.push(`   wake: ${r.wake.chosen ?? "None (no usable wake path)"}`);
    for (const c of r.wake.checks)
      out.push(`     - ${c.path}: ${c.usable ? "usable" : "not usable"} — ${c.reason}`);
  }
  return out.join("\n");
}

/** --validate-only: resolve the routing in the daemon and print the report; nothing is created. */
export async function validateOnly(args: Parsed, io: CommandIo, home: string): Promise<number> {
  const v = args.values;
  const completionMode = str(v["completion-mode"]) ?? "single";
  if (completionMode !== "single" && completionMode !== "iterate")
    throw new UsageError(`--completion-mode must be single or iterate, got "${completionMode}"`);
  const maxIterations = positiveNumber("--max-iterations", str(v["max-iterations"]), "runs");
  const notify = (v.notify as string[] | undefined) ?? [];
  const routing = buildRouting(args, io.env);
  const report = routing
    ? await (await connectDaemon(home, { autostart: true })).validateRouting({
        routing,
        completionMode,
        maxIterations,
        notify: notify.map((t) => formatTarget(parseTarget(t))),
        allowOfflineDelivery: Boolean(v["allow-offline-delivery"]),
        secrets: secretsOf(io.env),
      })
    : reportWithoutSession(completionMode, maxIterations, notify, Boolean(v["allow-main-telegram"]));
  io.out(v.json ? JSON.stringify({ ok: true, ...report }) : formatRoutingReport(report));
  return 0;
}
