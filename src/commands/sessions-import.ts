/**
 * Reading the original skill's registry (~/.openclaw/claude_sessions.json). The file is only
 * read: a corrupt file is reported and left exactly as it is (the original wiped it).
 */
import { readFileSync } from "node:fs";
import { errorMessage, UsageError } from "../errors.js";
import type { ImportRequest } from "../protocol.js";

type Entry = ImportRequest["entries"][number];

export interface ParsedRegistry {
  entries: Entry[];
  skipped: string[]; // why each unusable entry was left out
}

export function readOriginalRegistry(path: string): ParsedRegistry {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}. Pass the registry file's path: cctask sessions import FILE`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `${path} is not valid JSON (${errorMessage(e)}); nothing was imported and the file was not changed`,
    );
  }
  const sessions = (data as { sessions?: unknown })?.sessions;
  if (typeof sessions !== "object" || sessions === null || Array.isArray(sessions))
    throw new UsageError(
      `${path} has no "sessions" object, so it is not a claude-code-task registry; nothing was imported`,
    );
  const entries: Entry[] = [];
  const skipped: string[] = [];
  for (const [key, raw] of Object.entries(sessions)) {
    const r = toEntry(key, raw);
    if (typeof r === "string") skipped.push(`${key}: ${r}`);
    else entries.push(r);
  }
  return { entries, skipped };
}

function toEntry(key: string, raw: unknown): Entry | string {
  if (typeof raw !== "object" || raw === null) return "not an object";
  const o = raw as Record<string, unknown>;
  const text = (k: string) =>
    typeof o[k] === "string" && (o[k] as string).length > 0 ? (o[k] as string) : null;
  const sessionId = text("session_id") ?? key;
  const projectDir = text("project_dir");
  if (!projectDir) return "no project_dir";
  const created = parseNaiveTime(text("created_at"));
  const used = parseNaiveTime(text("last_accessed")) ?? created;
  if (created === null || used === null) return "no valid created_at/last_accessed timestamp";
  const cost =
    typeof o.cost_estimate === "number" && Number.isFinite(o.cost_estimate) ? o.cost_estimate : null;
  return {
    sessionId,
    label: text("label"),
    projectDir,
    taskSummary: text("task_summary") ?? "",
    status: text("status") ?? "completed",
    createdAt: created,
    lastUsedAt: used,
    origin: text("openclaw_session"),
    outputFile: text("output_file"),
    costUsd: cost,
  };
}

/** The original wrote local time without a zone (Python isoformat): read it as this machine's local time. */
export function parseNaiveTime(s: string | null): number | null {
  if (s === null) return null;
  const m = s.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const ms = frac ? Math.floor(Number(frac.padEnd(6, "0")) / 1000) : 0;
  if (zone) return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${sec}.${String(ms).padStart(3, "0")}${zone}`);
  const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms).getTime();
  return Number.isFinite(t) ? t : null;
}
