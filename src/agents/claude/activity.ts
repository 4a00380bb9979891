import type { JsonObject } from "./events.js";

/** Activity labels, as the original skill showed them (seed-behaviour §6). */
export const THINKING_LABEL = "🧠 Thinking...";
export const WRITING_LABEL = "✍️ Writing...";

const COMMAND_CHARS = 50;

/** The heartbeat label for a tool call; `input` is absent when only the name is known. */
export function labelTool(name: string, input?: JsonObject | null): string {
  const lower = name.toLowerCase();
  if (isFileWriteTool(name)) {
    const path = writtenPath(input);
    return path ? `📝 ${name}: ${basename(path)}` : `📝 ${name}`;
  }
  if (lower === "read") {
    const path = input && typeof input.file_path === "string" ? input.file_path : "";
    return path ? `👁 read: ${basename(path)}` : "👁 read";
  }
  if (lower === "bash") {
    const command = input && typeof input.command === "string" ? input.command : "";
    return command ? `💻 bash: ${shorten(command)}` : "💻 bash";
  }
  if (lower.includes("search") || lower.includes("grep")) return `🔍 ${name}`;
  return `🔧 ${name}`;
}

/** Tools whose target file counts as written (the original: Write/Edit; we add NotebookEdit, MultiEdit). */
export function isFileWriteTool(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "write" || lower === "edit" || lower === "multiedit" || lower === "notebookedit";
}

/** The file a write tool targets (NotebookEdit names it notebook_path). */
export function writtenPath(input: JsonObject | null | undefined): string | null {
  if (!input) return null;
  if (typeof input.file_path === "string" && input.file_path) return input.file_path;
  if (typeof input.notebook_path === "string" && input.notebook_path) return input.notebook_path;
  return null;
}

/** Agent, or its alias Task (claude-code-headless §9.4); not TaskCreate & co. */
export function isSubagentTool(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === "agent" || lower === "task";
}

function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

// One line for a heartbeat: collapse whitespace, cut by code points so emoji are not split.
function shorten(command: string): string {
  const flat = command
    .slice(0, COMMAND_CHARS * 4)
    .replace(/\s+/g, " ")
    .trim();
  if (flat.length <= COMMAND_CHARS) return flat;
  return Array.from(flat).slice(0, COMMAND_CHARS).join("");
}
