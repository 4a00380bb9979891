#!/usr/bin/env node
// A tiny stand-in for `claude -p --output-format stream-json`, for fast lifecycle tests and
// benchmarks. It reads the prompt from stdin like the real CLI and obeys directives in it:
//   REPLAY_FILE=<path>        print the lines of a recorded transcript (test/fixtures/transcripts)
//   REPLAY_DELAY_MS=<n>       pause between lines
//   REPLAY_START_DELAY_MS=<n> pause before the first line (a slow start-up: no init line yet)
//   REPLAY_EMIT_FOR_S=<n>     emit synthetic tool-use events for n seconds (REPLAY_INTERVAL_MS apart)
//   REPLAY_STAMP=1            put the wall-clock time of writing in each synthetic Bash command (t=<ms>)
//   REPLAY_MALFORMED=1        include a line that is not JSON
//   REPLAY_RESULT=<text>      the result text (default "replayed")
//   REPLAY_IS_ERROR=1         the result says is_error:true (an agent error)
//   REPLAY_NO_RESULT=1        print no result line
//   REPLAY_LINGER_MS=<n>      stay alive this long after the result (post-result limbo)
//   REPLAY_HANG=1             never exit on its own
//   REPLAY_EXIT=<n>           exit code (default 0)
//   REPLAY_STDERR=<text>      write this to stderr
//   REPLAY_RM_RUN_DIR=1       after the result, delete the directory its stdout is written to (the run's own)
//   REPLAY_BACKGROUND=1       leave a child process running (in the same process group) after exiting;
//                             its pid goes to stderr as "background pid N"
// Without directives it prints init, one text message and a success result.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, readlinkSync, rmSync } from "node:fs";
import { dirname } from "node:path";

const argv = process.argv.slice(2);
if (argv.includes("--version")) {
  process.stdout.write("2.1.330 (Claude Code)\n");
  process.exit(0);
}

const prompt = readFileSync(0, "utf8");
const directive = (name) => {
  const m = prompt.match(new RegExp(`${name}=(\\S+)`));
  return m ? m[1] : undefined;
};
const num = (name, dflt) => Number(directive(name) ?? dflt);
const resumeAt = argv.indexOf("--resume");
const sessionId = resumeAt >= 0 ? argv[resumeAt + 1] : randomUUID();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const emit = (obj) => process.stdout.write(`${typeof obj === "string" ? obj : JSON.stringify(obj)}\n`);

const init = () => ({
  type: "system",
  subtype: "init",
  session_id: sessionId,
  cwd: process.cwd(),
  model: "replay-model",
  permissionMode: "bypassPermissions",
  apiKeySource: process.env.ANTHROPIC_API_KEY ? "ANTHROPIC_API_KEY" : "none",
  claude_code_version: "2.1.330",
  tools: ["Task", "Bash"],
  uuid: randomUUID(),
});
let msgSeq = 0;
const assistant = (content) => ({
  type: "assistant",
  message: {
    id: `msg_replay_${++msgSeq}`,
    role: "assistant",
    model: "replay-model",
    content: [content],
    usage: {
      input_tokens: 100,
      output_tokens: 1,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  },
  parent_tool_use_id: null,
  session_id: sessionId,
  uuid: randomUUID(),
});
const result = (text, isError) => ({
  type: "result",
  subtype: "success",
  is_error: isError,
  num_turns: 1,
  result: text,
  session_id: sessionId,
  total_cost_usd: 0.001,
  usage: { input_tokens: 100, output_tokens: 10 },
  model_usage_since_last_result: { "replay-model": { inputTokens: 100, outputTokens: 10, costUSD: 0.001 } },
  result_index: 0,
  uuid: randomUUID(),
});

async function main() {
  if (directive("REPLAY_BACKGROUND")) {
    const child = spawn("sleep", ["300"], { stdio: "ignore" });
    child.unref();
    process.stderr.write(`background pid ${child.pid}\n`);
  }
  const stderrText = directive("REPLAY_STDERR");
  if (stderrText) process.stderr.write(`${stderrText}\n`);
  const startDelay = num("REPLAY_START_DELAY_MS", 0);
  if (startDelay) await sleep(startDelay);
  const delay = num("REPLAY_DELAY_MS", 0);
  const file = directive("REPLAY_FILE");
  if (file) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line) continue;
      emit(line);
      if (delay) await sleep(delay);
    }
  } else {
    emit(init());
    if (directive("REPLAY_MALFORMED")) emit('{"type":"assistant", this is not json');
    const emitFor = num("REPLAY_EMIT_FOR_S", 0) * 1000;
    const interval = num("REPLAY_INTERVAL_MS", 1000);
    const stamp = directive("REPLAY_STAMP") === "1";
    const start = Date.now();
    let n = 0;
    while (Date.now() - start < emitFor) {
      n++;
      emit(
        assistant({
          type: "tool_use",
          id: `toolu_replay_${n}`,
          name: "Bash",
          input: { command: stamp ? `echo step ${n} t=${Date.now()}` : `echo step ${n}` },
        }),
      );
      emit({
        type: "user",
        message: {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: `toolu_replay_${n}`, content: `step ${n}` }],
        },
        parent_tool_use_id: null,
        session_id: sessionId,
      });
      await sleep(interval);
    }
    emit(assistant({ type: "text", text: directive("REPLAY_RESULT") ?? "replayed" }));
    if (delay) await sleep(delay);
    if (!directive("REPLAY_NO_RESULT"))
      emit(result(directive("REPLAY_RESULT") ?? "replayed", directive("REPLAY_IS_ERROR") === "1"));
  }
  if (directive("REPLAY_RM_RUN_DIR") === "1")
    rmSync(dirname(readlinkSync("/proc/self/fd/1")), { recursive: true, force: true });
  if (directive("REPLAY_HANG")) await new Promise(() => setInterval(() => {}, 1 << 30));
  const linger = num("REPLAY_LINGER_MS", 0);
  if (linger) await sleep(linger);
  process.exitCode = num("REPLAY_EXIT", 0);
}

main();
