/**
 * How each wake path's answer is judged (pure, so each rule is tested on its own). Three outcomes:
 * woken (confirmed), failed (it certainly did not wake: the next path may be tried), no_answer
 * (it may have woken: nothing else is tried, the wake is reported as uncertain).
 */
import { type HttpExchange, type NoAnswer, parseJsonBody } from "../../http.js";
import type { WakeAttemptOutcome } from "../../store/wakes.js";
import { judgeToolAnswer } from "../gateway.js";

export interface AttemptResult {
  outcome: WakeAttemptOutcome;
  detail: string;
  /** Failed because the session was busy, not admitted (hooks 503): the same path may be tried again later. */
  busy?: boolean;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | null => (typeof v === "object" && v !== null ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
const TIMEOUT_TEXT = /time(d)?[ -]?out/i;
/** deliveryStatus reasons that mean the agent chose to say nothing visible: it was woken. */
const QUIET_REASONS = new Set([
  "no_visible_payload",
  "no_visible_result",
  "cancelled_by_message_sending_hook",
]);

/** The JSON envelope `openclaw agent --json` printed: the whole of stdout, or its last {...} block. */
function parseEnvelope(stdout: string): Json | null {
  const whole = asObject(parseJsonBody(stdout.trim()));
  if (whole) return whole;
  const start = stdout.indexOf("{");
  const end = stdout.lastIndexOf("}");
  return start >= 0 && end > start ? asObject(parseJsonBody(stdout.slice(start, end + 1))) : null;
}

export interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** We killed it after the attempt's deadline. */
  timedOut: boolean;
  timeoutSeconds: number;
}

/** `openclaw agent --session-id … --deliver --json`: judged by its JSON reply and deliveryStatus, never its exit code alone. */
export function judgeAgentCli(run: CliRun): AttemptResult {
  const stderrTail = run.stderr.trim().split("\n").slice(-3).join(" ").slice(0, 300);
  if (run.timedOut)
    return {
      outcome: "no_answer",
      detail: `openclaw agent did not finish within ${run.timeoutSeconds} s and was stopped; the agent's turn may have started`,
    };
  const body = parseEnvelope(run.stdout);
  if (!body) {
    const how = run.signal ? `was killed by ${run.signal}` : `exited ${run.code}`;
    return run.code === 0
      ? {
          outcome: "no_answer",
          detail: `openclaw agent exited 0 without a JSON reply, so the wake is unconfirmed${stderrTail ? `: ${stderrTail}` : ""}`,
        }
      : {
          outcome: "failed",
          detail: `openclaw agent ${how} without a JSON reply${stderrTail ? `: ${stderrTail}` : ""}`,
        };
  }
  const error = asObject(body.error);
  if (body.ok === false || error) {
    const message = str(error?.message) ?? str(body.error) ?? `exit ${run.code}`;
    const type = str(error?.type);
    return {
      outcome: TIMEOUT_TEXT.test(message) ? "no_answer" : "failed",
      detail: `openclaw agent refused: ${message}${type ? ` (${type})` : ""}`,
    };
  }
  const status = str(body.status);
  const runId = str(body.runId);
  if (status === "in_flight")
    return {
      outcome: "failed",
      detail: "openclaw agent answered in_flight: a turn of this session is already running",
    };
  if (status !== "ok")
    return {
      outcome: status && TIMEOUT_TEXT.test(status) ? "no_answer" : "failed",
      detail: `openclaw agent answered status ${status ?? "(none)"}${str(body.summary) ? ` (${str(body.summary)})` : ""}`,
    };
  const ds = asObject(body.deliveryStatus) ?? asObject(asObject(body.result)?.deliveryStatus);
  const dsStatus = str(ds?.status);
  const reason = str(ds?.reason);
  const which = runId ? `run ${runId}` : "a turn";
  if (!ds)
    return { outcome: "woken", detail: `openclaw agent completed ${which} (no deliveryStatus in the reply)` };
  if (dsStatus === "sent" || (ds.succeeded === true && dsStatus !== "failed"))
    return { outcome: "woken", detail: `openclaw agent completed ${which}; its reply was delivered` };
  if (dsStatus === "partial_failed")
    return {
      outcome: "woken",
      detail: `openclaw agent completed ${which}; its reply was only partly delivered`,
    };
  if (dsStatus === "suppressed" && reason && QUIET_REASONS.has(reason))
    return {
      outcome: "woken",
      detail: `openclaw agent completed ${which}; the agent replied nothing visible (${reason})`,
    };
  return {
    outcome: "failed",
    detail: `openclaw agent completed ${which} but its reply was not delivered (deliveryStatus ${dsStatus ?? "unknown"}${reason ? `: ${reason}` : ""})`,
  };
}

function noAnswer(ex: NoAnswer): AttemptResult {
  return !ex.maybeDelivered
    ? { outcome: "failed", detail: ex.message }
    : { outcome: "no_answer", detail: `${ex.message}; the request may have been accepted` };
}

/**
 * POST /hooks/agent: 200 {"ok":true,"runId"} wakes; 400 (with the gateway's words), 401, 404 do
 * not. 503 is 2026.9.6's "hook agent run did not start before admission timeout": runs on one
 * session key are serialised, and one was still running after the gateway's wait; nothing was
 * started, so it is marked busy (to be tried again), not a wake.
 */
export function judgeHooksAgent(ex: HttpExchange): AttemptResult {
  if (!ex.answered) return noAnswer(ex);
  const { status, text } = ex.answer;
  const body = asObject(parseJsonBody(text));
  if (status === 200 && body?.ok === true)
    return {
      outcome: "woken",
      detail: `POST /hooks/agent accepted${str(body.runId) ? ` (run ${str(body.runId)})` : ""}`,
    };
  const said =
    str(body?.error) ??
    str(asObject(body?.error)?.message) ??
    str(body?.message) ??
    (text.trim().slice(0, 200) || null);
  const what =
    status === 401
      ? "the gateway refused the hooks token"
      : status === 404
        ? "the gateway has no /hooks/agent (hooks not enabled there?)"
        : `the gateway answered HTTP ${status}`;
  const detail = `POST /hooks/agent: ${what}${said ? `: ${said}` : ""}`;
  return status === 503 ? { outcome: "failed", detail, busy: true } : { outcome: "failed", detail };
}

/** sessions_send over /tools/invoke: judged by result.details.status (accepted or ok), not by HTTP 200. */
export function judgeSessionsSend(ex: HttpExchange): AttemptResult {
  if (!ex.answered) return noAnswer(ex);
  const judged = judgeToolAnswer(ex.answer);
  if (!judged.ok) {
    const f = judged.failure;
    const d = f.kind === "remote" ? `HTTP ${f.status}: ${f.description}` : f.message;
    const hint = f.kind === "remote" && f.status === 404 ? " (is sessions_send in gateway.tools.allow?)" : "";
    return { outcome: "failed", detail: `sessions_send: ${d}${hint}` };
  }
  const details = asObject(judged.details);
  const status = str(details?.status);
  if (status === "accepted" || status === "ok" || status === "no_reply")
    return {
      outcome: "woken",
      detail: `sessions_send ${status}${str(details?.runId) ? ` (run ${str(details?.runId)})` : ""}`,
    };
  return { outcome: "failed", detail: `sessions_send answered details.status ${status ?? "(none)"}` };
}
