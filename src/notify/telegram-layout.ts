/**
 * Lays a notification out as Telegram messages (chunks) of styled spans, before any markup.
 * Working on plain text means a split can never fall inside a tag or an escape sequence, and the
 * HTML and plain renderings of a chunk show exactly the same text (telegram.md §4). A chunk's
 * visible length is the sum of its spans' lengths (UTF-16 units, what Telegram counts).
 */
import type { NotificationContent } from "../notification.js";

export type SpanStyle = "plain" | "bold" | "italic" | "quote";
export interface Span {
  style: SpanStyle;
  text: string;
}
export type Chunk = Span[];

/** Visible characters per message; Telegram allows 4096, the margin absorbs its own trimming rules. */
export const CHUNK_BUDGET = 4000;
export const DEFAULT_MAX_CHUNKS = 4;

// Caps on the short parts, so the head and the footer provably leave room for the quote.
const ICON_MAX = 16;
const TITLE_MAX = 256;
const LABEL_MAX = 64;
const VALUE_MAX = 1024;
const FOOTER_MAX = 1024;
const HEAD_MAX = 2400;

const span = (style: SpanStyle, text: string): Span => ({ style, text });

export function measureChunk(chunk: Chunk): number {
  return chunk.reduce((n, s) => n + s.text.length, 0);
}

/** Splits `content` into at most `maxChunks` chunks, each ≤ CHUNK_BUDGET visible characters. */
export function layoutChunks(content: NotificationContent, maxChunks: number): Chunk[] {
  const limit = Math.max(1, Math.floor(maxChunks));
  const icon = clipText(makeWellFormed(content.icon), ICON_MAX);
  const head = layoutHead(content, icon);
  const footer = content.footer ? [span("plain", "\n"), span("plain", clipFooter(content.footer))] : [];
  if (!content.quote) return [[...head, ...footer]];

  const label = clipText(makeWellFormed(content.quote.label), LABEL_MAX);
  const text = makeWellFormed(content.quote.text);
  const whole = [...head, ...layoutQuoteHead(label, null), quoteSpan(text), ...footer];
  if (measureChunk(whole) <= CHUNK_BUDGET) return [whole];

  // Room left for quote text; "(n/n)" uses the widest tag, the footer is reserved in every chunk.
  const widest = `${limit}/${limit}`;
  const reserve = measureChunk(footer);
  const capFirst = CHUNK_BUDGET - measureChunk(head) - measureChunk(layoutQuoteHead(label, widest)) - reserve;
  const capNext = CHUNK_BUDGET - measureChunk(layoutContinuation(icon, label, widest)) - reserve;
  const pieces = splitQuote(text, capFirst, capNext, limit);
  return pieces.map((piece, i) => {
    const tag = `${i + 1}/${pieces.length}`;
    const lead = i === 0 ? [...head, ...layoutQuoteHead(label, tag)] : layoutContinuation(icon, label, tag);
    return [...lead, quoteSpan(piece), ...(i === pieces.length - 1 ? footer : [])];
  });
}

function layoutHead(content: NotificationContent, icon: string): Span[] {
  const title = clipText(makeWellFormed(content.title), TITLE_MAX) || content.kind;
  // Trace markers are plain text, as the original posted them.
  const spans = [
    ...(icon ? [span("plain", `${icon} `)] : []),
    span(content.kind === "trace" ? "plain" : "bold", title),
  ];
  let used = measureChunk(spans);
  for (const [i, [rawLabel, rawValue]] of content.fields.entries()) {
    const label = `${clipText(makeWellFormed(rawLabel), LABEL_MAX)}:`;
    const room = HEAD_MAX - used - label.length - 2;
    if (room < 16) {
      spans.push(span("plain", `\n… (${content.fields.length - i} more fields)`));
      break;
    }
    const value = ` ${clipText(makeWellFormed(rawValue), Math.min(VALUE_MAX, room))}`;
    spans.push(span("plain", "\n"), span("bold", label), span("plain", value));
    used += 1 + label.length + value.length;
  }
  return spans;
}

function layoutQuoteHead(label: string, tag: string | null): Span[] {
  return [span("plain", "\n"), span("bold", tag ? `${label} (${tag}):` : `${label}:`), span("plain", "\n")];
}

function layoutContinuation(icon: string, label: string, tag: string): Span[] {
  return [
    ...(icon ? [span("plain", `${icon} `)] : []),
    span("bold", `${label} (${tag}):`),
    span("plain", "\n"),
  ];
}

// An empty blockquote would be an empty entity; say so instead.
function quoteSpan(text: string): Span {
  return text ? span("quote", text) : span("italic", "(empty)");
}

function clipFooter(footer: string): string {
  return clipText(makeWellFormed(footer), FOOTER_MAX);
}

/** Cuts `text` into ordered pieces; the last allowed piece is trimmed with a count of what is left out. */
export function splitQuote(text: string, capFirst: number, capNext: number, limit: number): string[] {
  const pieces: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    const cap = pieces.length === 0 ? capFirst : capNext;
    if (text.length - pos <= cap) {
      pieces.push(text.slice(pos));
      break;
    }
    if (pieces.length === limit - 1) {
      const widestMarker = formatOmitted(text.length).length;
      const cut = findCut(text, pos, cap - widestMarker);
      pieces.push(trimBreak(text.slice(pos, cut)) + formatOmitted(countCodePoints(text, cut)));
      break;
    }
    const cut = findCut(text, pos, cap);
    pieces.push(trimBreak(text.slice(pos, cut)));
    pos = cut;
  }
  return pieces;
}

function formatOmitted(n: number): string {
  return `\n… (${n} more characters)`;
}

/** End of the next piece: after a paragraph break, else a line break, else a space, else a hard cut. */
function findCut(text: string, start: number, cap: number): number {
  const end = start + Math.max(2, cap);
  if (end >= text.length) return text.length;
  const floor = start + Math.floor(cap / 2);
  for (const sep of ["\n\n", "\n", " "]) {
    const at = text.lastIndexOf(sep, end - sep.length);
    if (at >= floor) return at + sep.length;
  }
  return isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

// The separator was consumed by the cut; showing it would only add blank lines inside the quote.
function trimBreak(piece: string): string {
  return piece.trimEnd() || piece;
}

/** Shortens `text` to at most `max` UTF-16 units, ending in "…", without splitting a surrogate pair. */
export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Lone surrogates are not valid UTF-8; Telegram would reject the whole message. */
export function makeWellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function countCodePoints(text: string, from: number): number {
  let n = 0;
  for (let i = from; i < text.length; i++) {
    if (!(isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length)) n++;
  }
  return n;
}
