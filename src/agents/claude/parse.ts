import type { AgentEvent, JsonObject } from "./events.js";

/**
 * One stdout line → one typed event. Never throws. One JSON.parse plus a few property reads:
 * the parsed object is returned as the event, after checking the containers fold walks into
 * (a line whose shape does not fit its type becomes `unknown`/`system_other`, not a crash).
 */
export function parseLine(line: string): AgentEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { type: "malformed", line, reason: "invalid_json" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { type: "malformed", line, reason: "not_object" };
  }
  const o = value as JsonObject;
  switch (o.type) {
    case "assistant":
    case "user":
      return hasContent(o.message, o.type === "user") ? (o as unknown as AgentEvent) : toUnknown(o);
    case "stream_event":
      return isObject(o.event) && typeof o.event.type === "string"
        ? (o as unknown as AgentEvent)
        : toUnknown(o);
    case "result":
    case "rate_limit_event":
      return o as unknown as AgentEvent;
    case "system":
      return parseSystem(o);
    default:
      return toUnknown(o);
  }
}

function parseSystem(o: JsonObject): AgentEvent {
  switch (o.subtype) {
    case "init":
    case "status":
    case "api_retry":
      return o as unknown as AgentEvent;
    case "task_started":
    case "task_progress":
    case "task_updated":
    case "task_notification":
      return typeof o.task_id === "string" ? (o as unknown as AgentEvent) : toOtherSystem(o);
    case "background_tasks_changed":
      return Array.isArray(o.tasks) ? (o as unknown as AgentEvent) : toOtherSystem(o);
    default:
      return toOtherSystem(o);
  }
}

function hasContent(message: unknown, stringAllowed: boolean): boolean {
  if (!isObject(message)) return false;
  return Array.isArray(message.content) || (stringAllowed && typeof message.content === "string");
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null;
}

function toUnknown(o: JsonObject): AgentEvent {
  return { type: "unknown", upstreamType: typeof o.type === "string" ? o.type : null, raw: o };
}

function toOtherSystem(o: JsonObject): AgentEvent {
  return { type: "system_other", subtype: typeof o.subtype === "string" ? o.subtype : "", raw: o };
}
