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
  it("a drain asked for while another is reading also reads what was written after that one saw the end", async () => {
    const p = file();
    appendFileSync(p, "a\n");
    const tail = new LineTail(p, 0);
    const got: string[] = [];
    await tail.drain((l) => got.push(l)); // opens the file
    // The agent writes its last lines just after the in-flight read found the end of the file, and
    // the run's end asks for a drain at that moment (before the first one has returned).
    const fh = (tail as unknown as { fh: { read: (...a: unknown[]) => Promise<{ bytesRead: number }> } }).fh;
    const read = fh.read.bind(fh);
    let second: Promise<number> | null = null;
    fh.read = async (...args: unknown[]) => {
      const r = await read(...args);
      if (r.bytesRead === 0 && !second) {
        appendFileSync(p, "last\n");
        second = tail.drain((l) => got.push(l));
      }
      return r;
    };
    appendFileSync(p, "b\n");
    await tail.drain((l) => got.push(l));
    await second;
    expect(got).toEqual(["a", "b", "last"]);
    await tail.close();
  });

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
