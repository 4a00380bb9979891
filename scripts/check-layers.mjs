#!/usr/bin/env node
/**
 * The layer rule of src/, written down once: which part may import which. Every import in src/
 * (static, type-only, re-export and dynamic) is read with TypeScript's own scanner and checked
 * against LAYERS; an import that is not allowed there fails the check, with the file, the line
 * and the way out. Run by `npm run lint` and by test/unit/architecture/layers.test.ts.
 *
 * Usage: node scripts/check-layers.mjs [SRC_DIR]   (default: the src/ next to this script)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/**
 * Who may import whom. A part is a folder of src/, or one of the top-level files named in
 * TOP_LEVEL; every other top-level file is a shared leaf (types, formatting, logging, the line
 * tail, errors, the state-dir layout), which imports nothing but other shared leaves. Imports
 * inside one part are always allowed. Read each row as "may import".
 */
export const LAYERS = {
  cli: ["commands", "daemon", "mcp", "shared"],
  // The MCP server: another front end over the client, reusing the commands' checks and formats.
  mcp: ["commands", "client", "protocol", "shared"],
  commands: ["client", "protocol", "agents", "notify", "openclaw", "shared"],
  client: ["protocol", "platform", "shared"],
  daemon: ["agents", "notify", "openclaw", "store", "protocol", "platform", "shared"],
  notify: ["openclaw", "store", "protocol", "shared"],
  openclaw: ["store", "shared"],
  store: ["agents", "shared"],
  agents: ["shared"],
  protocol: ["shared"],
  platform: ["shared"],
  shared: [],
};

/** Top-level files that are a part of their own, or belong to one; the rest are shared leaves. */
const TOP_LEVEL = {
  "cli.ts": "cli",
  "client.ts": "client",
  "protocol.ts": "protocol",
  // The daemon's checks of request bodies (zod), apart so that the CLI never loads zod.
  "protocol-schemas.ts": "protocol",
  // How the client starts a daemon that is not running.
  "daemon-start.ts": "client",
  // The CLI side of GET /events.
  "client-events.ts": "client",
};

/**
 * Imports allowed for now by name, each until the move that removes it has landed. The check
 * fails when one of them is no longer there, so none outlives its reason.
 */
export const PENDING = [];

/** The part a file of src/ belongs to (path relative to src/, with "/"). */
export function partOf(file) {
  const slash = file.indexOf("/");
  if (slash !== -1) return file.slice(0, slash);
  return TOP_LEVEL[file] ?? "shared";
}

function listSources(dir, root = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path, root));
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
      out.push(relative(root, path).split(sep).join("/"));
  }
  return out.sort();
}

/** The relative imports of one file: { spec, line } for each, from TypeScript's scanner. */
function importsOf(text) {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .filter((f) => f.fileName.startsWith("."))
    .map((f) => ({ spec: f.fileName, line: text.slice(0, f.pos).split("\n").length }));
}

function resolveImport(srcDir, from, spec) {
  const abs = resolve(srcDir, dirname(from), spec);
  for (const candidate of [abs.replace(/\.js$/, ".ts"), abs.replace(/\.mjs$/, ".mts"), abs]) {
    try {
      if (statSync(candidate).isFile()) return relative(srcDir, candidate).split(sep).join("/");
    } catch {
      // not this one
    }
  }
  return null;
}

/** Parts that can reach themselves through LAYERS (the table itself must point one way). */
export function findTableCycle(layers = LAYERS) {
  const state = new Map();
  const stack = [];
  const visit = (part) => {
    if (state.get(part) === "done") return null;
    if (state.get(part) === "open") return [...stack.slice(stack.indexOf(part)), part];
    state.set(part, "open");
    stack.push(part);
    for (const next of layers[part] ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(part, "done");
    return null;
  };
  for (const part of Object.keys(layers)) {
    const cycle = visit(part);
    if (cycle) return cycle;
  }
  return null;
}

/** Every break of the layer rule in srcDir, as sentences; empty when the rule holds. */
export function checkLayers(srcDir) {
  const problems = [];
  const cycle = findTableCycle();
  if (cycle) problems.push(`the layer table has a cycle: ${cycle.join(" → ")}; LAYERS must point one way`);
  const pendingUsed = new Set();
  for (const file of listSources(srcDir)) {
    const from = partOf(file);
    if (!(from in LAYERS)) {
      problems.push(
        `src/${file}: its folder "${from}" is not in the layer table; add a row for it to LAYERS in scripts/check-layers.mjs`,
      );
      continue;
    }
    for (const { spec, line } of importsOf(readFileSync(join(srcDir, file), "utf8"))) {
      const target = resolveImport(srcDir, file, spec);
      if (target === null) {
        problems.push(`src/${file}:${line}: imports "${spec}", which is no file under src/`);
        continue;
      }
      const to = partOf(target);
      if (to === from || LAYERS[from].includes(to)) continue;
      const pending = PENDING.findIndex((p) => p.from === file && p.to === target);
      if (pending !== -1) {
        pendingUsed.add(pending);
        continue;
      }
      const allowed = LAYERS[from].length > 0 ? LAYERS[from].join(", ") : "nothing but other shared leaves";
      problems.push(
        `src/${file}:${line}: imports src/${target}, but ${from} may not import ${to} (${from} may import: ${allowed}). ` +
          "Move what both need into a shared leaf (a top-level file of src/) or a part below both, or pass it in from above.",
      );
    }
  }
  PENDING.forEach((p, i) => {
    if (!pendingUsed.has(i))
      problems.push(
        `the pending exception src/${p.from} → src/${p.to} is no longer used; delete it from PENDING in scripts/check-layers.mjs`,
      );
  });
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "src"));
  const problems = checkLayers(srcDir);
  for (const p of problems) console.error(p);
  if (problems.length > 0) {
    console.error(`layer check: ${problems.length} problem(s) in ${srcDir}`);
    process.exit(1);
  }
  console.log(`layer check: every import in ${srcDir} points down the layer table`);
}
