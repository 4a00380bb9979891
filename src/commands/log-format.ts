/** One stream-json event → one readable line (or none: partial-message noise is skipped). */
import type { AgentEvent, ContentBlock } from "../agents/claude/events.js";

const MAX = 300;

function clip(s: string, n = MAX): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function toolInput(input: Readonly<Record<string, unknown>> | null | undefined): string {
  if (!input) return "";
  for (const k of ["command", "file_path", "pattern", "description", "url", "query", "prompt"]) {
    const v = input[k];
    if (typeof v === "string") return v;
  }
  return JSON.stringify(input);
}

function blockLine(b: ContentBlock, sub: string): string | null {
  switch (b.type) {
    case "text":
      return b.text.trim() ? `${sub}💬 ${clip(b.text)}` : null;
    case "thinking":
      return null;
    case "tool_use":
      return `${sub}▶ ${b.name} ${clip(toolInput(b.input), 200)}`;
    case "tool_result": {
      const c =
        typeof b.content === "string" ? b.content : (b.content ?? []).map((x) => x.text ?? "").join(" ");
      return `${sub}${b.is_error ? "⚠" : "↩"} ${clip(c, 200) || "(empty)"}`;
    }
    default:
      return null;
  }
}

export function describeEvent(e: AgentEvent): string[] {
  switch (e.type) {
    case "system":
      switch (e.subtype) {
        case "init":
          return [
            `⚙ session ${e.session_id ?? "?"} · model ${e.model ?? "?"} · claude ${e.claude_code_version ?? "?"} · auth ${e.apiKeySource ?? "?"}`,
          ];
        case "api_retry":
          return [
            `↻ API retry ${e.attempt ?? "?"}/${e.max_retries ?? "?"} (${e.error_status ?? "no status"} ${e.error ?? ""})`,
          ];
        case "task_started":
          return [
            `⤷ ${e.task_type === "local_agent" ? "subagent" : "task"} started: ${clip(e.description ?? "")}`,
          ];
        case "task_notification":
          return [`⤶ task ${e.status ?? "ended"}: ${clip(e.summary ?? "")}`];
        default:
          return [];
      }
    case "assistant":
    case "user": {
      const sub = e.parent_tool_use_id ? "  ↳ " : "";
      const content = e.message.content;
      if (typeof content === "string") return e.type === "user" ? [] : [`${sub}💬 ${clip(content)}`];
      return content.map((b) => blockLine(b, sub)).filter((l): l is string => l !== null);
    }
    case "result": {
      const cost =
        typeof e.total_cost_usd === "number" ? ` · session cost $${e.total_cost_usd.toFixed(4)}` : "";
      const text = e.result ?? (e.errors ?? []).join("; ");
      return [`${e.is_error ? "❌" : "✅"} result (${e.subtype ?? "?"})${cost}: ${clip(text)}`];
    }
    case "malformed":
      return [`⚠ malformed line skipped: ${clip(e.line, 120)}`];
    case "system_other":
    case "stream_event":
    case "rate_limit_event":
    case "unknown":
      return [];
    default: {
      const never: never = e;
      return never;
    }
  }
}
