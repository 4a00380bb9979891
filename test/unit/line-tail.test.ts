import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LineTail } from "../../src/line-tail.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(): string {
  dir = mkdtempSync(join(tmpdir(), "cctask-tail-"));
  const p = join(dir, "events.jsonl");
  writeFileSync(p, "");
  return p;
}

describe("LineTail", () => {
  it("yields complete lines only, and the offset never passes a partial line", async () => {
    const p = file();
    const tail = new LineTail(p, 0);
    const got: string[] = [];
    appendFileSync(p, 'a\n{"b":1}\n{"c":');
    expect(await tail.drain((l) => got.push(l))).toBe(2);
    expect(got).toEqual(["a", '{"b":1}']);
    expect(tail.offset).toBe(10);
    appendFileSync(p, "2}\n\n");
    await tail.drain((l) => got.push(l));
    expect(got).toEqual(["a", '{"b":1}', '{"c":2}']);
    expect(tail.offset).toBe(19); // the empty line is consumed, not yielded
    await tail.close();
  });

  it("resumes from a stored offset, re-reading a line cut by a restart whole", async () => {
    const p = file();
    appendFileSync(p, "one\ntwo\nthr");
    const first = new LineTail(p, 0);
    await first.drain(() => {});
    await first.close();
    appendFileSync(p, "ee\n");
    const again = new LineTail(p, first.offset);
    const got: string[] = [];
    await again.drain((l) => got.push(l));
    expect(got).toEqual(["three"]);
    await again.close();
  });

  it("handles lines far longer than its buffer, and multi-byte characters across chunks", async () => {
    const p = file();
    const long = `${"é".repeat(400_000)}🚀`; // ~800 KB: several 256 KB chunks
    appendFileSync(p, `${long}\nshort\n`);
    const tail = new LineTail(p, 0);
    const got: string[] = [];
    await tail.drain((l) => got.push(l));
    expect(got).toEqual([long, "short"]);
    await tail.close();
  });

  it("gives back an unterminated last line when asked (the agent died mid-line)", async () => {
    const p = file();
    appendFileSync(p, 'ok\n{"type":"resu');
    const tail = new LineTail(p, 0);
    await tail.drain(() => {});
    expect(tail.takePartial()).toBe('{"type":"resu');
    expect(tail.takePartial()).toBeNull();
    await tail.close();
  });
});
