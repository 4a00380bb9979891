import type { ModelUsage, ResultEvent, Usage } from "./events.js";
import type { ResultSummary, TokenCounts } from "./progress.js";

/**
 * Per-run accounting from result lines (claude-code-headless §6): on 2.1.330 each result's
 * model_usage_since_last_result is this process's spend since the previous result (subagents
 * included), while total_cost_usd/modelUsage are session-cumulative across --resume. 2.1.197 has
 * no since-last; its total_cost_usd and modelUsage cover the run only.
 */

/** `previous` is the run's preceding result line, whose running token total this one extends. */
export function summarizeResult(e: ResultEvent, previous?: ResultSummary): ResultSummary {
  const subtype = typeof e.subtype === "string" ? e.subtype : "unknown";
  const totalCostUsd = finite(e.total_cost_usd);
  // Never the cumulative total when since-last is present.
  const sinceLast = isRecord(e.model_usage_since_last_result) ? tally(e.model_usage_since_last_result) : null;
  return {
    subtype,
    // A result without is_error is judged by its subtype.
    isError: typeof e.is_error === "boolean" ? e.is_error : subtype !== "success",
    text: typeof e.result === "string" ? e.result : null,
    errors: Array.isArray(e.errors) ? e.errors.filter((x): x is string => typeof x === "string") : [],
    apiErrorStatus: finite(e.api_error_status),
    apiErrorType: typeof e.api_error_type === "string" ? e.api_error_type : null,
    terminalReason: typeof e.terminal_reason === "string" ? e.terminal_reason : null,
    numTurns: finite(e.num_turns),
    sessionId: typeof e.session_id === "string" ? e.session_id : null,
    runCostUsd: sinceLast ? sinceLast.costUsd : totalCostUsd,
    totalCostUsd,
    runTokens: addTokens(previous?.runTokens ?? null, sinceLast ? sinceLast.tokens : fallbackTokens(e)),
  };
}

function addTokens(a: TokenCounts | null, b: TokenCounts | null): TokenCounts | null {
  if (a === null || b === null) return a ?? b;
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheCreation: a.cacheCreation + b.cacheCreation,
  };
}

// 2.1.197: modelUsage (subagents included) covers the run; else the main thread's usage.
function fallbackTokens(e: ResultEvent): TokenCounts | null {
  if (isRecord(e.modelUsage)) {
    const all = tally(e.modelUsage);
    if (all.models > 0) return all.tokens;
  }
  return isRecord(e.usage) ? fromUsage(e.usage) : null;
}

/** Tokens and cost summed over the models of a modelUsage-shaped record; one pass, no arrays. */
function tally(byModel: Readonly<Record<string, ModelUsage>>): {
  tokens: TokenCounts;
  costUsd: number;
  models: number;
} {
  const tokens: TokenCounts = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
  let costUsd = 0;
  let models = 0;
  for (const model in byModel) {
    const m = byModel[model];
    if (!isRecord(m)) continue;
    models++;
    tokens.input += finite(m.inputTokens) ?? 0;
    tokens.output += finite(m.outputTokens) ?? 0;
    tokens.cacheRead += finite(m.cacheReadInputTokens) ?? 0;
    tokens.cacheCreation += finite(m.cacheCreationInputTokens) ?? 0;
    costUsd += finite(m.costUSD) ?? 0;
  }
  return { tokens, costUsd, models };
}

function fromUsage(u: Usage): TokenCounts {
  return {
    input: finite(u.input_tokens) ?? 0,
    output: finite(u.output_tokens) ?? 0,
    cacheRead: finite(u.cache_read_input_tokens) ?? 0,
    cacheCreation: finite(u.cache_creation_input_tokens) ?? 0,
  };
}

export function finite(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function isRecord<T extends object>(v: T | null | undefined): v is T {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
