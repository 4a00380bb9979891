/**
 * Claude Code `--output-format stream-json` lines, typed by hand. Sources: the Agent SDK's
 * sdk.d.ts (`SDK*Message`) and our measurements in claude-code-headless.md §4. Only the fields
 * fold/outcome read are typed; the parsed object itself is the event (no copy), so every field
 * is treated as possibly absent. parse.ts checks the containers fold walks into.
 */

/** A parsed JSON object whose fields we do not type. */
export type JsonObject = { readonly [key: string]: unknown };

/** Messages API usage (message_start shape; claude-code-headless §4.3, §9.3). */
export type Usage = {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
};

// ── content blocks (Messages API; other block types occur and are ignored) ──────────────────

export type TextBlock = { type: "text"; text: string };
export type ThinkingBlock = { type: "thinking"; thinking?: string };
/** `input` is tool-specific: Write/Edit `file_path`, Bash `command`, Agent `description`… (§9.4). */
export type ToolUseBlock = { type: "tool_use"; id: string; name: string; input?: JsonObject | null };
export type ToolResultBlock = {
  type: "tool_result";
  tool_use_id: string;
  content?: string | ReadonlyArray<{ type: string; text?: string }>;
  is_error?: boolean;
};
export type ContentBlock = TextBlock | ThinkingBlock | ToolUseBlock | ToolResultBlock;

// ── system lines ────────────────────────────────────────────────────────────────────────────

/** SDKSystemMessage init (claude-code-headless §4.1). Repeats at each automatic extra turn. */
export type SystemInitEvent = {
  type: "system";
  subtype: "init";
  session_id?: string;
  model?: string;
  apiKeySource?: string;
  claude_code_version?: string;
  permissionMode?: string;
  cwd?: string;
};

/** system/status: before each model request, with --include-partial-messages (§4.2). */
export type SystemStatusEvent = { type: "system"; subtype: "status"; status?: string | null };

/** SDKAPIRetryMessage (§4.6): one per retry attempt, before the back-off sleep. */
export type ApiRetryEvent = {
  type: "system";
  subtype: "api_retry";
  attempt?: number;
  max_retries?: number;
  retry_delay_ms?: number;
  error_status?: number | null;
  error?: string;
};

/** `local_agent` = Agent/Task subagent; `local_bash` = a Bash command running longer than ~3 s (§4.7). */
export type TaskType = "local_agent" | "local_bash" | (string & {});

/** SDKTaskStartedMessage (§4.7). 2.1.197 lacks run_id, is_backgrounded, spawn_depth. */
export type TaskStartedEvent = {
  type: "system";
  subtype: "task_started";
  task_id: string;
  tool_use_id?: string;
  task_type?: TaskType;
  description?: string;
  subagent_type?: string;
  is_backgrounded?: boolean;
};

/** SDKTaskProgressMessage (§4.7). */
export type TaskProgressEvent = {
  type: "system";
  subtype: "task_progress";
  task_id: string;
  tool_use_id?: string;
  description?: string;
  last_tool_name?: string;
};

/** system/task_updated (§4.7): a patch of the task's state. */
export type TaskUpdatedEvent = {
  type: "system";
  subtype: "task_updated";
  task_id: string;
  patch?: { status?: string } | null;
};

/** SDKTaskNotificationMessage (§4.7): the task ended. */
export type TaskNotificationEvent = {
  type: "system";
  subtype: "task_notification";
  task_id: string;
  tool_use_id?: string;
  status?: "completed" | "failed" | "stopped" | (string & {});
  summary?: string;
};

export type BackgroundTask = {
  task_id: string;
  task_type?: TaskType;
  tool_use_id?: string;
  description?: string;
};

/** system/background_tasks_changed (§4.8): snapshot of the background task set. */
export type BackgroundTasksChangedEvent = {
  type: "system";
  subtype: "background_tasks_changed";
  tasks: ReadonlyArray<BackgroundTask>;
};

/** Any other system subtype (ui_invalidate, compact_boundary, hook_*, …), re-tagged by parse. */
export type OtherSystemEvent = { type: "system_other"; subtype: string; raw: JsonObject };

// ── conversation lines ──────────────────────────────────────────────────────────────────────

/**
 * SDKAssistantMessage (§4.3): ONE content block per line; lines of one message share
 * `message.id` and `usage` (message_start usage: output ≈ 1). Subagent lines carry
 * `parent_tool_use_id`. API-error placeholders have model "<synthetic>".
 */
