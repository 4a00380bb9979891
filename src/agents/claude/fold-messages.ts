import {
  isFileWriteTool,
  isSubagentTool,
  labelTool,
  THINKING_LABEL,
  WRITING_LABEL,
  writtenPath,
} from "./activity.js";
import { appendBounded, appendTail, LIMITS } from "./bounded.js";
import type {
  AssistantEvent,
  JsonObject,
  StreamEventLine,
  ToolUseBlock,
  Usage,
  UserEvent,
} from "./events.js";
import type { RunProgress } from "./progress.js";
import { finite } from "./results.js";
import { addPendingAgent, settleToolResults } from "./subagents.js";

/**
 * Folding of conversation lines into a draft RunProgress `q` that fold() owns. Accounting per
 * claude-code-headless §6: input tokens once per message id (assistant line or message_start,
 * whichever comes first), output tokens from message_delta per-message totals, tool calls by id.
 */

export function foldAssistant(q: RunProgress, e: AssistantEvent, atMs: number): void {
  const message = e.message;
  if (typeof message.id === "string") countInput(q, message.id, message.usage);
  const mainThread = e.parent_tool_use_id === null || e.parent_tool_use_id === undefined;
  for (const block of message.content) {
    if (typeof block !== "object" || block === null) continue;
    switch (block.type) {
      case "tool_use":
        foldToolUse(q, block, atMs);
        break;
      case "text":
        if (typeof block.text !== "string" || !block.text) break;
        q.lastProgressAt = atMs;
        q.lastActivity = WRITING_LABEL;
        if (mainThread) q.mainText = appendTail(q.mainText, block.text, LIMITS.mainTextChars);
        break;
      case "thinking":
        q.lastProgressAt = atMs;
        q.lastActivity = THINKING_LABEL;
        break;
    }
  }
}

export function foldUser(q: RunProgress, e: UserEvent): void {
  q.activeSubagents = settleToolResults(q.activeSubagents, e.message.content);
}

export function foldStreamEvent(q: RunProgress, e: StreamEventLine, atMs: number): void {
  const ev = e.event;
  switch (ev.type) {
    case "message_start": {
      const id = ev.message?.id ?? e.api_message_id;
      if (typeof id === "string") countInput(q, id, ev.message?.usage);
      break;
    }
    case "content_block_start": {
      const block = ev.content_block;
      if (!block) break;
      q.lastProgressAt = atMs;
      if (block.type === "tool_use" && typeof block.name === "string") q.lastActivity = labelTool(block.name);
      else if (block.type === "thinking") q.lastActivity = THINKING_LABEL;
      else if (block.type === "text") q.lastActivity = WRITING_LABEL;
      break;
    }
    case "content_block_delta": {
      // Any delta is progress: a long tool input (a big Write) streams as input_json_delta only.
      q.lastProgressAt = atMs;
      const kind = ev.delta?.type;
      if (kind === "thinking_delta") q.lastActivity = THINKING_LABEL;
      else if (kind === "text_delta") q.lastActivity = WRITING_LABEL;
      break;
    }
    case "message_delta":
      q.lastProgressAt = atMs;
      countOutput(q, e.api_message_id, finite(ev.usage?.output_tokens));
      break;
  }
}

function foldToolUse(q: RunProgress, block: ToolUseBlock, atMs: number): void {
  const name = typeof block.name === "string" ? block.name : "tool";
  const input: JsonObject | null = typeof block.input === "object" ? block.input : null;
  q.lastProgressAt = atMs;
  q.lastActivity = labelTool(name, input);
  const id = typeof block.id === "string" ? block.id : null;
  if (id !== null) {
    if (q.recentToolIds.includes(id)) return;
    q.recentToolIds = appendBounded(q.recentToolIds, id, LIMITS.recentIds);
  }
  q.toolCalls++;
  if (isFileWriteTool(name)) {
    const path = writtenPath(input);
    if (path) addWrittenFile(q, path);
  }
  if (id !== null && isSubagentTool(name)) {
    const description = input && typeof input.description === "string" ? input.description : "";
    q.activeSubagents = addPendingAgent(q.activeSubagents, id, description);
  }
}

function addWrittenFile(q: RunProgress, path: string): void {
  const known = q.filesWritten.indexOf(path);
  if (known >= 0) {
    if (known === q.filesWritten.length - 1) return;
    q.filesWritten = [...q.filesWritten.slice(0, known), ...q.filesWritten.slice(known + 1), path];
    return;
  }
  q.filesWritten = appendBounded(q.filesWritten, path, LIMITS.filesWritten);
  q.filesWrittenCount++;
}

// Input usage repeats on every content-block line of a message: count it once per message id.
function countInput(q: RunProgress, id: string, usage: Usage | null | undefined): void {
  if (q.recentMessageIds.includes(id)) return;
  q.recentMessageIds = appendBounded(q.recentMessageIds, id, LIMITS.recentIds);
  if (typeof usage !== "object" || usage === null) return;
  const t = q.tokens;
  q.tokens = {
    input: t.input + (finite(usage.input_tokens) ?? 0),
    output: t.output,
    cacheRead: t.cacheRead + (finite(usage.cache_read_input_tokens) ?? 0),
    cacheCreation: t.cacheCreation + (finite(usage.cache_creation_input_tokens) ?? 0),
  };
}

// message_delta carries the message's output total so far: adjust the sum by the difference.
function countOutput(q: RunProgress, id: string | undefined, total: number | null): void {
  if (total === null) return;
  let previous = 0;
  if (typeof id === "string") {
    const at = q.recentOutput.findIndex((entry) => entry[0] === id);
    if (at >= 0) {
      previous = q.recentOutput[at]?.[1] ?? 0;
      q.recentOutput = q.recentOutput.map((entry, i): [string, number] => (i === at ? [id, total] : entry));
    } else {
      q.recentOutput = appendBounded(q.recentOutput, [id, total], LIMITS.recentIds);
    }
  }
  if (total === previous) return;
  const t = q.tokens;
  q.tokens = {
    input: t.input,
    output: t.output + total - previous,
    cacheRead: t.cacheRead,
    cacheCreation: t.cacheCreation,
  };
}
