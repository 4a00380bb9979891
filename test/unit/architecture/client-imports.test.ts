/**
 * The CLI's way to the daemon loads little: from client.ts, the modules loaded at start-up (static
 * imports that survive compilation; type-only ones vanish, dynamic ones load later) include no
 * package, and not the protocol: the client takes only its types. The zod checks of request
 * bodies live in protocol-schemas.ts, which only the daemon loads.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../helpers/cctask.js";

const SRC = join(ROOT, "src");

/** The files and packages loaded when `entry` is, following static imports after type erasure. */
function loadedBy(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const js = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    for (const m of js.matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"|^import\s+"([^"]+)"/gms)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!spec.startsWith("node:")) packages.add(spec);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files].map((f) => relative(SRC, f)).sort(), packages: [...packages].sort() };
}

describe("the client's start-up imports", () => {
  it("load neither the protocol nor zod", () => {
    const loaded = loadedBy("client.ts");
    expect(loaded.files).toContain("client-events.ts");
    expect(loaded.files).not.toContain("protocol.ts");
    expect(loaded.files).not.toContain("protocol-schemas.ts");
    expect(loaded.packages).toEqual([]);
  });

  it("are found: the daemon's API does load the schemas and zod", () => {
    const loaded = loadedBy("daemon/api.ts");
    expect(loaded.files).toContain("protocol-schemas.ts");
    expect(loaded.packages).toContain("zod");
  });
});
