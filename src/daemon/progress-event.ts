/** run.progress: what the agent has done so far, published when the supervisor stores its progress (at most once a second). */
import type { RunProgress } from "../agents/claude/progress.js";
import type { DaemonContext } from "./context.js";
import { publish } from "./publish.js";

export function publishProgress(ctx: DaemonContext, runId: string, p: RunProgress): void {
  publish(ctx, {
    type: "run.progress",
    runId,
    toolCalls: p.toolCalls,
    lastActivity: p.lastActivity,
    costUsd: p.costUsd,
    filesWritten: p.filesWrittenCount,
    activeSubagents: p.activeSubagents.length,
    results: p.results.length,
  });
}
