/**
 * An error's stack as a reader wants it: frames in the bundles (dist/cli.js, dist/daemon.js) name
 * the source file, line and column (src/…), from the source map beside the bundle. Node could do
 * this itself (--enable-source-maps) but would read and parse the maps at every start; here a map
 * is read only when a stack is written, which is rare.
 */
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";

const FRAME = /(\/[^\s():]+\.js):(\d+):(\d+)/g;
const maps = new Map<string, SourceMap | null>();

export function readableStack(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const stack = e.stack ?? e.message;
  try {
    return stack.replace(FRAME, (frame, file: string, line: string, column: string) => {
      const found = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
      if (!found || !("originalSource" in found)) return frame;
      return `${resolve(dirname(file), found.originalSource)}:${found.originalLine + 1}:${found.originalColumn + 1}`;
    });
  } catch {
    return stack; // a broken map must not hide the error
  }
}

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = null; // no map beside this file: its frames stay as they are
    }
    maps.set(file, map);
  }
  return map;
}
