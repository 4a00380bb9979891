#!/usr/bin/env node
/**
 * The second half of `npm run build`, after tsc (which type-checks and emits dist/modules/, module
 * by module, for the tests and benchmarks): bundles what runs.
 *
 *   dist/cli.js     the `cctask` bin: every command, in one file (a command's code is evaluated
 *                   only when that command runs)
 *   dist/daemon.js  the daemon, with zod and json5 in it; only a daemon process loads it
 *
 * Both are CommonJS (dist/package.json says so): Node starts a CommonJS entry point without its
 * ES module loader, which costs about as much CPU as the rest of a `cctask run`. better-sqlite3
 * (native) stays a package; so do, for the CLI, zod and json5 (loaded only to read a
 * config.json5 that others can read) and the MCP SDK (loaded only by `cctask mcp`, whose server
 * is in cli.js: one copy of the error classes it tells apart). Source maps sit beside each bundle.
 */
import { chmodSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const DIST = join(ROOT, "dist");

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20.11",
  // import() of a bundled file becomes a require(): no ES module loader at run time
  supported: { "dynamic-import": false },
  // import.meta does not exist in CommonJS: src/install-paths.ts reads its own file's URL
  define: { "import.meta.url": "__cctaskModuleUrl" },
  banner: { js: '"use strict";\nvar __cctaskModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  sourcemap: true,
  sourcesContent: false,
  logLevel: "warning",
};

/** The parts cli.ts loads on demand, each its own bundle beside cli.js: cli.ts's import → bundle. */
const PARTS = {
  "./daemon/main.js": { entry: "src/daemon/main.ts", bundle: "daemon.js" },
};
const partsBesideCli = {
  name: "parts-beside-cli",
  setup(b) {
    b.onResolve({ filter: /^\.\/daemon\/main\.js$/ }, (args) => ({
      path: `./${PARTS[args.path].bundle}`,
      external: true,
    }));
  },
};

// dist/ holds tsc's modules/ and what this script writes: nothing from an earlier layout stays
for (const name of readdirSync(DIST)) if (name !== "modules") rmSync(join(DIST, name), { recursive: true });
writeFileSync(join(DIST, "package.json"), `${JSON.stringify({ type: "commonjs" })}\n`);
writeFileSync(join(DIST, "modules", "package.json"), `${JSON.stringify({ type: "module" })}\n`);
await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: join(DIST, "cli.js"),
  external: ["better-sqlite3", "zod", "json5", "@modelcontextprotocol/sdk"],
  plugins: [partsBesideCli],
});
for (const { entry, bundle } of Object.values(PARTS))
  await build({ ...common, entryPoints: [entry], outfile: join(DIST, bundle), external: ["better-sqlite3"] });
chmodSync(join(DIST, "cli.js"), 0o755);
