/** Human-readable rendering of runs for the terminal. JSON output bypasses all of this. */
import type { RunView } from "../protocol.js";
import { STATE_ICONS } from "../run-state.js";
import { escapeControl } from "../text.js";
import { formatCost, formatDuration, formatTokens } from "../units.js";

export { formatCost, formatDuration, formatTokens };

export function stateLabel(v: RunView): string {
  const why =
    v.state === "failed" && v.reason ? ` (${v.reason}${v.apiErrorStatus ? ` ${v.apiErrorStatus}` : ""})` : "";
  return `${STATE_ICONS[v.state]} ${v.state}${why}`;
}

export function formatStatus(v: RunView): string {
  const t = v.tokens;
  const lines = [
    `run ${v.id}  ${stateLabel(v)}`,
    `  task:       ${escapeControl(v.task)}`,
    `  project:    ${escapeControl(v.projectDir)}`,
  ];
  if (v.label) lines.push(`  label:      ${escapeControl(v.label)}`);
  if (v.resume) lines.push(`  resumes:    ${v.resume}`);
  lines.push(
    `  elapsed:    ${formatDuration(v.elapsedSeconds)} of ${formatDuration(v.timeoutSeconds)}`,
    `  session:    ${v.sessionId ?? "-"}`,
    `  agent:      pid ${v.pid ?? "-"}, model ${v.model ?? "-"}, auth ${v.apiKeySource ?? "-"}${v.claudeVersion ? `, claude ${v.claudeVersion}` : ""}`,
    `  tokens:     ${formatTokens(t.input)} in, ${formatTokens(t.output)} out` +
      (t.cacheRead || t.cacheCreation
        ? ` (cache ${formatTokens(t.cacheRead)} read, ${formatTokens(t.cacheCreation)} written)`
        : ""),
    `  cost:       ${formatCost(v.costUsd)}`,
    `  tool calls: ${v.toolCalls}${v.filesWritten ? `, ${v.filesWritten} file writes` : ""}`,
  );
  if (v.lastActivity) lines.push(`  activity:   ${v.lastActivity}`);
  if (v.silentSeconds !== null && v.silentSeconds >= 30)
    lines.push(`  silent for: ${formatDuration(v.silentSeconds)}`);
  if (v.activeSubagents.length > 0)
    lines.push(
      `  subagents:  ${v.activeSubagents.length} active (${v.activeSubagents.map((s) => s.description).join(", ")})`,
    );
  if (v.detail) lines.push(`  outcome:    ${v.detail}`);
  if (v.notify.length > 0) lines.push(`  notifies:   ${v.notify.join(", ")}`);
  for (const f of v.deliveryFailures) lines.push(`  ⚠ delivery to ${f.target} failed: ${f.error}`);
  if (v.wake) lines.push(`  wake:       ${formatWake(v.wake)}`);
  if (v.malformedLines) lines.push(`  warnings:   ${v.malformedLines} malformed event line(s) skipped`);
  lines.push(
    `  events:     ${escapeControl(v.files.events)}`,
    `  result:     ${escapeControl(v.files.result)}`,
  );
  if (v.files.output) lines.push(`  output:     ${escapeControl(v.files.output)}`);
  return lines.join("\n");
}

/** One line: how the OpenClaw session that launched the run was (or will be) woken. */
export function formatWake(w: NonNullable<RunView["wake"]>): string {
  const id = w.id ? ` (wake ${w.id})` : "";
  switch (w.state) {
    case "pending":
      return `pending: ${w.sessionKey} is woken when the run ends`;
    case "claimed":
      return `waking ${w.sessionKey} now${id}`;
    case "woken":
      return `${w.sessionKey} woken via ${w.path}${id}`;
    case "failed":
      return `⚠ could not wake ${w.sessionKey}${id}: ${w.detail}`;
    case "uncertain":
      return `⚠ uncertain whether ${w.sessionKey} was woken${id}: ${w.detail}`;
    default:
      return w.state;
  }
}

export function formatTable(views: RunView[]): string {
  if (views.length === 0) return 'no runs yet — start one with: cctask run --task "…" --project DIR';
  const rows = views.map((v) => [
    v.id,
    stateLabel(v).trim(),
    formatDuration(v.elapsedSeconds),
    formatTokens(v.tokens.input + v.tokens.output),
    formatCost(v.costUsd),
    String(v.toolCalls),
    String(v.activeSubagents.length),
    (v.lastActivity ?? v.detail ?? "").slice(0, 40),
    v.task.slice(0, 40),
  ]);
  const head = ["ID", "STATE", "ELAPSED", "TOKENS", "COST", "TOOLS", "SUB", "ACTIVITY", "TASK"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? "")].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - [...c].length))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
