/**
 * Session rows from a running OpenClaw: the `sessions_list` tool over POST /tools/invoke
 * (openclaw.md §5.1), and where that hides routing fields (2026.9.6) or the session (visibility
 * "tree"), the gateway RPC `openclaw gateway call sessions.list --json`, then `openclaw sessions
 * --json` (§5.2). The CLI reads OpenClaw's own config for its credentials: cctask passes none.
 */
import { execFile } from "node:child_process";
import { errorMessage } from "../../errors.js";
import { type GatewayEndpoint, invokeTool } from "../gateway.js";
import { rowsOf, type SessionInfo } from "./session-info.js";

export interface SourceResult {
  source: "gateway" | "gateway-rpc" | "openclaw-cli";
  rows: SessionInfo[];
  /** Why there are no rows (unreachable, refused, not installed…), else null. */
  problem: string | null;
}

const LIST_LIMIT = 200;
const CLI_TIMEOUT_MS = 20_000;

export async function listViaTool(gw: GatewayEndpoint, timeoutMs = 10_000): Promise<SourceResult> {
  const out = await invokeTool(gw, "sessions_list", { limit: LIST_LIMIT }, { timeoutMs });
  if (!out.ok) {
    const f = out.failure;
    const problem =
      f.kind === "network"
        ? `the OpenClaw gateway at ${gw.url} is unreachable (${f.message})`
        : `sessions_list was refused by the gateway at ${gw.url} (HTTP ${f.status}: ${f.description})`;
    return { source: "gateway", rows: [], problem };
  }
  return { source: "gateway", rows: rowsOf(out.details), problem: null };
}

/** The first JSON object in a CLI's stdout (a version may print a banner before it). */
function parseCliJson(stdout: string): unknown {
  const at = stdout.indexOf("{");
  if (at < 0) throw new Error("no JSON in its output");
  return JSON.parse(stdout.slice(at));
}

function runCli(bin: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      args,
      { env, timeout: CLI_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why =
            code === "ENOENT"
              ? `"${bin}" was not found (set openclaw.bin in config.json5, or put openclaw on PATH)`
              : (stderr.trim().split("\n").at(-1) ?? err.message);
          reject(new Error(why));
        } else resolve(stdout);
      },
    );
  });
}

/** `openclaw gateway call sessions.list`, else `openclaw sessions`: the first that answers. */
export async function listViaCli(bin: string, env: NodeJS.ProcessEnv): Promise<SourceResult[]> {
  const attempts: [SourceResult["source"], string[]][] = [
    [
      "gateway-rpc",
      ["gateway", "call", "sessions.list", "--params", JSON.stringify({ limit: LIST_LIMIT }), "--json"],
    ],
    ["openclaw-cli", ["sessions", "--json"]],
  ];
  const results: SourceResult[] = [];
  for (const [source, args] of attempts) {
    try {
      const rows = rowsOf(parseCliJson(await runCli(bin, args, env)));
      results.push({ source, rows, problem: null });
      if (rows.some((r) => r.to !== null)) break; // routing found: no need for the next
    } catch (e) {
      results.push({
        source,
        rows: [],
        problem: `openclaw ${args.slice(0, 3).join(" ")}: ${errorMessage(e)}`,
      });
      if (errorMessage(e).includes("was not found")) break;
    }
  }
  return results;
}
