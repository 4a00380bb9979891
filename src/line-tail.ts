/**
 * Reads complete lines appended to a file, from a byte offset. The offset only ever moves past
 * complete lines, so a daemon that stops mid-line re-reads that line whole after a restart.
 * Memory stays bounded: one chunk buffer plus at most one partial line.
 */
import { type FileHandle, open } from "node:fs/promises";

const CHUNK = 256 * 1024;
const NEWLINE = 0x0a;

export class LineTail {
  private fh: FileHandle | null = null;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private partial: Buffer[] = [];
  private partialLength = 0;
  /** The reads asked for so far, one after another (they share the buffer and the offset). */
  private queue: Promise<unknown> = Promise.resolve();

  /** @param offset bytes already consumed (the end of the last complete line) */
  constructor(
    private readonly path: string,
    public offset: number,
  ) {}

  /**
   * Reads everything available now and calls onLine for each complete line, in order. A call made
   * while another read is going reads after it, not with it: that read may already have passed
   * the end of the file before the last lines were written (a run's end asks for exactly those).
   * Returns the number of lines this call read.
   */
  drain(onLine: (line: string) => void): Promise<number> {
    const read = this.queue.then(() => this.readAll(onLine));
    this.queue = read.catch(() => {});
    return read;
  }

  private async readAll(onLine: (line: string) => void): Promise<number> {
    if (!this.fh) {
      try {
        this.fh = await open(this.path, "r");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw e;
      }
    }
    let lines = 0;
    let pos = this.offset + this.partialLength;
    for (;;) {
      const { bytesRead } = await this.fh.read(this.buf, 0, CHUNK, pos);
      if (bytesRead === 0) return lines;
      pos += bytesRead;
      let start = 0;
      let nl = this.buf.indexOf(NEWLINE, 0);
      while (nl !== -1 && nl < bytesRead) {
        let line: string;
        if (this.partial.length > 0) {
          // A line longer than a chunk: its pieces are joined once, at its end (never quadratic).
          this.partial.push(this.buf.subarray(0, nl));
          line = Buffer.concat(this.partial).toString("utf8");
          this.offset += this.partialLength + nl + 1;
          this.partial = [];
          this.partialLength = 0;
        } else {
          line = this.buf.toString("utf8", start, nl);
          this.offset += nl - start + 1;
        }
        if (line.length > 0) {
          onLine(line);
          lines++;
        }
        start = nl + 1;
        nl = this.buf.indexOf(NEWLINE, start);
      }
      if (start < bytesRead) {
        this.partial.push(Buffer.from(this.buf.subarray(start, bytesRead)));
        this.partialLength += bytesRead - start;
      }
    }
  }

  /** The unterminated bytes at the end of the file, if any (a last line without a newline). */
  takePartial(): string | null {
    if (this.partial.length === 0) return null;
    const s = Buffer.concat(this.partial).toString("utf8");
    this.offset += this.partialLength;
    this.partial = [];
    this.partialLength = 0;
    return s.length > 0 ? s : null;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }
}
