/** What `--validate-only` reports about the wake: the path that will be used, and why each other will not. */
import type { Config } from "../../config.js";
import type { OpenClawRoute, WakePreview } from "../../route.js";
import { stateDir } from "../../state-dir.js";
import { gatherWakeFacts } from "./facts.js";
import { planWake } from "./plan.js";

/** @param secrets credentials launching CLIs handed to the daemon (e.g. OPENCLAW_HOOKS_TOKEN) */
export async function previewWake(
  route: OpenClawRoute,
  config: Config,
  secrets: Record<string, string> = {},
): Promise<WakePreview> {
  const facts = await gatherWakeFacts(route, config, { stateDir: stateDir(process.env), secrets });
  const checks = planWake(route, facts);
  return { chosen: checks.find((c) => c.usable)?.path ?? null, checks };
}
