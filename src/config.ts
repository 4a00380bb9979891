/**
 * Where cctask keeps its state, and the user's defaults from CCTASK_HOME/config.json5.
 * The config file is untrusted input: it is parsed as JSON5 and validated with zod, and a
 * mistake is reported with the file, the key, the value and the fix.
 */
import { readFileSync, statSync } from "node:fs";
import JSON5 from "json5";
import { z } from "zod";
import { errorMessage, UsageError } from "./errors.js";
import { TIMEOUT_MAX_SECONDS, TIMEOUT_MIN_SECONDS } from "./limits.js";
import { withoutSecrets } from "./secret-env.js";
import { configPath } from "./state-dir.js";

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

const ConfigSchema = z
  .object({
    maxConcurrent: z.number().int().positive().default(4),
    defaultTimeoutSeconds: z.number().int().min(TIMEOUT_MIN_SECONDS).max(TIMEOUT_MAX_SECONDS).default(7200),
    /** The daemon exits after this long with no active run and no client. */
    idleExitSeconds: positive.default(600),
    /** How long `cctask run` waits for the agent's init line before printing the receipt. */
    launchWaitSeconds: nonNegative.default(3),
    /** A --resume prompt longer than this is collapsed and cut, after a continuation preamble (0 = never). */
    resumePromptMaxChars: z.number().int().nonnegative().default(700),
    sessions: z
      .object({
        /** Registry entries unused for this long are removed. */
        retentionDays: positive.default(30),
      })
      .strict()
      .default({ retentionDays: 30 }),
    notify: z
      .object({
        /** Targets every run notifies unless --notify is given (see cctask run --help). */
        defaultTargets: z.array(z.string()).default([]),
        heartbeatSeconds: nonNegative.default(60), // 0 = no heartbeats
        heartbeatMode: z.enum(["edit", "post"]).default("edit"),
        /** The final message makes a sound by default; progress messages never do. */
        finalSilent: z.boolean().default(false),
        retry: z
          .object({ maxDelaySeconds: positive.default(30), giveUpAfterSeconds: positive.default(86_400) })
          .strict()
          .default({ maxDelaySeconds: 30, giveUpAfterSeconds: 86_400 }),
      })
      .strict()
      .default({
        defaultTargets: [],
        heartbeatSeconds: 60,
        heartbeatMode: "edit",
        finalSilent: false,
        retry: { maxDelaySeconds: 30, giveUpAfterSeconds: 86_400 },
      }),
    telegram: z
      .object({
        botToken: z.string().min(1).optional(),
        botTokenFile: z.string().min(1).optional(),
        apiRoot: z.string().url().optional(),
      })
      .strict()
      .default({}),
    openclaw: z
      .object({
        gatewayUrl: z.string().url().optional(),
        gatewayToken: z.string().min(1).optional(),
        /** The `openclaw` CLI used for routing lookups and the `openclaw agent` wake (default: on PATH). */
        bin: z.string().min(1).optional(),
        /** Overrides the wake text; placeholders are documented in the README's OpenClaw section. */
        wakeTemplate: z.string().min(1).optional(),
        /** How long one wake attempt may take before the next path is tried. */
        wakeTimeoutSeconds: positive.default(60),
      })
      .strict()
      .default({ wakeTimeoutSeconds: 60 }),
    webhook: z
      .object({ secret: z.string().min(1).optional(), secretFile: z.string().min(1).optional() })
      .strict()
      .default({}),
    claude: z
      .object({
        bin: z.string().min(1).optional(),
        includePartialMessages: z.boolean().default(true),
      })
      .strict()
      .default({ includePartialMessages: true }),
    watchdog: z
      .object({
        /** Warn when the agent prints nothing for this long (0 = never). */
        silenceWarnSeconds: nonNegative.default(900),
        /** Kill a run that prints nothing for this long (0 = never). */
        silenceKillSeconds: nonNegative.default(0),
        /** Terminate a process still alive this long after its last result line. */
        postResultGraceSeconds: positive.default(30),
        /** Between SIGTERM and SIGKILL to the run's process group. */
        killGraceSeconds: positive.default(10),
      })
      .strict()
      .default({
        silenceWarnSeconds: 900,
        silenceKillSeconds: 0,
        postResultGraceSeconds: 30,
        killGraceSeconds: 10,
      }),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(dir: string): Config {
  const path = configPath(dir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return defaultConfig();
    throw new UsageError(`cannot read the config file ${path}: ${errorMessage(e)}`, { cause: e });
  }
  return parseConfig(text, path);
}

export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}

/** The settings in a config file's text; a UsageError naming the file, the key and the fix. */
export function parseConfig(text: string, path: string): Config {
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (e) {
    throw new UsageError(
      `the config file ${path} is not valid JSON5: ${errorMessage(e)}. Fix the syntax or remove the file to use the defaults.`,
      { cause: e },
    );
  }
  const parsed = ConfigSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `  ${i.path.join(".") || "(top level)"}: ${i.message}`)
      .join("\n");
    throw new UsageError(
      `the config file ${path} has invalid settings:\n${issues}\nFix them or remove them to use the defaults.`,
    );
  }
  return parsed.data;
}

/** The caller's environment as an agent gets it: never a bot, gateway or webhook credential. */
export function agentEnvironment(callerEnv: Record<string, string>): Record<string, string> {
  return withoutSecrets(callerEnv);
}

/** A warning when config.json5 holds a credential and others may read it; null when it is private. */
export function exposedSecretWarning(dir: string, config: Config): string | null {
  const held = [
    config.telegram.botToken && "telegram.botToken",
    config.openclaw.gatewayToken && "openclaw.gatewayToken",
    config.webhook.secret && "webhook.secret",
  ].filter(Boolean);
  if (held.length === 0) return null;
  const path = configPath(dir);
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return null;
  }
  if ((mode & 0o077) === 0) return null;
  return `warning: ${path} holds ${held.join(", ")} and other users can read it (mode ${mode.toString(8)}); run: chmod 600 ${path}`;
}
