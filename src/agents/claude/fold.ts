import { THINKING_LABEL, WRITING_LABEL } from "./activity.js";
import { appendBounded, LIMITS, truncateHead } from "./bounded.js";
import type { AgentEvent, ResultEvent, SystemEvent } from "./events.js";
import { foldAssistant, foldStreamEvent, foldUser } from "./fold-messages.js";
import { copyProgress, type RunProgress } from "./progress.js";
import { finite, summarizeResult } from "./results.js";
import { applySnapshot, endTask, isTerminalStatus, startTask } from "./subagents.js";

/** The progress of a run before its first line. */
export function emptyProgress(): RunProgress {
  return {
    sessionId: null,
    model: null,
    apiKeySource: null,
    claudeVersion: null,
    permissionMode: null,
    initCount: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
    costUsd: null,
    toolCalls: 0,
    lastActivity: null,
    activeSubagents: [],
    filesWritten: [],
    filesWrittenCount: 0,
    eventCount: 0,
    malformedLines: 0,
    lastMalformed: null,
    unknownEvents: 0,
    firstEventAt: null,
    lastEventAt: null,
    lastProgressAt: null,
    apiRetries: 0,
    lastApiRetry: null,
    results: [],
    lastResultAt: null,
    mainText: "",
    summaries: [],
    recentMessageIds: [],
    recentOutput: [],
    recentToolIds: [],
  };
}

/**
 * (progress, event) → progress. Pure: `p` is never mutated. The result is a shallow copy that
 * shares every array and object the event did not change, and each event costs O(1) amortised
 * (bounded lists only), so folding keeps up with JSON.parse on a large transcript.
 */
export function fold(p: RunProgress, e: AgentEvent, atMs: number): RunProgress {
  // `q` is this call's own draft: the helpers below assign to it, never to what it shares with `p`.
  const q = copyProgress(p);
  q.eventCount++;
  q.lastEventAt = atMs;
  if (q.firstEventAt === null) q.firstEventAt = atMs;
  switch (e.type) {
    case "system":
      foldSystem(q, e, atMs);
      break;
    case "assistant":
      foldAssistant(q, e, atMs);
      break;
    case "user":
      foldUser(q, e);
      break;
    case "stream_event":
      foldStreamEvent(q, e, atMs);
      break;
    case "result":
      foldResult(q, e, atMs);
      break;
    case "system_other":
    case "rate_limit_event":
      break; // liveness only
    case "unknown":
      q.unknownEvents++;
      break;
    case "malformed":
      q.malformedLines++;
      q.lastMalformed = truncateHead(e.line, LIMITS.malformedChars);
      break;
    default:
      assertNever(e);
  }
  return q;
}

function foldSystem(q: RunProgress, e: SystemEvent, atMs: number): void {
  switch (e.subtype) {
    case "init":
      q.sessionId = str(e.session_id) ?? q.sessionId;
      q.model = str(e.model) ?? q.model;
      q.apiKeySource = str(e.apiKeySource) ?? q.apiKeySource;
      q.claudeVersion = str(e.claude_code_version) ?? q.claudeVersion;
      q.permissionMode = str(e.permissionMode) ?? q.permissionMode;
      q.initCount++;
      q.mainText = ""; // the partial result is the text since the last init (§7.4)
      break;
    case "status":
      break;
    case "api_retry":
      q.apiRetries++;
      q.lastApiRetry = {
        attempt: finite(e.attempt) ?? q.apiRetries,
        status: finite(e.error_status),
        error: str(e.error),
      };
      break;
    case "task_started":
      q.activeSubagents = startTask(q.activeSubagents, e);
      break;
    case "task_progress":
      q.lastProgressAt = atMs;
      // A fallback: a label from an actual tool_use line is more precise, keep it.
      if (typeof e.last_tool_name === "string" && e.last_tool_name && !isToolLabel(q.lastActivity)) {
        q.lastActivity = `🔧 ${e.last_tool_name}`;
      }
      break;
    case "task_updated":
      if (isTerminalStatus(e.patch?.status)) q.activeSubagents = endTask(q.activeSubagents, e.task_id);
      break;
    case "task_notification":
      q.activeSubagents = endTask(q.activeSubagents, e.task_id, str(e.tool_use_id) ?? undefined);
      if (typeof e.summary === "string" && e.summary) {
        const summary = truncateHead(e.summary, LIMITS.summaryChars);
        q.summaries = appendBounded(q.summaries, summary, LIMITS.summaries);
      }
      break;
    case "background_tasks_changed":
      q.activeSubagents = applySnapshot(q.activeSubagents, e.tasks);
      break;
    default:
      assertNever(e);
  }
}

function foldResult(q: RunProgress, e: ResultEvent, atMs: number): void {
  const summary = summarizeResult(e, q.results[q.results.length - 1]);
  q.results = appendBounded(q.results, summary, LIMITS.results);
  q.lastResultAt = atMs;
  // Running sums, exact however many results the bounded list dropped.
  if (summary.runCostUsd !== null) q.costUsd = (q.costUsd ?? 0) + summary.runCostUsd;
  // Result figures include subagents and replace the live estimate.
  q.tokens = summary.runTokens ?? q.tokens;
}

function isToolLabel(label: string | null): boolean {
  return label !== null && label !== THINKING_LABEL && label !== WRITING_LABEL;
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

// Compile-time exhaustiveness; at run time an unforeseen event is only liveness.
function assertNever(_: never): void {}
