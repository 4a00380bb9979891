/**
 * Session rows from a running OpenClaw: the `sessions_list` tool over POST /tools/invoke
 * (openclaw.md §5.1), and where that hides routing fields (2026.9.6) or the session (visibility
 * "tree"), the gateway RPC `openclaw gateway call sessions.list --json`, then `openclaw sessions
 * --json` (§5.2). The CLI reads OpenClaw's own config for its credentials: cctask passes none.
 *
 * Time budget of one resolution (the launching `cctask run` waits for it): sessions_list at most
 * 10 s, the CLI lookups together at most 20 s (a loaded 2026.9.6 gateway can take longer than that
 * for the RPC; it is then stopped, process group and all, `openclaw sessions` is not started, and
 * the store on disk — which the RPC would have read — answers at once). So a launch spends at
 * most ~30 s resolving, plus the 3 s gateway check for gateway-delivered targets.
 */
import { spawn } from "node:child_process";
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
/** All CLI lookups of one resolution together. */
export const CLI_BUDGET_MS = 20_000;
/** Less than this left of the budget: another CLI start-up is not worth it. */
const MIN_CLI_MS = 3_000;
const OUTPUT_CAP = 32 * 1024 * 1024;

class CliTimeout extends Error {}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

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

/**
 * Runs the CLI in a process group of its own and stops the whole group when `timeoutMs` is up:
 * the answer is given up at once, even while a helper of the CLI still holds its output open.
 */
function runCli(bin: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
      finish(() => reject(new CliTimeout(`no answer within ${seconds(timeoutMs)} (stopped)`)));
    }, timeoutMs);
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < OUTPUT_CAP) stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < OUTPUT_CAP) stderr += c.toString("utf8");
    });
    child.on("error", (e: NodeJS.ErrnoException) =>
      finish(() =>
        reject(
          new Error(
            e.code === "ENOENT"
              ? `"${bin}" was not found (set openclaw.bin in config.json5, or put openclaw on PATH)`
              : e.message,
          ),
        ),
      ),
    );
    // "exit", not "close": a helper left behind may keep the pipes open; what was printed is in.
    child.on("exit", (code, signal) =>
      setImmediate(() =>
        finish(() => {
          if (code === 0) return resolve(stdout);
          const last = stderr.trim().split("\n").at(-1);
          reject(new Error(last || (signal ? `killed by ${signal}` : `exit ${code}`)));
        }),
      ),
    );
  });
}

/**
 * `openclaw gateway call sessions.list`, else `openclaw sessions`: the first that answers, all
 * within `budgetMs` together.
 */
export async function listViaCli(
  bin: string,
  env: NodeJS.ProcessEnv,
  budgetMs: number = CLI_BUDGET_MS,
): Promise<SourceResult[]> {
  const deadline = Date.now() + budgetMs;
  const attempts: [SourceResult["source"], string[]][] = [
    [
      "gateway-rpc",
      ["gateway", "call", "sessions.list", "--params", JSON.stringify({ limit: LIST_LIMIT }), "--json"],
    ],
    ["openclaw-cli", ["sessions", "--json"]],
  ];
  const results: SourceResult[] = [];
  for (const [source, args] of attempts) {
    const what = `openclaw ${args.slice(0, 3).join(" ")}`;
    const left = deadline - Date.now();
    if (left < Math.min(MIN_CLI_MS, budgetMs / 2)) {
      results.push({
        source,
        rows: [],
        problem: `${what}: not tried (the ${seconds(budgetMs)} for CLI lookups is spent)`,
      });
      break;
    }
    try {
      const rows = rowsOf(parseCliJson(await runCli(bin, args, env, left)));
      results.push({ source, rows, problem: null });
      if (rows.some((r) => r.to !== null)) break; // routing found: no need for the next
    } catch (e) {
      results.push({ source, rows: [], problem: `${what}: ${errorMessage(e)}` });
      if (errorMessage(e).includes("was not found")) break;
    }
  }
  return results;
}
