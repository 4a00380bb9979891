/**
 * Benchmark 1a/1b: parse + fold throughput against a bare readline + JSON.parse loop, over the
 * same file, each pass in a fresh process, alternating, `rounds` times each. A third pass,
 * LineTail + JSON.parse alone, shows what parseLine + fold cost on top of JSON.parse.
 */
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { runNode } from "./lib/sandbox.mjs";
import { quantile } from "./lib/stats.mjs";

const WORKER = join(import.meta.dirname, "throughput-worker.mjs");

async function pass(mode, file) {
  const r = await runNode([WORKER, mode, file], { env: process.env });
  if (r.code !== 0) throw new Error(`throughput worker (${mode}) exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Reads the file once so every timed pass finds it in the page cache. */
function warmCache(file) {
  return new Promise((resolve, reject) => {
    createReadStream(file)
      .on("data", () => {})
      .on("end", resolve)
      .on("error", reject);
  });
}

function describe(runs, bytes) {
  const mbps = runs.map((r) => bytes / 1e6 / (r.ms / 1000));
  const lps = runs.map((r) => r.lines / (r.ms / 1000));
  return {
    runs,
    bestMBps: Math.max(...mbps),
    medianMBps: quantile(mbps, 0.5),
    bestLinesPerS: Math.max(...lps),
    medianLinesPerS: quantile(lps, 0.5),
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
  };
}

export async function benchThroughput({ transcript, rounds = 3, log }) {
  await warmCache(transcript.path);
  const bare = [];
  const cctask = [];
  const parse = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(await pass("bare", transcript.path));
    cctask.push(await pass("cctask", transcript.path));
    parse.push(await pass("parse", transcript.path));
    const ms = [bare, cctask, parse].map((runs) => runs[i].ms.toFixed(0));
    log(`  round ${i + 1}: bare ${ms[0]} ms, cctask ${ms[1]} ms, LineTail+JSON.parse ${ms[2]} ms`);
  }
  const a = describe(bare, transcript.bytes);
  const b = describe(cctask, transcript.bytes);
  return {
    transcript,
    bare: a,
    cctask: b,
    parse: describe(parse, transcript.bytes),
    ratioBest: b.bestMBps / a.bestMBps,
    ratioMedian: b.medianMBps / a.medianMBps,
    folded: cctask[cctask.length - 1],
  };
}
