/**
 * The three wake attempts, each bounded by the wake timeout:
 *   openclaw-agent  `openclaw agent --session-id <uuid> --message-file <f> (or --message <text>) --deliver --json`
 *   hooks-agent     POST <gateway><hooks.path>/agent {message, sessionKey, sessionMode, wakeMode, deliver}
 *   sessions-send   POST <gateway>/tools/invoke sessions_send {sessionKey, message, timeoutSeconds: 0}
 * Answers are judged in judge.ts. Tokens go in headers only; the CLI reads its own config.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exchangeHttp } from "../../http.js";
import type { OpenClawRoute, WakePathName } from "../../route.js";
import { compareVersions } from "./cli.js";
import type { WakeFacts } from "./facts.js";
import { wakeEnv } from "./facts.js";
import {
  type AttemptResult,
  type CliRun,
  judgeAgentCli,
  judgeHooksAgent,
  judgeSessionsSend,
} from "./judge.js";

export interface AttemptInput {
  route: OpenClawRoute;
  facts: WakeFacts;
  text: string;
  timeoutSeconds: number;
  processEnv?: NodeJS.ProcessEnv;
  /** A private (0700) directory: where 2026.9.6+ gets the text as --message-file, out of argv. */
  privateDir?: string;
  /** The waits between /hooks/agent tries while the session is busy (503); default HOOKS_BUSY_DELAYS_MS. */
  hooksBusyDelaysMs?: readonly number[];
}

/**
 * The waits before each new /hooks/agent try while the gateway answers 503 (a run of the session
 * is still in progress). The real gateway itself waits ~15 s before that answer, so four tries
 * span about two minutes.
 */
export const HOOKS_BUSY_DELAYS_MS: readonly number[] = [5_000, 15_000, 30_000];

/** The first version with `openclaw agent --message-file`. */
const MESSAGE_FILE_SINCE = "2026.9.6";

const OUTPUT_CAP = 1 << 20;
/** The CLI gets its own --timeout; this much more before we stop it. */
const CLI_GRACE_MS = 10_000;

function runCli(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutSeconds: number,
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (c: Buffer) => {
      if (stdout.length < OUTPUT_CAP) stdout += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < OUTPUT_CAP) stderr += c.toString("utf8");
    });
    const timer = setTimeout(
      () => {
        timedOut = true;
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      },
      timeoutSeconds * 1000 + CLI_GRACE_MS,
    );
    let settled = false;
    const done = (code: number | null, signal: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, timeoutSeconds });
    };
    child.on("error", (e) => {
      stderr += `cannot run ${bin}: ${e.message}`;
      done(null, null);
    });
    child.on("close", (code, signal) => done(code, signal));
  });
}

async function viaAgentCli(i: AttemptInput): Promise<AttemptResult> {
  const { route, facts } = i;
  if (!facts.cli.found || !route.sessionId)
    return { outcome: "failed", detail: "openclaw agent is not usable" };
  const env = wakeEnv(route, i.processEnv ?? process.env);
  // The launcher's exec marker travels with the wake: never stripped, never invented.
  if (route.execShell) env.OPENCLAW_SHELL = "exec";
  const { version } = facts.cli;
  // The text holds the result: other local users can read a process's argv, so use a file where we can.
  const file =
    i.privateDir && version !== null && compareVersions(version, MESSAGE_FILE_SINCE) >= 0
      ? join(i.privateDir, `wake-message-${randomUUID()}.txt`)
      : null;
  const args = ["agent", "--session-id", route.sessionId];
  if (file) {
    writeFileSync(file, i.text, { mode: 0o600 });
    args.push("--message-file", file);
  } else args.push("--message", i.text);
  args.push("--deliver", "--json", "--timeout", String(Math.ceil(i.timeoutSeconds)));
  try {
    return judgeAgentCli(await runCli(facts.cli.bin, args, env, i.timeoutSeconds));
  } finally {
    if (file) rmSync(file, { force: true });
  }
}

/**
 * /hooks/agent, tried again while the gateway says the session is busy (503: not admitted, so a
 * new try cannot wake twice). Any other answer, or none, ends it.
 */
async function viaHooks(i: AttemptInput): Promise<AttemptResult> {
  const delays = i.hooksBusyDelaysMs ?? HOOKS_BUSY_DELAYS_MS;
  let busy: AttemptResult | null = null;
  for (let tries = 1; ; tries++) {
    const r = await tryHooks(i);
    if (!r.busy) {
      if (busy === null || r.outcome !== "woken") return r;
      return { ...r, detail: `${r.detail} after ${tries - 1} busy answers (${busyAnswer(busy)})` };
    }
    busy = r;
    const wait = delays[tries - 1];
    if (wait === undefined)
      return {
        outcome: "failed",
        detail: `${r.detail} (${tries} tries; a run of this session was still in progress each time)`,
      };
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** "HTTP 503: <the gateway's words>" from a busy answer's detail. */
function busyAnswer(r: AttemptResult): string {
  return r.detail.replace(/^POST \/hooks\/agent: the gateway answered /, "");
}

async function tryHooks(i: AttemptInput): Promise<AttemptResult> {
  const { facts, route } = i;
  if (!facts.gateway || !facts.hooks.token) return { outcome: "failed", detail: "hooks are not usable" };
  const exchange = await exchangeHttp({
    method: "POST",
    url: `${facts.gateway.url}${facts.hooks.path}/agent`,
    headers: { "content-type": "application/json", authorization: `Bearer ${facts.hooks.token}` },
    body: JSON.stringify({
      message: i.text,
      name: "cctask",
      // the exact session that launched the run; "persistent" runs the turn in it (the default,
      // "isolated", would start a fresh session without its history)
      sessionKey: route.sessionKey,
      sessionMode: "persistent",
      wakeMode: "now",
      deliver: true,
    }),
    timeoutMs: i.timeoutSeconds * 1000,
    peer: "the OpenClaw gateway",
  });
  return judgeHooksAgent(exchange);
}

async function viaSessionsSend(i: AttemptInput): Promise<AttemptResult> {
  const { facts, route } = i;
  if (!facts.gateway) return { outcome: "failed", detail: "the OpenClaw gateway is not configured" };
  const exchange = await exchangeHttp({
    method: "POST",
    url: `${facts.gateway.url}/tools/invoke`,
    headers: {
      "content-type": "application/json",
      ...(facts.gateway.token ? { authorization: `Bearer ${facts.gateway.token}` } : {}),
    },
    body: JSON.stringify({
      tool: "sessions_send",
      args: { sessionKey: route.wakeKey, message: i.text, timeoutSeconds: 0 },
    }),
    timeoutMs: i.timeoutSeconds * 1000,
    peer: "the OpenClaw gateway",
  });
  return judgeSessionsSend(exchange);
}

export function attemptWake(path: WakePathName, input: AttemptInput): Promise<AttemptResult> {
  switch (path) {
    case "openclaw-agent":
      return viaAgentCli(input);
    case "hooks-agent":
      return viaHooks(input);
    case "sessions-send":
      return viaSessionsSend(input);
    default: {
      const never: never = path;
      return Promise.resolve({ outcome: "failed", detail: `unknown wake path ${String(never)}` });
    }
  }
}
