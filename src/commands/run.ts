/**
 * `cctask run`: validate everything that can be validated before anything starts, submit the run
 * to the daemon (starting it if needed), and print the launch receipt.
 */
import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { connectDaemon, ensureStateDir } from "../client.js";
import { errorMessage, RoutingRefusal, UsageError } from "../errors.js";
import { describeBytes, TASK_MAX_BYTES, TIMEOUT_MAX_SECONDS, TIMEOUT_MIN_SECONDS } from "../limits.js";
import type { RunView, SubmitRequest } from "../protocol.js";
import { PERMISSION_MODES } from "../run-spec.js";
import { configPath, stateDir } from "../state-dir.js";
import { escapeControl, quoted } from "../text.js";
import { formatDuration } from "../units.js";
import { type Parsed, parseCommandArgs, str } from "./args.js";
import { exitCodeFor } from "./exit-status.js";
import { stateLabel } from "./format.js";
import type { CommandIo } from "./io.js";
import { buildRunRequest, CLI_NAMES, refuseRootWithoutSandbox } from "./run-request.js";
import { buildRouting, ROUTING_HELP, ROUTING_OPTIONS, validateOnly } from "./run-routing.js";
import { checkTaskSize, decodeTask, refuseEmptyTask } from "./task-text.js";

export const RUN_HELP = `Usage: cctask run --task "TEXT" [--project DIR] [options] [-- CLAUDE_ARGS…]

Starts Claude Code on the task in the background, supervised, and prints a launch receipt.
Exit 0 means the run is running (or queued) and supervised; anything else means nothing started.

  -t, --task TEXT           the task; "-" reads it from standard input
      --task-file FILE      read the task from a file (UTF-8 text, at most ${describeBytes(TASK_MAX_BYTES)})
  -p, --project DIR         working directory (default: $CCTASK_HOME/scratch)
      --create-project      create the project directory if it does not exist
      --timeout SECONDS     wall-clock limit, whole seconds from ${TIMEOUT_MIN_SECONDS} to ${TIMEOUT_MAX_SECONDS} (7 days)
                            (default 7200, or defaultTimeoutSeconds in config)
      --resume ID|LABEL     continue an earlier Claude session, by id or by label
                            (it runs in the session's own project directory)
      --session-label TEXT  a label for the session
      --completion-mode M   single (default) or iterate: count the runs of a session
      --max-iterations N    iterate mode: refuse a launch past N runs (default 5)
      --model NAME          claude --model
  -o, --output FILE         also write the final text to FILE
      --max-budget-usd N    stop the run when it has spent N USD
      --permission-mode M   ${PERMISSION_MODES.join("|")} (default bypassPermissions:
                            nobody is there to answer a permission prompt)
      --wait-init           return the receipt only once claude has started its session, so
                            it names the session id, model and auth (slower: claude's start-up)
      --wait                after the receipt, wait for the run to end and print its
                            final text; the exit code is then the outcome's (see cctask wait)
      --notify TARGET       where to report (repeatable): telegram:<chatId>,
                            telegram:<chatId>:topic:<threadId>, openclaw:<channel>:<target>,
                            webhook:<https-url>, console (default: notify.defaultTargets in config)
      --heartbeat-mode M    edit (one live card, default) or post (a new message each time)
      --allow-offline-delivery  launch even if the OpenClaw gateway is unreachable now
      --json                print the receipt as one JSON object (with --wait: the final status)
${ROUTING_HELP}`;

const OPTIONS = {
  task: { type: "string", short: "t" },
  "task-file": { type: "string" },
  project: { type: "string", short: "p" },
  "create-project": { type: "boolean" },
  timeout: { type: "string" },
  resume: { type: "string" },
  "session-label": { type: "string" },
  model: { type: "string" },
  output: { type: "string", short: "o" },
  "max-budget-usd": { type: "string" },
  "permission-mode": { type: "string" },
  "completion-mode": { type: "string" },
  notify: { type: "string", multiple: true },
  "heartbeat-mode": { type: "string" },
  "allow-offline-delivery": { type: "boolean" },
  "max-iterations": { type: "string" },
  json: { type: "boolean" },
  wait: { type: "boolean" },
  "wait-init": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...ROUTING_OPTIONS,
} as const;

export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs("run", argv, OPTIONS, { maxPositionals: 0, allowRest: true });
  if (args.values.help) {
    io.out(RUN_HELP);
    return 0;
  }
  const home = stateDir(io.env);
  ensureStateDir(home);
  const exposed = await exposedConfigWarning(home);
  if (exposed) io.err(exposed);
  try {
    if (args.values["validate-only"]) return await validateOnly(args, io, home);
    return await launch(args, io, home);
  } catch (e) {
    // The original's routing messages, as they are: ❌ Invalid routing: … / ❌ Unsafe routing blocked: …
    if (!(e instanceof RoutingRefusal)) throw e;
    io.err(e.message);
    if (args.values.json) io.out(JSON.stringify({ ok: false, error: e.message }));
    return e.exitCode;
  }
}

/**
 * The config is the daemon's to read and check (it refuses a launch while config.json5 is
 * broken); the CLI only looks at it when others may read it, to warn about the secrets in it.
 */
async function exposedConfigWarning(home: string): Promise<string | null> {
  try {
    if ((statSync(configPath(home)).mode & 0o077) === 0) return null;
  } catch {
    return null;
  }
  const { exposedSecretWarning, loadConfig } = await import("../config.js");
  try {
    return exposedSecretWarning(home, loadConfig(home));
  } catch {
    return null; // a broken config: the daemon says what is wrong with it
  }
}

