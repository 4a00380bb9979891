/** The hand-written config of a real OpenClaw gateway under test (openclaw.md §12.4). */
import type { FakeOpenAi } from "../fakes/openai-api.js";
import type { FakeTelegram } from "../fakes/telegram-api.js";

export const GATEWAY_TOKEN = "cctask-gateway-test-token";
export const HOOKS_TOKEN = "cctask-hooks-test-token";

/** The config file as a test edits it: plain JSON, reached into by key. */
// biome-ignore lint/suspicious/noExplicitAny: a test mutates arbitrary config paths.
export type GatewayConfig = Record<string, any>;

export interface GatewayOptions {
  model: FakeOpenAi;
  telegram: FakeTelegram;
  /** gateway.tools.allow (default: sessions_send). */
  toolsAllow?: string[];
  /** tools.sessions.visibility (default: all). */
  sessionVisibility?: "self" | "tree" | "agent" | "all";
  /** hooks.allowRequestSessionKey (default: false). */
  allowRequestSessionKey?: boolean;
  readyTimeoutMs?: number;
}

export function buildGatewayConfig(opts: GatewayOptions, port: number, logFile: string): object {
  return {
    gateway: {
      mode: "local",
      port,
      bind: "loopback",
      auth: { mode: "token", token: GATEWAY_TOKEN },
      tools: { allow: opts.toolsAllow ?? ["sessions_send"] },
    },
    hooks: {
      enabled: true,
      token: HOOKS_TOKEN,
      path: "/hooks",
      allowRequestSessionKey: opts.allowRequestSessionKey ?? false,
      ...(opts.allowRequestSessionKey ? { allowedSessionKeyPrefixes: ["agent:", "hook:"] } : {}),
    },
    tools: { sessions: { visibility: opts.sessionVisibility ?? "all" } },
    logging: { file: logFile, level: "info" },
    models: {
      mode: "merge",
      providers: {
        stubllm: {
          baseUrl: opts.model.baseUrl,
          api: "openai-completions",
          apiKey: opts.model.apiKey,
          models: [
            {
              id: opts.model.modelId,
              name: "stub",
              contextWindow: 64000,
              maxTokens: 2048,
              input: ["text"],
              reasoning: false,
              cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            },
          ],
        },
      },
    },
    agents: { defaults: { model: { primary: `stubllm/${opts.model.modelId}` } } },
    channels: {
      telegram: {
        enabled: true,
        botToken: opts.telegram.token,
        apiRoot: opts.telegram.apiRoot,
        dmPolicy: "open",
        allowFrom: ["*"],
        groupPolicy: "open",
        groups: { "*": { requireMention: false } },
        network: { dangerouslyAllowPrivateNetwork: true },
      },
    },
    bindings: [{ agentId: "main", match: { channel: "telegram", accountId: "default" } }],
    // Only the plugins the tests use: the others (browser, canvas, memory, …) slow the start.
    plugins: { allow: ["telegram"] },
  };
}
