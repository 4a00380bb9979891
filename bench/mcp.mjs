/**
 * MCP run_task next to `cctask run` from a shell, with a warm daemon and the replay claude: the
 * time from the tool call to its structured result naming a live PID, and from spawning
 * `cctask run --json` to its receipt (process exit) naming a live PID. Also what a client pays
 * once: starting `cctask mcp` and the MCP handshake. Each run ends before the next starts.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { isAlive } from "./lib/proc.mjs";
import { CLI, createSandbox, waitEnded } from "./lib/sandbox.mjs";
import { fmt, summarize } from "./lib/stats.mjs";

export const MCP_HEADING = "## 6. MCP run_task next to cctask run";
const WARMUP = 2;
const TASK = "REPLAY_RESULT=x";

function checkLive(v, how) {
  if (v.state !== "running" || !(v.pid > 0) || !isAlive(v.pid))
    throw new Error(`${how}: no live PID in ${JSON.stringify(v)}`);
}

async function startMcp(sb) {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp"],
    env: sb.env,
    cwd: sb.root,
    stderr: "ignore",
  });
  const client = new Client({ name: "cctask-bench", version: "0" });
  await client.connect(transport);
  return { client, pid: transport.pid, ms: performance.now() - t0 };
}

async function timeMcp(sb, client, n) {
  const ms = [];
  for (let i = -WARMUP; i < n; i++) {
    const t0 = performance.now();
    const r = await client.callTool({ name: "run_task", arguments: { task: TASK, project: sb.project } });
    const took = performance.now() - t0;
    if (r.isError) throw new Error(`run_task failed: ${JSON.stringify(r.content)}`);
    checkLive(r.structuredContent, "run_task");
    if (i >= 0) ms.push(took);
    await waitEnded(sb.client, r.structuredContent.runId);
  }
  return ms;
}

async function timeShell(sb, n) {
  const ms = [];
  for (let i = -WARMUP; i < n; i++) {
    const r = await sb.json(["run", "--task", TASK, "--project", sb.project]);
    if (r.code !== 0) throw new Error(`cctask run exited ${r.code}: ${r.stderr}`);
    checkLive(r.value, "cctask run");
    if (i >= 0) ms.push(r.ms);
    await waitEnded(sb.client, r.value.id);
  }
  return ms;
}

export async function benchMcp({ iterations = 20, log }) {
  const sb = createSandbox("mcp");
  let mcp = null;
  try {
    await sb.startDaemon();
    const startMs = [];
    for (let i = 0; i < Math.min(iterations, 5); i++) {
      const s = await startMcp(sb);
      startMs.push(s.ms);
      await s.client.close();
    }
    log("  cctask mcp start-up and handshake timed");
    mcp = await startMcp(sb);
    const mcpMs = await timeMcp(sb, mcp.client, iterations);
    log("  MCP run_task round trips timed");
    const shellMs = await timeShell(sb, iterations);
    log("  cctask run from a shell timed");
    return {
      iterations,
      mcpStart: summarize(startMs),
      mcp: summarize(mcpMs),
      shell: summarize(shellMs),
    };
  } finally {
    if (mcp) {
      await mcp.client.close().catch(() => undefined);
      if (mcp.pid && isAlive(mcp.pid)) process.kill(mcp.pid, "SIGKILL");
    }
    await sb.cleanup();
  }
}

export function mcpSection(r, { machine }) {
  const row = (what, s) => `| ${what} | ${s.n} | ${fmt(s.p50, 0)} | ${fmt(s.p95, 0)} |`;
  return [
    MCP_HEADING,
    "",
    `Warm daemon, replay claude, ${machine.cores} cores; milliseconds. Each launch ends before the next.`,
    "",
    "| What | n | p50 | p95 |",
    "| --- | --- | --- | --- |",
    row("MCP `run_task`: tool call → structured result with a live PID (server running)", r.mcp),
    row("`cctask run --json` from a shell: spawn → receipt with a live PID", r.shell),
    row("once per client: start `cctask mcp` and the MCP handshake", r.mcpStart),
  ].join("\n");
}
