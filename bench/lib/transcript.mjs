/**
 * A large stream-json transcript: the real recorded transcripts, concatenated over and over.
 * Message, tool and task ids get a per-copy suffix so that fold's dedupe sees new ids, as in a
 * real long run, instead of skipping repeats.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "./dist.mjs";

const FIXTURES = join(ROOT, "test/fixtures/transcripts");
const FLUSH_BYTES = 8 * 1024 * 1024;

/** One copy of every recorded transcript, plain.jsonl last (so the stream ends in a success). */
function baseText() {
  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".jsonl"))
    .sort((a, b) => Number(a === "plain.jsonl") - Number(b === "plain.jsonl") || a.localeCompare(b));
  return files.map((f) => `${readFileSync(join(FIXTURES, f), "utf8").trimEnd()}\n`).join("");
}

/** Writes (or reuses) a transcript of at least `minBytes` at `path`. */
export function ensureTranscript(path, minBytes) {
  const base = baseText();
  const linesPerCopy = base.split("\n").filter(Boolean).length;
  const copySize = Buffer.byteLength(base);
  const copies = Math.ceil(minBytes / copySize);
  const info = { path, copies, lines: copies * linesPerCopy };
  try {
    const size = statSync(path).size;
    if (size >= minBytes) return { ...info, bytes: size };
  } catch {
    // not generated yet
  }
  const taskIds = [...new Set([...base.matchAll(/"task_id":"([^"]+)"/g)].map((m) => m[1]))];
  const ids = new RegExp(["msg_fake_", "toolu_fake_", ...taskIds].join("|"), "g");
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  let bytes = 0;
  let pending = [];
  let pendingBytes = 0;
  for (let k = 0; k < copies; k++) {
    const copy = base.replace(ids, (m) => `${m}c${k}_`);
    pending.push(copy);
    pendingBytes += copy.length;
    if (pendingBytes >= FLUSH_BYTES || k === copies - 1) {
      bytes += writeSync(fd, pending.join(""));
      pending = [];
      pendingBytes = 0;
    }
  }
  closeSync(fd);
  renameSync(tmp, path);
  return { ...info, bytes };
}