async function launch(args: Parsed, io: CommandIo, home: string): Promise<number> {
  const req = await buildRequest(args, io, home);
  refuseRootWithoutSandbox(req);

  // A health check first: a daemon found stopping (its connection reset) is replaced before the
  // submit. The submit carries the request's idempotency key, so asking again is safe.
  const client = await connectDaemon(home, { autostart: true });
  const receipt = await client.submit(req, submitDeadline(io.env));
  if (!args.values.wait) {
    io.out(args.values.json ? JSON.stringify(receipt) : formatReceipt(receipt));
    return exitCodeFor(receipt);
  }
  if (!args.values.json) io.out(formatReceipt(receipt));
  const { followConsole } = await import("./wait.js");
  const end = await followConsole(client, receipt, (line) => io.out(line));
  if (args.values.json) io.out(JSON.stringify(end));
  else io.out(`\n${stateLabel(end)}${end.detail ? ` — ${end.detail}` : ""}\n\n${readResult(end)}`);
  return exitCodeFor(end);
}

/** CCTASK_SUBMIT_DEADLINE_MS shortens the launch deadline, for testing the give-up path only. */
function submitDeadline(env: NodeJS.ProcessEnv): number | undefined {
  const ms = Number(env.CCTASK_SUBMIT_DEADLINE_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : undefined;
}

async function buildRequest(args: Parsed, io: CommandIo, home: string): Promise<SubmitRequest> {
  const v = args.values;
  const task = await readTask(str(v.task), str(v["task-file"]), io);
  return buildRunRequest(
    {
      task,
      project: str(v.project),
      createProject: Boolean(v["create-project"]),
      timeout: str(v.timeout),
      resume: str(v.resume),
      label: str(v["session-label"]),
      model: str(v.model),
      output: str(v.output),
      maxBudgetUsd: str(v["max-budget-usd"]),
      permissionMode: str(v["permission-mode"]),
      completionMode: str(v["completion-mode"]),
      maxIterations: str(v["max-iterations"]),
      notify: (v.notify as string[] | undefined) ?? [],
      heartbeatMode: str(v["heartbeat-mode"]),
      allowOfflineDelivery: Boolean(v["allow-offline-delivery"]),
      waitInit: Boolean(v["wait-init"]),
      extraArgs: args.rest,
      routing: () => buildRouting(args, io.env),
    },
    CLI_NAMES,
    { home, cwd: io.cwd, env: io.env },
  );
}

async function readTask(task: string | undefined, file: string | undefined, io: CommandIo): Promise<string> {
  if (task !== undefined && file !== undefined)
    throw new UsageError("give the task either with --task or with --task-file, not both");
  let text: string;
  if (file !== undefined) {
    const from = `the task file ${quoted(file)}`;
    let bytes: Buffer;
    try {
      const path = resolve(io.cwd, file);
      if (statSync(path).isFile()) checkTaskSize(statSync(path).size, from);
      bytes = readFileSync(path);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(
        `cannot read the task file ${quoted(file)}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}. Check the path, or pass the task with --task.`,
      );
    }
    text = decodeTask(bytes, from);
  } else if (task === "-") {
    text = decodeTask(await io.readStdin(), "standard input");
  } else if (task !== undefined) {
    checkTaskSize(Buffer.byteLength(task), "--task");
    text = task;
  } else {
    throw new UsageError(
      'no task given; pass it with --task "…", --task-file FILE, or --task - to read standard input',
    );
  }
  refuseEmptyTask(
    text,
    file !== undefined ? `the task file ${quoted(file)}` : task === "-" ? "standard input" : "--task",
  );
  return text;
}

export function formatReceipt(v: RunView): string {
  if (v.state === "queued")
    return [
      `⏳ run ${v.id} queued (it starts when a slot is free)`,
      `   project: ${escapeControl(v.projectDir)}`,
      `   events:  ${escapeControl(v.files.events)}`,
      `   follow:  cctask status ${v.id}  ·  cctask wait ${v.id}`,
    ].join("\n");
  if (v.state !== "running" && v.state !== "starting")
    return [
      `run ${v.id} ended at once: ${v.state}${v.reason ? ` (${v.reason})` : ""}`,
      `   ${v.detail ?? ""}`,
      `   stderr: ${escapeControl(v.files.stderr)}`,
    ].join("\n");
  const who = [
    `pid ${v.pid ?? "?"}`,
    v.claudeVersion ? `claude ${v.claudeVersion}` : null,
    v.model ? `model ${v.model}` : null,
    v.apiKeySource ? `auth ${v.apiKeySource}` : null,
  ].filter(Boolean);
  return [
    `🚀 run ${v.id} running (${who.join(", ")})`,
    `   project: ${escapeControl(v.projectDir)}`,
    `   timeout: ${formatDuration(v.timeoutSeconds)}`,
    ...(v.sessionId ? [`   session: ${v.sessionId}`] : []),
    `   events:  ${escapeControl(v.files.events)}`,
    `   result:  ${escapeControl(v.files.result)}`,
    `   follow:  cctask logs ${v.id} -f  ·  cctask wait ${v.id}`,
  ].join("\n");
}

function readResult(v: RunView): string {
  try {
    return readFileSync(v.files.result, "utf8");
  } catch {
    return "(no output)";
  }
}
