import { appendBounded, LIMITS } from "./bounded.js";
import type { BackgroundTask, ContentBlock, TaskStartedEvent, ToolResultBlock } from "./events.js";
import type { SubagentInfo } from "./progress.js";

/**
 * Active Agent/Task subagents (claude-code-headless §6 "Active subagents"). An Agent tool_use is
 * pending until its task_started (local_agent) re-keys it by task_id; task_notification or a
 * terminal task_updated ends it. local_bash tasks are never subagents. Every function returns the
 * input list itself when nothing changes, so unchanged progress shares it.
 */

const TERMINAL_STATUSES = new Set(["completed", "failed", "killed", "stopped"]);

export function isTerminalStatus(status: unknown): boolean {
  return typeof status === "string" && TERMINAL_STATUSES.has(status);
}

export function addPendingAgent(
  list: SubagentInfo[],
  toolUseId: string,
  description: string,
): SubagentInfo[] {
  if (list.some((s) => s.id === toolUseId)) return list;
  return appendBounded(list, { id: toolUseId, description, kind: "tool_use" }, LIMITS.subagents);
}

/** task_started: only local_agent tasks (or, on CLIs without task_type, ones started by an Agent call). */
export function startTask(list: SubagentInfo[], e: TaskStartedEvent): SubagentInfo[] {
  const pending = e.tool_use_id
    ? list.find((s) => s.kind === "tool_use" && s.id === e.tool_use_id)
    : undefined;
  const isAgent = e.task_type === "local_agent" || (e.task_type === undefined && pending !== undefined);
  if (!isAgent) return list;
  const rest = pending ? list.filter((s) => s !== pending) : list;
  if (rest.some((s) => s.id === e.task_id)) return rest;
  const info: SubagentInfo = {
    id: e.task_id,
    description: e.description ?? pending?.description ?? "",
    kind: "task",
  };
  if (e.is_backgrounded === true) info.background = true;
  return appendBounded(rest, info, LIMITS.subagents);
}

/** The task ended: drop it, and a still-pending entry for the Agent call that started it. */
export function endTask(list: SubagentInfo[], taskId: string, toolUseId?: string): SubagentInfo[] {
  const drop = (s: SubagentInfo) => s.id === taskId || (s.kind === "tool_use" && s.id === toolUseId);
  return list.some(drop) ? list.filter((s) => !drop(s)) : list;
}

/**
 * A tool_result for a pending Agent call ends it (a CLI that never sent task_started), unless it
 * is the immediate "Async agent launched…" acknowledgement of a background agent, which keeps running.
 */
export function settleToolResults(
  list: SubagentInfo[],
  content: string | ReadonlyArray<ContentBlock>,
): SubagentInfo[] {
  if (typeof content === "string" || !list.some((s) => s.kind === "tool_use")) return list;
  let next = list;
  for (const block of content) {
    if (block?.type !== "tool_result") continue;
    const id = block.tool_use_id;
    if (!next.some((s) => s.kind === "tool_use" && s.id === id) || isAsyncLaunchAck(block)) continue;
    next = next.filter((s) => !(s.kind === "tool_use" && s.id === id));
  }
  return next;
}

/**
 * background_tasks_changed is authoritative for background local_agent tasks. On 2.1.330 it
 * arrives before task_started and without tool_use_id, so a pending Agent call with the same
 * description is taken to be that task (else the agent would count twice for a moment).
 */
export function applySnapshot(list: SubagentInfo[], tasks: ReadonlyArray<BackgroundTask>): SubagentInfo[] {
  const agents = tasks.filter((t) => t && typeof t.task_id === "string" && t.task_type === "local_agent");
  const ids = new Set(agents.map((t) => t.task_id));
  let next: SubagentInfo[] = [];
  for (const s of list) {
    if (s.kind === "task" && s.background === true && !ids.has(s.id)) continue; // ended
    next.push(s.kind === "task" && ids.has(s.id) && s.background !== true ? { ...s, background: true } : s);
  }
  for (const t of agents) {
    if (next.some((s) => s.id === t.task_id)) continue;
    const pending = next.find(
      (s) =>
        s.kind === "tool_use" &&
        (t.tool_use_id === undefined ? s.description === t.description : s.id === t.tool_use_id),
    );
    if (pending) next = next.filter((s) => s !== pending);
    const description = t.description ?? pending?.description ?? "";
    next.push({ id: t.task_id, description, kind: "task", background: true });
  }
  return next.length > LIMITS.subagents ? next.slice(next.length - LIMITS.subagents) : next;
}

function isAsyncLaunchAck(block: ToolResultBlock): boolean {
  return /async agent launched/i.test(toolResultText(block));
}

function toolResultText(block: ToolResultBlock): string {
  const c = block.content;
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return "";
  let text = "";
  for (const part of c) if (part && typeof part.text === "string") text += part.text;
  return text;
}
