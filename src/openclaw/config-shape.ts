/**
 * The shape of the OpenClaw config keys cctask reads (openclaw.md §2.3), validated with zod;
 * every other key passes through untouched. Also the small helpers resolvers share.
 */
import { z } from "zod";
import { SecretInputSchema } from "./secrets.js";

/** A port may come from `${VAR}`, which yields a string. */
const PortSchema = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .pipe(z.number().int().min(1).max(65535));

const TelegramAccountSchema = z.looseObject({
  botToken: SecretInputSchema.optional(),
  tokenFile: z.string().optional(),
  apiRoot: z.string().optional(),
});

export const OpenClawDataSchema = z.looseObject({
  gateway: z
    .looseObject({
      port: PortSchema.optional(),
      bind: z.string().optional(),
      auth: z
        .looseObject({
          mode: z.string().optional(),
          token: SecretInputSchema.optional(),
          password: SecretInputSchema.optional(),
        })
        .optional(),
      /** The HTTP tool policy of /tools/invoke (openclaw.md §4.3). */
      tools: z
        .looseObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  /** Webhook endpoints, /hooks/agent among them (openclaw.md §9). */
  hooks: z
    .looseObject({
      enabled: z.boolean().optional(),
      token: SecretInputSchema.optional(),
      path: z.string().optional(),
      allowRequestSessionKey: z.boolean().optional(),
      allowedSessionKeyPrefixes: z.array(z.string()).optional(),
    })
    .optional(),
  channels: z
    .looseObject({
      telegram: TelegramAccountSchema.extend({
        accounts: z.record(z.string(), TelegramAccountSchema).optional(),
      }).optional(),
    })
    .optional(),
});

export type OpenClawData = z.infer<typeof OpenClawDataSchema>;

export interface OpenClawConfig {
  /** The root config file. */
  path: string;
  data: OpenClawData;
  /** Variables from the state dir's `.env`; the process environment wins over them. */
  dotenv: Record<string, string>;
  /** Dotted key → the file the value was written in (for error messages). */
  origins: ReadonlyMap<string, string>;
}

/** The file that holds `key` (or its nearest written ancestor), else the root file. */
export function originOf(cfg: OpenClawConfig, key: string): string {
  for (let k = key; k !== ""; k = k.includes(".") ? k.slice(0, k.lastIndexOf(".")) : "") {
    const file = cfg.origins.get(k);
    if (file) return file;
  }
  return cfg.path;
}

/** The environment OpenClaw's values resolve against: the process env over the `.env` file. */
export function effectiveEnv(cfg: OpenClawConfig | null, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return cfg ? { ...cfg.dotenv, ...env } : env;
}
