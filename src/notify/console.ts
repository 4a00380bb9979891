/**
 * The console channel: one plain line per notification (and, for the final one, the first lines
 * of the result) handed to a writer. The daemon passes a writer that appends to the run's own
 * file; nothing here knows where the text ends up.
 */

import { errorMessage } from "../errors.js";
import type { SendResult } from "../notification.js";
import type { Channel, SendRequest } from "./channel.js";

/** How much of a final message's quote is echoed; the full text is in the run's files. */
const QUOTE_LINES = 5;
const QUOTE_LINE_WIDTH = 200;

export interface ConsoleOptions {
  /** Where a line of run `runId` goes (the daemon: that run's console.log). */
  write: (line: string, runId: string) => void;
}

/** The lines one notification becomes. */
export function renderConsoleLines(req: SendRequest): string[] {
  const { content } = req;
  const lines = [content.line];
  if (content.kind !== "final" || !content.quote) return lines;
  const quoteLines = content.quote.text.split(/\r?\n/).filter((l) => l.trim() !== "");
  for (const l of quoteLines.slice(0, QUOTE_LINES)) {
    lines.push(`  > ${l.length > QUOTE_LINE_WIDTH ? `${l.slice(0, QUOTE_LINE_WIDTH - 1)}…` : l}`);
  }
  if (quoteLines.length > QUOTE_LINES) lines.push(`  > … (${quoteLines.length - QUOTE_LINES} more lines)`);
  if (content.footer) lines.push(`  ${content.footer}`);
  return lines;
}

export class ConsoleChannel implements Channel {
  readonly scheme = "console" as const;
  private readonly opts: ConsoleOptions;

  constructor(opts: ConsoleOptions) {
    this.opts = opts;
  }

  async send(req: SendRequest): Promise<SendResult> {
    try {
      for (const line of renderConsoleLines(req)) this.opts.write(line, req.runId);
      return { ok: true, remoteId: null };
    } catch (e) {
      // A full disk or a closed file: no answer from the "service", so the retry policy applies.
      return {
        ok: false,
        failure: {
          kind: "network",
          message: `console write failed: ${errorMessage(e)}`,
          maybeDelivered: false,
        },
      };
    }
  }
}
