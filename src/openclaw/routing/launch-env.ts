/** What the CLI passes the daemon of its own environment for routing: where OpenClaw lives, no secret. */

/** The launcher's environment variables that locate OpenClaw; none of them is a secret. */
export const LAUNCH_ENV_KEYS = [
  "OPENCLAW_HOME",
  "OPENCLAW_STATE_DIR",
  "OPENCLAW_CONFIG_PATH",
  "OPENCLAW_PROFILE",
  "OPENCLAW_SHELL",
  "OPENCLAW_CHANNEL_CONTEXT",
  "HOME",
  "PATH",
] as const;

export function pickLaunchEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of LAUNCH_ENV_KEYS) {
    const v = env[k];
    if (typeof v === "string" && v !== "") out[k] = v;
  }
  return out;
}
