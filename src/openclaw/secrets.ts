/**
 * Credential fields in OpenClaw's config hold either a string or a SecretRef
 * `{source: "env"|"file"|"exec", provider, id}` (openclaw@2026.3.2:docs/gateway/secrets.md).
 * cctask resolves env SecretRefs; for file/exec ones it asks for the env override instead of
 * re-implementing OpenClaw's secret providers.
 */
import { z } from "zod";
import { OpenClawConfigError } from "./config-error.js";

const ENV_ID = /^[A-Z][A-Z0-9_]{0,127}$/;

export const SecretRefSchema = z.looseObject({
  source: z.enum(["env", "file", "exec"]),
  provider: z.string().optional(),
  id: z.string(),
});

export const SecretInputSchema = z.union([z.string(), SecretRefSchema]);
export type SecretInput = z.infer<typeof SecretInputSchema>;

export interface SecretContext {
  env: NodeJS.ProcessEnv;
  file: string;
  key: string;
  /** The environment variable that overrides this field, named in the fix. */
  envOverride: string;
}

/** The secret's value, or null when the field is unset or empty. */
export function resolveSecret(input: SecretInput | undefined, ctx: SecretContext): string | null {
  if (input === undefined) return null;
  if (typeof input === "string") return input.trim() === "" ? null : input;
  const { file, key, envOverride } = ctx;
  if (input.source !== "env") {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `is a "${input.source}" SecretRef (provider "${input.provider ?? "default"}"), which cctask does not resolve`,
      fix: `set ${envOverride} in cctask's environment (cctask then uses it instead), or use an env SecretRef`,
    });
  }
  if (!ENV_ID.test(input.id)) {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `the env SecretRef id "${input.id}" is not a valid variable name (A-Z, 0-9, _; starting with a letter)`,
      fix: "use the name of the environment variable that holds the secret",
    });
  }
  const value = ctx.env[input.id];
  if (value === undefined || value.trim() === "") {
    throw new OpenClawConfigError({
      file,
      key,
      problem: `the env SecretRef names ${input.id}, which is ${value === undefined ? "not set" : "empty"}`,
      fix: `set ${input.id} (or ${envOverride}) in cctask's environment`,
    });
  }
  return value;
}
