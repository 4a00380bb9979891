/** Bounds that keep RunProgress small whatever the run's size (seed-behaviour §15 item 5). */
export const LIMITS = {
  // Dedupe windows (message ids, output entries, tool ids). Repeats arrive within a few lines
  // (content blocks of one message, a few concurrent subagents); each new id copies the window.
  recentIds: 64,
  filesWritten: 100,
  summaries: 20,
  summaryChars: 4000,
  mainTextChars: 64 * 1024,
  subagents: 100,
  malformedChars: 200,
  results: 16, // a -p run has one or two; more only in long stream-json sessions
} as const;

// Trim mainText only after this much slack: amortises the copy over many appends.
const TEXT_SLACK = 16 * 1024;

/** A new list with `item` last, keeping at most `max` (oldest dropped). One copy, no regrowth. */
export function appendBounded<T>(list: readonly T[], item: T, max: number): T[] {
  const start = list.length >= max ? list.length - max + 1 : 0;
  const next = new Array<T>(list.length - start + 1);
  for (let i = start; i < list.length; i++) next[i - start] = list[i] as T;
  next[next.length - 1] = item;
  return next;
}

/** `text` + `addition`, keeping roughly the last `max` characters. */
export function appendTail(text: string, addition: string, max: number, separator = "\n\n"): string {
  const joined = text ? text + separator + addition : addition;
  return joined.length > max + TEXT_SLACK ? joined.slice(joined.length - max) : joined;
}

/** A cut that keeps the start (for short previews). */
export function truncateHead(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
