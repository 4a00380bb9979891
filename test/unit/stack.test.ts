import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readableStack } from "../../src/stack.js";

const dir = mkdtempSync(join(tmpdir(), "cctask-stack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bundle whose line 3, column 5 comes from line 10, column 7 of src/daemon/main.ts. */
function bundleWithMap(name: string, map: string): string {
  mkdirSync(join(dir, "dist"), { recursive: true });
  const file = join(dir, "dist", name);
  writeFileSync(file, "// a bundle\n");
  writeFileSync(`${file}.map`, map);
  return file;
}

const MAP = JSON.stringify({ version: 3, sources: ["../src/daemon/main.ts"], names: [], mappings: ";;IASM" });

function errorAt(frames: string[]): Error {
  const e = new Error("boom");
  e.stack = ["Error: boom", ...frames.map((f) => `    at ${f}`)].join("\n");
  return e;
}

describe("readableStack", () => {
  it("names the source line of a frame in a bundle with a map beside it", () => {
    const file = bundleWithMap("daemon.js", MAP);
    const stack = readableStack(errorAt([`runDaemon (${file}:3:5)`, `${file}:3:5`]));
    const src = join(dir, "src", "daemon", "main.ts");
    expect(stack).toBe(`Error: boom\n    at runDaemon (${src}:10:7)\n    at ${src}:10:7`);
  });

  it("leaves frames alone where there is no map, or a broken one", () => {
    const broken = bundleWithMap("broken.js", "{ not json");
    const frames = [`f (${broken}:3:5)`, `g (${join(dir, "none.js")}:1:1)`, "h (node:internal/x:1:1)"];
    expect(readableStack(errorAt(frames))).toBe(errorAt(frames).stack);
  });

  it("writes what is not an Error as text", () => {
    expect(readableStack("plain words")).toBe("plain words");
  });
});
