/**
 * Which compiled cctask the benchmarks use. run.mjs snapshots dist/ into a temp dir first (with
 * package.json and a node_modules link) and points CCTASK_BENCH_DIST at it, so that another
 * `npm run build` in this checkout cannot change the code under a running benchmark.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export const ROOT = resolve(import.meta.dirname, "../..");
export let DIST = process.env.CCTASK_BENCH_DIST || join(ROOT, "dist");

export function importDist(rel) {
  return import(pathToFileURL(join(DIST, "modules", rel)).href); // tsc's per-module output
}

/** Copies dist/ to a temp dir and uses it from now on, here and in child processes. */
export function snapshotDist() {
  const root = mkdtempSync(join(tmpdir(), "cctask-bench-dist-"));
  cpSync(join(ROOT, "dist"), join(root, "dist"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(root, "package.json"));
  symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"));
  DIST = join(root, "dist");
  process.env.CCTASK_BENCH_DIST = DIST;
  return { dist: DIST, remove: () => rmSync(root, { recursive: true, force: true }) };
}
