import type { RunProgress } from "./progress.js";

const NO_OUTPUT = "(no output captured)";

/**
 * The text to report for a run (claude-code-headless §7.4): the LAST result's text when it is
 * not an error (the first result of a background-agent run is only "launched, waiting"); for an
 * error result its error text; else the main-thread text since the last init; else subagent
 * summaries; else stderr.
 */
export function extractFinalText(progress: RunProgress, stderrTail: string): string {
  const last = progress.results[progress.results.length - 1];
  if (last) {
    const text = last.isError ? last.text || last.errors.join("\n") : last.text;
    if (text?.trim()) return text;
  }
  if (progress.mainText.trim()) return progress.mainText;
  if (progress.summaries.length > 0) return progress.summaries.join("\n\n");
  if (stderrTail.trim()) return stderrTail.trim();
  return NO_OUTPUT;
}
