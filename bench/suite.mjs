/**
 * The measurements of bench/RESULTS.md, one after another, in temp dirs. Raw figures are
 * appended to bench/data/results.jsonl. BENCH_QUICK=1: a small version of each, written to
 * bench/data/RESULTS.quick.md instead. runSection(name) measures one section alone and replaces
 * only that section of the file.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { benchFinalLatency, benchStorm } from "./delivery.mjs";
import { benchLaunch } from "./launch.mjs";
import { benchLaunchOriginal } from "./launch-original.mjs";
import { machine } from "./lib/machine.mjs";
import { cleanupAll, runNode } from "./lib/sandbox.mjs";
import { ensureTranscript } from "./lib/transcript.mjs";
import { benchMcp, MCP_HEADING, mcpSection } from "./mcp.mjs";
import { benchMemory } from "./memory.mjs";
import { benchRecovery } from "./recovery.mjs";
import { renderReport } from "./report.mjs";
import { LAUNCH_ORIGINAL_HEADING, launchOriginalSection } from "./report-launch-original.mjs";
import { benchScale } from "./scale.mjs";
import { benchThroughput } from "./throughput.mjs";

const HERE = import.meta.dirname;
const DATA = join(HERE, "data");
const MiB = 1024 * 1024;
const quick = process.env.BENCH_QUICK === "1";
const size = quick ? { big: 20, small: 2 } : { big: 200, small: 20 };

const log = (msg) => process.stdout.write(`${msg}\n`);
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    log(`${sig}: cleaning up`);
    cleanupAll().finally(() => process.exit(130));
  });
}

/** RESULTS.md is checked by `biome check bench`: give it the project's markdown format. */
async function formatMarkdown(path) {
  const biome = resolve(HERE, "../node_modules/@biomejs/biome/bin/biome");
  const r = await runNode([biome, "format", "--write", path], { env: process.env });
  if (r.code !== 0) log(`biome format ${path} failed (exit ${r.code}): ${r.stderr}`);
}

async function foldedToolCalls(path) {
  const r = await runNode([join(HERE, "throughput-worker.mjs"), "cctask", path], { env: process.env });
  return JSON.parse(r.stdout).toolCalls;
}

async function main() {
  const t0 = Date.now();
  const load = [];
  const big = ensureTranscript(join(DATA, `transcript-${size.big}MiB.jsonl`), size.big * MiB);
  const small = ensureTranscript(join(DATA, `transcript-${size.small}MiB.jsonl`), size.small * MiB);

  log(`1a/1b. throughput over ${(big.bytes / 1e6).toFixed(0)} MB`);
  load.push(loadavg()[0]);
  const throughput = await benchThroughput({ transcript: big, rounds: 3, log });

  log("1c. daemon memory");
  load.push(loadavg()[0]);
  const memory = [];
  for (const t of [small, big]) {
    const m = await benchMemory({ transcript: t });
    memory.push({ ...m, expectedToolCalls: await foldedToolCalls(t.path) });
    log(`  ${(t.bytes / 1e6).toFixed(0)} MB: peak RSS ${m.peakRssMb.toFixed(0)} MB, run ${m.runMs} ms`);
  }

  log("2. launch");
  load.push(loadavg()[0]);
  const launch = await benchLaunch({ iterations: quick ? 5 : 20, log });

  log("3. scale");
  load.push(loadavg()[0]);
  const scale = quick
    ? await benchScale({ runs: 10, emitSeconds: 10, log })
    : await benchScale({ runs: 100, emitSeconds: 60, log });

  log("4a. delivery: final-message latency");
  load.push(loadavg()[0]);
  const latency = await benchFinalLatency({ runs: quick ? 10 : 100, log });
  log(
    `  p95 ${latency.long.total.p95.toFixed(0)} ms (${latency.longRunS} s runs), ${latency.short.total.p95.toFixed(0)} ms (short runs)`,
  );

  log("4b. delivery: 429 storm");
  load.push(loadavg()[0]);
  const storm = await benchStorm({ runs: quick ? 20 : 50, log });

  log("4c. delivery: recovery from 429s, 5xx and an outage");
  load.push(loadavg()[0]);
  const recovery = await benchRecovery({ outageS: quick ? 40 : 180, log });

  log("5. launch next to the original");
  load.push(loadavg()[0]);
  const launchOriginal = await measureLaunchOriginal();

  const delivery = { latency, storm, recovery };
  const results = { machine: machine(), load, throughput, memory, launch, scale, delivery, launchOriginal };
  mkdirSync(DATA, { recursive: true });
  appendFileSync(join(DATA, "results.jsonl"), `${JSON.stringify({ quick, ...results })}\n`);
  const out = quick ? join(DATA, "RESULTS.quick.md") : join(HERE, "RESULTS.md");
  writeFileSync(out, renderReport(results));
  await formatMarkdown(out);
  log(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Section 5, with the load average at its start and end (it is also run alone). */
async function measureLaunchOriginal() {
  const start = loadavg()[0];
  const r = await benchLaunchOriginal({ iterations: quick ? 5 : 20, launches: quick ? 20 : 100, log });
  return { ...r, load: [start, loadavg()[0]] };
}

/** `text` with the section that starts at `heading` (up to the next "## ") replaced, or appended. */
function spliceSection(text, heading, section) {
  const start = text.indexOf(`\n${heading}`);
  if (start < 0) return `${text.trimEnd()}\n\n${section}\n`;
  const next = text.indexOf("\n## ", start + 1);
  return `${text.slice(0, start + 1)}${section}\n${next < 0 ? "" : `\n${text.slice(next + 1)}`}`;
}

const SECTIONS = {
  "launch-vs-original": {
    heading: LAUNCH_ORIGINAL_HEADING,
    async measure() {
      log("5. launch next to the original");
      const launchOriginal = await measureLaunchOriginal();
      return {
        launchOriginal,
        render: (m) => launchOriginalSection(launchOriginal, { machine: m, load: launchOriginal.load }),
      };
    },
  },
  "mcp-vs-shell": {
    heading: MCP_HEADING,
    async measure() {
      log("6. MCP run_task next to cctask run");
      const mcp = await benchMcp({ iterations: quick ? 5 : 20, log });
      return { mcp, render: (m) => mcpSection(mcp, { machine: m }) };
    },
  },
};

export const sectionNames = Object.keys(SECTIONS);

async function runOne(name) {
  const t0 = Date.now();
  const { heading, measure } = SECTIONS[name];
  const { render, ...figures } = await measure();
  const m = machine();
  mkdirSync(DATA, { recursive: true });
  appendFileSync(
    join(DATA, "results.jsonl"),
    `${JSON.stringify({ quick, section: name, machine: m, ...figures })}\n`,
  );
  const out = quick ? join(DATA, "RESULTS.quick.md") : join(HERE, "RESULTS.md");
  const before = existsSync(out) ? readFileSync(out, "utf8") : "# cctask benchmarks\n";
  writeFileSync(out, spliceSection(before, heading, render(m)));
  await formatMarkdown(out);
  log(`wrote section "${name}" of ${out} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Measures one section (see sectionNames) and replaces it in RESULTS.md. */
export async function runSection(name) {
  try {
    await runOne(name);
  } finally {
    await cleanupAll();
  }
}

export async function runSuite() {
  try {
    await main();
  } finally {
    await cleanupAll();
  }
}
