/**
 * The project's TypeScript fakes (test/fakes/*.ts), for benchmarks that run on plain Node: each
 * file is transpiled (types stripped, nothing checked) into a temp dir and imported from there, so
 * the benchmarks drive the same fake Anthropic API and offline claude environment as the e2e tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { ROOT } from "./dist.mjs";

const FAKES = join(ROOT, "test/fakes");

/** Transpiles `names` (without .ts) from test/fakes; import(name) loads one; remove() deletes them. */
export function loadTsFakes(names) {
  const dir = mkdtempSync(join(tmpdir(), "cctask-bench-fakes-"));
  for (const name of names) {
    const source = readFileSync(join(FAKES, `${name}.ts`), "utf8");
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: `${name}.ts`,
    });
    writeFileSync(join(dir, `${name}.js`), out.outputText);
  }
  return {
    import: (name) => import(pathToFileURL(join(dir, `${name}.js`)).href),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The fake Anthropic Messages API (test/fakes/anthropic-api.ts) and offlineClaudeEnv (claude-env.ts). */
export async function loadClaudeFakes() {
  const fakes = loadTsFakes([
    "anthropic-api",
    "anthropic-reply",
    "anthropic-request",
    "anthropic-scenarios",
    "claude-env",
  ]);
  const { startFakeAnthropic } = await fakes.import("anthropic-api");
  const { offlineClaudeEnv } = await fakes.import("claude-env");
  return { startFakeAnthropic, offlineClaudeEnv, remove: fakes.remove };
}
