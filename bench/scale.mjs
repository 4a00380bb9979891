/**
 * Benchmark 3: many concurrent replay runs emitting events; the daemon's RSS and CPU, and the
 * delay from an event being written to its effect in the API, seen by a few probe runs.
 */
import { readFileSync } from "node:fs";
import { CLK_TCK, cpuTicks, memOf, sampleProcess, windowOf } from "./lib/proc.mjs";
import { createSandbox, waitEnded } from "./lib/sandbox.mjs";
import { pool, sleep, summarize } from "./lib/stats.mjs";
import { pollFor, probeRun } from "./probe.mjs";

const OVERHEAD_MS = 5000;

function countToolUses(path) {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.includes('"type":"tool_use"')).length;
}

function countBy(values) {
  const counts = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

function rssStats(w) {
  const mb = w.samples.map((s) => s.rssKb / 1024);
  return { peak: Math.max(...mb), mean: mb.reduce((a, b) => a + b, 0) / mb.length };
}

export async function benchScale({
  runs = 100,
  emitSeconds = 60,
  intervalMs = 250,
  probes = 3,
  concurrency = 10,
  log,
}) {
  const sb = createSandbox("scale", { maxConcurrent: runs });
  try {
    const pid = await sb.startDaemon();
    await sleep(500);
    const idleRssMb = memOf(pid).rssKb / 1024;
    const sampler = sampleProcess(pid, 50);
    const task = `REPLAY_EMIT_FOR_S=${emitSeconds} REPLAY_INTERVAL_MS=${intervalMs} REPLAY_STAMP=1`;
    const probeAt = new Set(
      Array.from({ length: probes }, (_, k) => Math.round((k * (runs - 1)) / (probes - 1))),
    );
    const receipts = [];
    const launchMs = [];
    const probing = [];
    const t0 = Date.now();
    await pool(runs, concurrency, async (i) => {
      const r = await sb.json(["run", "--task", task, "--project", sb.project]);
      if (r.code !== 0) throw new Error(`cctask run #${i} exited ${r.code}: ${r.stdout}${r.stderr}`);
      receipts[i] = r.value;
      launchMs[i] = r.ms;
      if (probeAt.has(i)) probing.push(probeRun(sb.client, r.value.id));
    });
    const tLaunched = Date.now();
    log(`  ${runs} runs launched in ${((tLaunched - t0) / 1000).toFixed(1)} s; waiting for them to end`);
    const finals = await Promise.all(receipts.map((v) => waitEnded(sb.client, v.id)));
    const tEnded = Date.now();
    const probed = await Promise.all(probing);
    const ticks0 = cpuTicks(pid);
    const requests = await pollFor(sb.client, [...probed.map((p) => p.id)], OVERHEAD_MS);
    const probeCpuPct = ((cpuTicks(pid) - ticks0) / CLK_TCK / (OVERHEAD_MS / 1000)) * 100;
    const samples = sampler.stop();

    const firstEnd = Math.min(...finals.map((v) => Date.parse(v.endedAt)));
    const steady = windowOf(samples, tLaunched, firstEnd);
    const whole = windowOf(samples, t0, tEnded);
    const launching = windowOf(samples, t0, tLaunched);
    const tenS = Math.min(10_000, (firstEnd - tLaunched) / 3);
    const early = rssStats(windowOf(samples, tLaunched, tLaunched + tenS));
    const late = rssStats(windowOf(samples, firstEnd - tenS, firstEnd));
    const seen = probed.flatMap((p) => p.seen);
    const mismatched = finals.filter((v) => v.toolCalls !== countToolUses(v.files.events));
    return {
      runs,
      emitSeconds,
      intervalMs,
      concurrency,
      launch: { totalS: (tLaunched - t0) / 1000, perCall: summarize(launchMs), cpuPct: launching.cpuPct },
      receipts: { running: receipts.filter((v) => v.state === "running" && v.pid !== null).length },
      states: countBy(finals.map((v) => v.state)),
      toolCalls: summarize(finals.map((v) => v.toolCalls)),
      toolCallMismatches: mismatched.map((v) => v.id),
      idleRssMb,
      steady: { seconds: steady.seconds, cpuPct: steady.cpuPct, rss: rssStats(steady) },
      whole: { seconds: whole.seconds, cpuPct: whole.cpuPct, rss: rssStats(whole) },
      rssDrift: { earlyMeanMb: early.mean, lateMeanMb: late.mean, windowS: tenS / 1000 },
      endRssMb: memOf(pid).rssKb / 1024,
      latency: summarize(seen.map(([, ms]) => ms)),
      latencyAllRunning: summarize(seen.filter(([t]) => t >= tLaunched && t <= firstEnd).map(([, ms]) => ms)),
      pollInterval: summarize(probed.flatMap((p) => p.intervals)),
      probes: probed.map((p) => ({ id: p.id, seen: p.seen.length, toolCalls: p.toolCalls })),
      probeOverhead: {
        cpuPct: probeCpuPct,
        requestsPerS: requests / (OVERHEAD_MS / 1000),
        seconds: OVERHEAD_MS / 1000,
      },
    };
  } finally {
    await sb.cleanup();
  }
}
