/**
 * Environment variables that hold cctask's or its peers' credentials. They never reach an
 * agent's environment, and the daemon is started without them (every process of the user can
 * read /proc/<pid>/environ); a launching CLI hands them to the daemon over its private socket.
 */
const SECRET_ENV =
  /^(TELEGRAM_BOT_TOKEN|OPENCLAW_GATEWAY_TOKEN|OPENCLAW_GATEWAY_PASSWORD|OPENCLAW_HOOKS_TOKEN|CCTASK_.*(TOKEN|SECRET|PASSWORD).*)$/;

export function isSecretVar(name: string): boolean {
  return SECRET_ENV.test(name);
}

/** The environment without credentials (unset and empty values dropped). */
export function withoutSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !isSecretVar(k)) out[k] = v;
  return out;
}

/** Only the credentials of an environment, non-empty ones. */
export function secretsOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v && isSecretVar(k)) out[k] = v;
  return out;
}
