/** `cctask sessions …`: the registry of Claude sessions — list, show, label, forget, import. */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { connectDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import type { SessionView } from "../protocol.js";
import { stateDir } from "../state-dir.js";
import { formatCost } from "../units.js";
import { parseCommandArgs, str } from "./args.js";
import { formatTable } from "./format.js";
import { type CommandIo, printHelp } from "./io.js";
import { readOriginalRegistry } from "./sessions-import.js";

export const SESSIONS_HELP = `Usage:
  cctask sessions [--hours 72] [--label TEXT] [--project DIR] [--status S] [--json]
  cctask sessions show ID|LABEL [--json]
  cctask sessions label ID|LABEL TEXT
  cctask sessions forget ID
  cctask sessions import [FILE]     (default ~/.openclaw/claude_sessions.json)

Sessions are Claude Code conversations that runs created; resume one with
cctask run --resume ID|LABEL. --hours 0 lists all. Status: running, completed, failed,
timeout, cancelled, interrupted.
`;

const OPTIONS = {
  hours: { type: "string" },
  label: { type: "string" },
  project: { type: "string" },
  status: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export async function sessionsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs("sessions", argv, OPTIONS, { maxPositionals: 3 });
  if (args.values.help) return printHelp(io, SESSIONS_HELP);
  const [action, a1, a2] = args.positionals;
  const json = Boolean(args.values.json);
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  switch (action) {
    case undefined: {
      const q: Record<string, string> = {};
      const hours = str(args.values.hours);
      if (hours !== undefined) q.hours = hours;
      if (str(args.values.label)) q.label = str(args.values.label)!;
      if (str(args.values.project)) q.project = resolve(io.cwd, str(args.values.project)!);
      if (str(args.values.status)) q.status = str(args.values.status)!;
      const list = await client.sessions(q);
      io.out(json ? JSON.stringify(list) : formatSessions(list));
      return 0;
    }
    case "show": {
      if (!a1) throw new UsageError("cctask sessions show needs a session id or label");
      const s = await client.session(a1);
      if (json) io.out(JSON.stringify(s));
      else io.out(`${formatSession(s)}\n\n${formatTable(s.runList)}`);
      return 0;
    }
    case "label": {
      if (!a1 || a2 === undefined) throw new UsageError('usage: cctask sessions label ID "new label"');
      const s = await client.labelSession(a1, a2);
      io.out(json ? JSON.stringify(s) : `session ${s.sessionId} is now labelled "${s.label ?? ""}"`);
      return 0;
    }
    case "forget": {
      if (!a1) throw new UsageError("usage: cctask sessions forget ID");
      const s = await client.forgetSession(a1);
      io.out(json ? JSON.stringify(s) : `forgot session ${s.sessionId}; its runs are kept (cctask list)`);
      return 0;
    }
    case "import": {
      const file = a1
        ? resolve(io.cwd, a1)
        : join(io.env.HOME || homedir(), ".openclaw", "claude_sessions.json");
      const parsed = readOriginalRegistry(file);
      const r = await client.importSessions({ entries: parsed.entries });
      if (json) io.out(JSON.stringify({ file, ...r, skipped: parsed.skipped }));
      else {
        io.out(`imported from ${file}: ${r.added} new, ${r.updated} updated, ${r.unchanged} already known`);
        for (const s of parsed.skipped) io.out(`  skipped ${s}`);
      }
      return 0;
    }
    default:
      throw new UsageError(
        `unknown sessions action "${action}"; use show, label, forget or import (see cctask sessions --help)`,
      );
  }
}

function formatSession(s: SessionView): string {
  const lines = [
    `session ${s.sessionId}${s.label ? `  "${s.label}"` : ""}`,
    `  status:    ${s.status}`,
    `  project:   ${s.projectDir}`,
    `  task:      ${s.task}`,
    `  runs:      ${s.runs}, cost ${formatCost(s.costUsd)}`,
    `  created:   ${s.createdAt}`,
    `  last used: ${s.lastUsedAt}`,
  ];
  if (s.completionMode === "iterate")
    lines.push(`  iterations: ${s.iterations} of ${s.maxIterations ?? "?"}`);
  if (s.origin) lines.push(`  origin:    ${s.origin}`);
  return lines.join("\n");
}

export function formatSessions(list: SessionView[]): string {
  if (list.length === 0) return "no sessions in this period (try --hours 0 for all)";
  const rows = list.map((s) => [
    s.sessionId,
    s.label ?? "",
    s.status,
    String(s.runs),
    formatCost(s.costUsd),
    s.lastUsedAt.slice(0, 16).replace("T", " "),
    s.projectDir,
    s.task.slice(0, 40),
  ]);
  const head = ["SESSION", "LABEL", "STATUS", "RUNS", "COST", "LAST USED", "PROJECT", "TASK"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
