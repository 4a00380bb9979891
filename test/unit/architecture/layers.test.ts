import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkLayers, findTableCycle, LAYERS } from "../../../scripts/check-layers.mjs";
import { ROOT } from "../../helpers/cctask.js";

const SCRIPT = join(ROOT, "scripts/check-layers.mjs");
const SRC = join(ROOT, "src");

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs the check as `npm run lint` does, on srcDir. */
function check(srcDir: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [SCRIPT, srcDir], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A copy of src/ with one file changed (or added), to check without touching the tree. */
function srcWith(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "cctask-layers-"));
  dirs.push(dir);
  const copy = join(dir, "src");
  cpSync(SRC, copy, { recursive: true });
  const path = join(copy, file);
  mkdirSync(dirname(path), { recursive: true });
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    // a new file
  }
  writeFileSync(path, edit(text));
  return copy;
}

const prepend = (line: string) => (text: string) => `${line}\n${text}`;

describe("the layer rule (scripts/check-layers.mjs)", () => {
  it("holds for src/: every import points down the layer table", () => {
    const r = check(SRC);
    expect(r.err).toBe("");
    expect(r.out).toBe(`layer check: every import in ${SRC} points down the layer table\n`);
    expect(r.code).toBe(0);
  });

  it("fails on an upward import, naming the file, the line, the rule and the way out", () => {
    const copy = srcWith(
      "notify/messages.ts",
      prepend('import { stateLabel } from "../commands/format.js";'),
    );
    const r = check(copy);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "src/notify/messages.ts:1: imports src/commands/format.ts, but notify may not import commands " +
        "(notify may import: openclaw, store, protocol, shared). Move what both need into a shared leaf " +
        "(a top-level file of src/) or a part below both, or pass it in from above.\n" +
        `layer check: 1 problem(s) in ${copy}\n`,
    );
  });

  it("counts type-only, re-exported and dynamic imports as well", () => {
    const copy = srcWith(
      "store/db.ts",
      prepend(
        [
          'import type { Channel } from "../notify/channel.js";',
          'export type { RunView } from "../protocol.js";',
          'const later = () => import("../daemon/main.js");',
        ].join("\n"),
      ),
    );
    expect(checkLayers(copy).map((l) => l.replace(/ \(store may import.*$/, ""))).toEqual([
      "src/store/db.ts:1: imports src/notify/channel.ts, but store may not import notify",
      "src/store/db.ts:2: imports src/protocol.ts, but store may not import protocol",
      "src/store/db.ts:3: imports src/daemon/main.ts, but store may not import daemon",
    ]);
  });

  it("keeps shared leaves at the bottom: a top-level file may not import a folder", () => {
    const copy = srcWith("text.ts", prepend('import type { Db } from "./store/db.js";'));
    expect(checkLayers(copy)).toEqual([
      "src/text.ts:1: imports src/store/db.ts, but shared may not import store (shared may import: " +
        "nothing but other shared leaves). Move what both need into a shared leaf (a top-level file of src/) " +
        "or a part below both, or pass it in from above.",
    ]);
  });

  it("refuses a folder the table does not place, and an import of no file", () => {
    const copy = srcWith("gui/server.ts", () => 'import { nothing } from "../nowhere.js";\nexport {};\n');
    expect(checkLayers(copy)).toEqual([
      'src/gui/server.ts: its folder "gui" is not in the layer table; add a row for it to LAYERS in scripts/check-layers.mjs',
    ]);
    const copy2 = srcWith("daemon/x.ts", () => 'import { nothing } from "../nowhere.js";\n');
    expect(checkLayers(copy2)).toEqual([
      'src/daemon/x.ts:1: imports "../nowhere.js", which is no file under src/',
    ]);
  });

  it("has a table that points one way, and finds a cycle in one that does not", () => {
    expect(findTableCycle()).toBeNull();
    expect(findTableCycle({ ...LAYERS, store: ["agents", "notify", "shared"] })).toEqual([
      "notify",
      "openclaw",
      "store",
      "notify",
    ]);
  });
});
