#!/usr/bin/env node
// A stand-in for the `openclaw` CLI, for the wake tests. It answers what cctask asks of it with
// the real 2026.9.6 shapes (openclaw.md §8.2, §8.3):
//   openclaw --version                       → "OpenClaw <version> (<commit>)" like the real CLI
//                                               (FAKE_OPENCLAW_VERSION, default 2026.9.6)
//   openclaw agent --session-id <id> --message <text> | --message-file <f> [--deliver] --json [--timeout s]
//     → {"runId","status":"ok","summary":"completed","result":{…},"deliveryStatus":{…}}, exit 0
// Under OPENCLAW_SHELL=exec, version 2026.9.6 and later refuse `agent` with exit 1 and
// {"ok":false,"error":{"type":"cli_error",…}}, with the real CLI's words (checked against the real
// 2026.9.6 in test/e2e/openclaw-gateway-contract.test.ts).
// FAKE_OPENCLAW_AGENT chooses the answer: ok (default) | delivery-failed | suppressed | hang.
// FAKE_OPENCLAW_VERSION_OUTPUT replaces what --version prints (e.g. a build without a version).
// FAKE_OPENCLAW_LOG, when set, gets one JSON line per call (argv, the exec marker).
// Session lookups (openclaw.md §5.2): `openclaw gateway call sessions.list --params … --json` and
// `openclaw sessions --json` print the JSON in FAKE_OPENCLAW_SESSIONS (a file; without it they fail
// like a gateway that closed the socket). FAKE_OPENCLAW_LIST_DELAY_MS makes `gateway call` slow the
// way a loaded gateway is: it answers only after that long, and meanwhile a child process of its
// own holds its stdout open (as CLI helpers and workers do).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";

const version = process.env.FAKE_OPENCLAW_VERSION || "2026.9.6";
const args = process.argv.slice(2);

function log(entry) {
  if (process.env.FAKE_OPENCLAW_LOG)
    appendFileSync(process.env.FAKE_OPENCLAW_LOG, `${JSON.stringify(entry)}\n`);
}

function flag(name) {
  const i = args.indexOf(name);
  return i >= 0 ? (args[i + 1] ?? null) : null;
}

function atLeast(v, min) {
  const a = v.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

if (args[0] === "--version") {
  process.stdout.write(`${process.env.FAKE_OPENCLAW_VERSION_OUTPUT ?? `OpenClaw ${version} (fa4e000)`}\n`);
  process.exit(0);
}

function answerList() {
  const file = process.env.FAKE_OPENCLAW_SESSIONS;
  if (!file) {
    process.stderr.write("gateway closed (1006): no close reason\n");
    process.exit(1);
  }
  process.stdout.write(readFileSync(file, "utf8"));
  process.exit(0);
}

const isRpc = args[0] === "gateway" && args[1] === "call" && args[2] === "sessions.list";
if (isRpc || (args[0] === "sessions" && args.includes("--json"))) {
  const delay = isRpc ? Number(process.env.FAKE_OPENCLAW_LIST_DELAY_MS || 0) : 0;
  let helper = null;
  if (delay > 0)
    helper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)"], {
      stdio: ["ignore", "inherit", "inherit"],
    }).pid;
  log({ command: isRpc ? "gateway call sessions.list" : "sessions", pid: process.pid, helper });
  if (delay > 0) setTimeout(answerList, delay);
  else answerList();
  await new Promise(() => {}); // answerList exits
}

if (args[0] !== "agent") {
  process.stderr.write(`error: unknown command '${args[0] ?? ""}'\n`);
  process.exit(1);
}

const mode = process.env.FAKE_OPENCLAW_AGENT || "ok";
const shell = process.env.OPENCLAW_SHELL ?? null;
log({
  command: "agent",
  sessionId: flag("--session-id"),
  message:
    flag("--message") ?? (flag("--message-file") ? readFileSync(flag("--message-file"), "utf8") : null),
  messageFile: flag("--message-file"),
  deliver: args.includes("--deliver"),
  json: args.includes("--json"),
  timeout: flag("--timeout"),
  shell,
  mode,
});

if (shell === "exec" && atLeast(version, "2026.9.6")) {
  const message =
    "Gateway agent from agent exec would lose inter-session attribution. Use the attributed session-messaging tool available to this run, or return the result through normal subagent completion. Do not retry through another CLI route or remove the exec marker.";
  process.stderr.write(`[openclaw] The CLI command failed.\n[openclaw] Reason: ${message}\n`);
  process.stdout.write(`${JSON.stringify({ ok: false, error: { type: "cli_error", message } })}\n`);
  process.exit(1);
}

if (mode === "hang") {
  setInterval(() => {}, 1000);
} else {
  const runId = randomUUID();
  const sessionId = flag("--session-id");
  const deliveryStatus =
    mode === "delivery-failed"
      ? {
          requested: true,
          attempted: true,
          status: "failed",
          succeeded: false,
          reason: "invalid_delivery_target",
          resultCount: 0,
        }
      : mode === "suppressed"
        ? {
            requested: true,
            attempted: false,
            status: "suppressed",
            succeeded: false,
            reason: "no_visible_payload",
            resultCount: 0,
          }
        : { requested: true, attempted: true, status: "sent", succeeded: true, resultCount: 1 };
  const reply = {
    runId,
    status: "ok",
    summary: "completed",
    result: {
      payloads: [{ text: "[TRACE][AGENT][WAKE_RECEIVED] Read the result.", mediaUrl: null }],
      meta: { durationMs: 812, agentMeta: { sessionId, provider: "fake", model: "fake-model", usage: {} } },
      deliveryStatus,
      deliverySucceeded: deliveryStatus.succeeded,
    },
    deliveryStatus,
  };
  process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
  process.exit(0);
}
