/**
 * Benchmark 2: wall time of `cctask run ... --json` from spawn to exit (the receipt), with a
 * warm daemon and with none running, next to `node -e 0` and the replay claude's own start-up.
 */
import { CLI, createSandbox, REPLAY, runNode, waitEnded } from "./lib/sandbox.mjs";
import { summarize } from "./lib/stats.mjs";

const WARMUP = 2;

async function timeRuns(sb, n, before) {
  const ms = [];
  for (let i = -WARMUP; i < n; i++) {
    if (before) await before();
    const r = await sb.json(["run", "--task", "REPLAY_RESULT=x", "--project", sb.project]);
    const v = r.value;
    if (r.code !== 0 || v.state === "queued" || v.pid === null)
      throw new Error(`unexpected receipt (exit ${r.code}): ${r.stdout}${r.stderr}`);
    if (i >= 0) ms.push(r.ms);
    await waitEnded(sb.client, v.id); // no overlap with the next launch
  }
  return ms;
}

/** In the sandbox's minimal env, like the CLI: NODE_EXTRA_CA_CERTS alone adds ~30 ms to a node start. */
async function timeNode(sb, args, n) {
  const ms = [];
  for (let i = -WARMUP; i < n; i++) {
    const r = await runNode(args, { env: sb.env, cwd: sb.root });
    if (r.code !== 0) throw new Error(`node ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    if (i >= 0) ms.push(r.ms);
  }
  return ms;
}

export async function benchLaunch({ iterations = 20, log }) {
  const sb = createSandbox("launch");
  try {
    const nodeMs = await timeNode(sb, ["-e", "0"], iterations);
    const replayMs = await timeNode(sb, [REPLAY, "--version"], iterations);
    const cliMs = await timeNode(sb, [CLI, "--help"], iterations);
    log("  node -e 0, replay and CLI start-up timed");
    await sb.startDaemon();
    const warmMs = await timeRuns(sb, iterations);
    log("  warm launches timed");
    let stops = 0;
    const coldMs = await timeRuns(sb, iterations, async () => {
      if (sb.daemonPid() !== null) {
        await sb.stopDaemon(); // throws unless the daemon's pid is gone
        stops++;
      }
    });
    log(`  cold launches timed (${stops} verified daemon stops)`);
    return {
      iterations,
      stops,
      node: summarize(nodeMs),
      replay: summarize(replayMs),
      cli: summarize(cliMs),
      warm: summarize(warmMs),
      cold: summarize(coldMs),
    };
  } finally {
    await sb.cleanup();
  }
}
