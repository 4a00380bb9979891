/**
 * One timed pass over a transcript, in a fresh process: `bare` (readline + JSON.parse per line),
 * `cctask` (LineTail.drain + parseLine + fold per line, as the supervisor does it) or `parse`
 * (LineTail.drain + JSON.parse only: what fold and parseLine add on top of JSON.parse).
 * Prints one JSON object: { mode, ms, lines, ..., maxRssMb }.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { importDist } from "./lib/dist.mjs";

const { emptyProgress, fold } = await importDist("agents/claude/fold.js");
const { parseLine } = await importDist("agents/claude/parse.js");
const { LineTail } = await importDist("line-tail.js");

function bare(file) {
  return new Promise((resolve, reject) => {
    let lines = 0;
    let typed = 0;
    const input = createReadStream(file);
    input.on("error", reject);
    const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    rl.on("line", (line) => {
      if (!line) return;
      lines++;
      try {
        if (typeof JSON.parse(line).type === "string") typed++;
      } catch {
        // counted as a line, like cctask's malformed lines
      }
    });
    rl.on("close", () => resolve({ lines, typed }));
  });
}

async function cctask(file) {
  const tail = new LineTail(file, 0);
  let p = emptyProgress();
  let lines = 0;
  await tail.drain((line) => {
    p = fold(p, parseLine(line), Date.now());
    lines++;
  });
  await tail.close();
  return {
    lines,
    eventCount: p.eventCount,
    toolCalls: p.toolCalls,
    tokens: p.tokens,
    results: p.results.length,
    malformedLines: p.malformedLines,
    unknownEvents: p.unknownEvents,
  };
}

async function parseOnly(file) {
  const tail = new LineTail(file, 0);
  let lines = 0;
  await tail.drain((line) => {
    try {
      if (typeof JSON.parse(line).type === "string") lines++;
    } catch {
      lines++;
    }
  });
  await tail.close();
  return { lines };
}

const MODES = { bare, cctask, parse: parseOnly };
const [mode, file] = process.argv.slice(2);
const t0 = performance.now();
const out = await MODES[mode](file);
const ms = performance.now() - t0;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ mode, ms, ...out, maxRssMb })}\n`);
