/**
 * The claude command line for a supervised headless run (claude-code-headless §2). The prompt is
 * not here: it goes on stdin, so its size is unlimited and it never shows in `ps`.
 */
import type { RunSpec } from "../../run-spec.js";

export function buildClaudeArgs(spec: RunSpec): string[] {
  const args = ["-p", "--output-format", "stream-json", "--verbose"];
  if (spec.includePartialMessages) args.push("--include-partial-messages");
  if (spec.permissionMode === "bypassPermissions") args.push("--dangerously-skip-permissions");
  else args.push("--permission-mode", spec.permissionMode);
  if (spec.resume) args.push("--resume", spec.resume);
  if (spec.model) args.push("--model", spec.model);
  if (spec.maxBudgetUsd !== null) args.push("--max-budget-usd", String(spec.maxBudgetUsd));
  args.push(...spec.extraArgs);
  return args;
}

/**
 * Claude refuses --dangerously-skip-permissions as root unless IS_SANDBOX=1 (measured). Returns
 * the explanation to show before anything starts, or null when the run can go ahead.
 */
export const ROOT_REFUSAL =
  "claude refuses to skip permission prompts when run as root (--dangerously-skip-permissions cannot be used with root/sudo privileges).\n" +
  "Fix: run cctask as a normal user; or, if this machine is a disposable sandbox or container, set IS_SANDBOX=1 in the environment; " +
  "or choose a permission mode that asks for nothing, e.g. --permission-mode acceptEdits.";

export function rootRefusal(
  permissionMode: string,
  env: Record<string, string>,
  uid: number | null,
): string | null {
  if (uid !== 0 || permissionMode !== "bypassPermissions" || env.IS_SANDBOX === "1") return null;
  return ROOT_REFUSAL;
}
