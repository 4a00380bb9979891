// Compact builders for hand-written Claude Code stream-json transcripts (claude-code-headless §4).
import { emptyProgress, fold } from "../../../../src/agents/claude/fold.js";
import { parseLine } from "../../../../src/agents/claude/parse.js";
import type { RunProgress } from "../../../../src/agents/claude/progress.js";

export type Line = Record<string, unknown> | string;

/** Parse and fold lines, the i-th at time 1000 + i ms. */
export function foldLines(lines: readonly Line[], start: RunProgress = emptyProgress()): RunProgress {
  let p = start;
  lines.forEach((line, i) => {
    p = fold(p, parseLine(typeof line === "string" ? line : JSON.stringify(line)), 1000 + i);
  });
  return p;
}

const USAGE = {
  input_tokens: 1000,
  output_tokens: 1,
  cache_read_input_tokens: 0,
  cache_creation_input_tokens: 0,
};

export function init(sessionId = "sess-1", extra: Record<string, unknown> = {}): Line {
  return {
    type: "system",
    subtype: "init",
    session_id: sessionId,
    model: "claude-opus-5-5",
    apiKeySource: "ANTHROPIC_API_KEY",
    claude_code_version: "2.1.330",
    permissionMode: "bypassPermissions",
    ...extra,
  };
}

export function text(msgId: string, body: string, parent: string | null = null, usage: object = USAGE): Line {
  return {
    type: "assistant",
    message: { id: msgId, content: [{ type: "text", text: body }], usage },
    parent_tool_use_id: parent,
  };
}

export function toolUse(
  msgId: string,
  toolId: string,
  name: string,
  input: Record<string, unknown>,
  parent: string | null = null,
  usage: object = USAGE,
): Line {
  return {
    type: "assistant",
    message: { id: msgId, content: [{ type: "tool_use", id: toolId, name, input }], usage },
    parent_tool_use_id: parent,
  };
}

export function toolResult(toolId: string, content: unknown, parent: string | null = null): Line {
  return {
    type: "user",
    message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolId, content }] },
    parent_tool_use_id: parent,
  };
}

export function messageStart(msgId: string, usage: object = USAGE): Line {
  return {
    type: "stream_event",
    event: { type: "message_start", message: { id: msgId, usage } },
    api_message_id: msgId,
  };
}

export function delta(kind: "text_delta" | "thinking_delta" | "input_json_delta", msgId = "m"): Line {
  return {
    type: "stream_event",
    event: { type: "content_block_delta", index: 0, delta: { type: kind } },
    api_message_id: msgId,
  };
}

export function messageDelta(msgId: string, outputTokens: number): Line {
  return {
    type: "stream_event",
    event: {
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: outputTokens },
    },
    api_message_id: msgId,
  };
}

export function system(subtype: string, fields: Record<string, unknown> = {}): Line {
  return { type: "system", subtype, ...fields };
}

export function result(fields: Record<string, unknown> = {}): Line {
  return {
    type: "result",
    subtype: "success",
    is_error: false,
    result: "done",
    num_turns: 1,
    session_id: "sess-1",
    total_cost_usd: 0.01,
    ...fields,
  };
}

/** model_usage_since_last_result / modelUsage for one model. */
export function usageByModel(input: number, output: number, costUSD: number): Record<string, unknown> {
  return { "claude-opus-5-5": { inputTokens: input, outputTokens: output, costUSD } };
}
