/**
 * Standard input cut into lines before the SDK's transport sees it. A line over the limit is
 * dropped here, never buffered, and reported with the request id found at either end of it, so
 * the server can answer that one request with an error and go on: the SDK's own read buffer
 * closes the transport when it overflows.
 */
import { Transform, type TransformCallback } from "node:stream";

export type RequestId = string | number;

/** How much of each end of an oversized line is kept to find its id. */
const EDGE_BYTES = 4096;
const ID_VALUE = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
// {"jsonrpc":"2.0","id":7,... as most clients write it, or ...,"jsonrpc":"2.0","id":7} (the TS SDK)
const ID_AT_HEAD = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID_VALUE}`);
const ID_AT_TAIL = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID_VALUE}\s*\}\s*$`);

/** The id of a JSON-RPC request from the two ends of its line, or null when neither shows one. */
export function findRequestId(head: string, tail: string): RequestId | null {
  const m = ID_AT_HEAD.exec(head) ?? ID_AT_TAIL.exec(tail);
  if (!m?.[1]) return null;
  try {
    return JSON.parse(m[1]) as RequestId;
  } catch {
    return null;
  }
}

export class LineGuard extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private oversized: { bytes: number; head: Buffer; tail: Buffer } | null = null;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onOversized: (bytes: number, id: RequestId | null) => void,
  ) {
    // one line per chunk downstream, so the transport's buffer never holds more than one line
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      this.addPiece(chunk.subarray(start, nl === -1 ? chunk.length : nl));
      if (nl === -1) break;
      this.endLine();
      start = nl + 1;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingBytes > 0 || this.oversized) this.endLine();
    done();
  }

  private addPiece(piece: Buffer): void {
    if (piece.length === 0) return;
    if (!this.oversized && this.pendingBytes + piece.length <= this.maxLineBytes) {
      this.pending.push(piece);
      this.pendingBytes += piece.length;
      return;
    }
    if (!this.oversized) {
      const kept = Buffer.concat(this.pending);
      this.oversized = {
        bytes: kept.length,
        head: Buffer.from(kept.subarray(0, EDGE_BYTES)),
        tail: Buffer.from(kept.subarray(-EDGE_BYTES)),
      };
      this.pending = [];
      this.pendingBytes = 0;
    }
    const o = this.oversized;
    if (o.head.length < EDGE_BYTES)
      o.head = Buffer.concat([o.head, piece.subarray(0, EDGE_BYTES - o.head.length)]);
    o.tail = Buffer.from(Buffer.concat([o.tail, piece.subarray(-EDGE_BYTES)]).subarray(-EDGE_BYTES));
    o.bytes += piece.length;
  }

  private endLine(): void {
    const o = this.oversized;
    if (o) {
      this.oversized = null;
      this.onOversized(o.bytes, findRequestId(o.head.toString("utf8"), o.tail.toString("utf8")));
      return;
    }
    this.pending.push(Buffer.from("\n"));
    this.push(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }
}