export type AssistantEvent = {
  type: "assistant";
  message: { id?: string; model?: string; content: ReadonlyArray<ContentBlock>; usage?: Usage | null };
  parent_tool_use_id?: string | null;
};

/** SDKUserMessage (§4.5): tool results going back to the model, subagent prompts. */
export type UserEvent = {
  type: "user";
  message: { content: string | ReadonlyArray<ContentBlock> };
  parent_tool_use_id?: string | null;
};

// ── stream_event: raw SSE events (§4.4, §9.3) ───────────────────────────────────────────────

export type MessageStartSse = { type: "message_start"; message?: { id?: string; usage?: Usage | null } };
export type ContentBlockStartSse = {
  type: "content_block_start";
  index?: number;
  content_block?: { type: "text" | "thinking" | "tool_use" | (string & {}); name?: string } | null;
};
export type ContentBlockDeltaSse = {
  type: "content_block_delta";
  index?: number;
  delta?: { type: "text_delta" | "thinking_delta" | "input_json_delta" | (string & {}) } | null;
};
/** usage.output_tokens is the message's final output count (a per-message total). */
export type MessageDeltaSse = { type: "message_delta"; usage?: { output_tokens?: number } | null };
export type OtherSse = { type: "content_block_stop" | "message_stop" | "ping" };
export type SseEvent =
  | MessageStartSse
  | ContentBlockStartSse
  | ContentBlockDeltaSse
  | MessageDeltaSse
  | OtherSse;

/** SDKPartialAssistantMessage, only with --include-partial-messages. */
export type StreamEventLine = {
  type: "stream_event";
  event: SseEvent;
  api_message_id?: string;
  parent_tool_use_id?: string | null;
};

// ── result ──────────────────────────────────────────────────────────────────────────────────

/** Per-model figures in modelUsage / model_usage_since_last_result (§4.9). */
export type ModelUsage = {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  costUSD?: number;
};

export type ResultSubtype =
  | "success"
  | "error_during_execution"
  | "error_max_turns"
  | "error_max_budget_usd"
  | (string & {});

/**
 * SDKResultSuccess | SDKResultError (§4.9). `is_error:true` is a failure whatever the subtype.
 * `result` is absent on error_during_execution. `total_cost_usd`/`modelUsage` are
 * session-cumulative across --resume on 2.1.330; `model_usage_since_last_result` is per result
 * (absent on 2.1.197). A background-agent run prints two results; the last one decides.
 */
export type ResultEvent = {
  type: "result";
  subtype?: ResultSubtype;
  is_error?: boolean;
  result?: string;
  errors?: ReadonlyArray<string>;
  num_turns?: number;
  session_id?: string;
  total_cost_usd?: number;
  usage?: Usage | null;
  modelUsage?: Readonly<Record<string, ModelUsage>> | null;
  model_usage_since_last_result?: Readonly<Record<string, ModelUsage>> | null;
  api_error_status?: number | null;
  api_error_type?: string;
  terminal_reason?: string;
  result_index?: number;
};

/** rate_limit_event (CLI ≥2.1.45, reported by untether; §4): a quota notice, liveness only. */
export type RateLimitEvent = { type: "rate_limit_event"; status?: string; retry_after_ms?: number };

// ── our own variants ────────────────────────────────────────────────────────────────────────

/** A JSON object with a `type` we do not know: counted, never breaks a run. */
export type UnknownEvent = { type: "unknown"; upstreamType: string | null; raw: JsonObject };

/** Not JSON, or JSON that is not an object (e.g. a line cut by a kill): recorded, not fatal. */
export type MalformedEvent = { type: "malformed"; line: string; reason: "invalid_json" | "not_object" };

export type SystemEvent =
  | SystemInitEvent
  | SystemStatusEvent
  | ApiRetryEvent
  | TaskStartedEvent
  | TaskProgressEvent
  | TaskUpdatedEvent
  | TaskNotificationEvent
  | BackgroundTasksChangedEvent;

export type AgentEvent =
  | SystemEvent
  | OtherSystemEvent
  | AssistantEvent
  | UserEvent
  | StreamEventLine
  | ResultEvent
  | RateLimitEvent
  | UnknownEvent
  | MalformedEvent;
