import { describe, expect, it } from "vitest";
import { findRequestId, LineGuard, type RequestId } from "../../../src/mcp/line-guard.js";

function feed(max: number, chunks: string[]): { lines: string[]; oversized: [number, RequestId | null][] } {
  const lines: string[] = [];
  const oversized: [number, RequestId | null][] = [];
  const g = new LineGuard(max, (bytes, id) => oversized.push([bytes, id]));
  g.on("data", (b: Buffer) => lines.push(b.toString()));
  for (const c of chunks) g.write(Buffer.from(c));
  g.end();
  return { lines, oversized };
}

describe("the MCP line guard", () => {
  it("hands on whole lines one at a time, however the input is cut", () => {
    const { lines, oversized } = feed(20, ['{"a":1}\n{"b"', ':2}\n{"c":3}\n{"d"']);
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n', '{"d"\n']);
    expect(oversized).toEqual([]);
  });

  it("drops a line over the limit, with its length and id, and goes on", () => {
    const long = `{"method":"tools/call","params":{"x":"${"y".repeat(50)}"},"jsonrpc":"2.0","id":7}`;
    const { lines, oversized } = feed(40, ['{"a":1}\n', long.slice(0, 30), `${long.slice(30)}\n{"b":2}\n`]);
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n']);
    expect(oversized).toEqual([[long.length, 7]]);
  });

  it("finds the id at either end of a request, and none where there is none", () => {
    expect(findRequestId('{"jsonrpc":"2.0","id":"a\\"b","method"', "")).toBe('a"b');
    expect(findRequestId('{"id":3,"jsonrpc":"2.0"', "")).toBe(3);
    expect(findRequestId('{"method":"x"', ',"jsonrpc":"2.0","id":12}\r')).toBe(12);
    expect(findRequestId('{"method":"x"', ',"params":{"id":5}}')).toBeNull();
    expect(findRequestId('{"method":"x"', ',"params":{"a":1}}')).toBeNull();
  });
});
