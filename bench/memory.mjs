/**
 * Benchmark 1c: a transcript fed through the real daemon by the replay claude. Samples the
 * daemon's RSS every 50 ms from before the run until `cctask wait` returns.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { CLK_TCK, memOf, sampleProcess } from "./lib/proc.mjs";
import { createSandbox } from "./lib/sandbox.mjs";
import { sleep } from "./lib/stats.mjs";

export async function benchMemory({ transcript }) {
  const sb = createSandbox("mem");
  try {
    const pid = await sb.startDaemon();
    await sleep(500);
    const idleRssKb = memOf(pid).rssKb;
    const sampler = sampleProcess(pid, 50);
    const t0 = Date.now();
    const run = await sb.json(["run", "--task", `REPLAY_FILE=${transcript.path}`, "--project", sb.project]);
    if (run.code !== 0) throw new Error(`cctask run exited ${run.code}: ${run.stdout}${run.stderr}`);
    const done = await sb.json(["wait", run.value.id], { timeoutMs: 300_000 });
    const t1 = Date.now();
    const samples = sampler.stop();
    const mem = memOf(pid);
    const v = done.value;
    const started = Date.parse(v.startedAt);
    const ended = Date.parse(v.endedAt);
    const writerDone = statSync(join(v.files.dir, "exit")).mtimeMs;
    const cpuSeconds = (samples[samples.length - 1].ticks - samples[0].ticks) / CLK_TCK;
    return {
      transcript,
      cpuSeconds,
      costUsd: v.costUsd,
      eventsBytes: statSync(v.files.events).size,
      state: v.state,
      toolCalls: v.toolCalls,
      tokens: v.tokens,
      idleRssMb: idleRssKb / 1024,
      peakRssMb: Math.max(...samples.map((s) => s.rssKb)) / 1024,
      hwmMb: mem.hwmKb / 1024,
      endRssMb: mem.rssKb / 1024,
      samples: samples.length,
      wallMs: t1 - t0,
      runMs: ended - started,
      writerMs: writerDone - started,
      lagMs: ended - writerDone,
    };
  } finally {
    await sb.cleanup();
  }
}
