#!/usr/bin/env node
/**
 * cctask: argv → command → output. The only place that sets the process exit code.
 * Commands are loaded on demand: a `cctask status` does not pay for loading the daemon.
 */
import { existsSync } from "node:fs";
import nodeModule from "node:module";
import { type CommandIo, processIo } from "./commands/io.js";
import { ExitCode, isCctaskError } from "./errors.js";
import { readableStack } from "./stack.js";
import { stateDir, statePath } from "./state-dir.js";
import { describeStorageError } from "./storage.js";
import { VERSION } from "./version.js";

type Command = (argv: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import("./commands/run.js")).runCommand,
  status: async () => (await import("./commands/status.js")).statusCommand,
  list: async () => (await import("./commands/status.js")).listCommand,
  ps: async () => (await import("./commands/status.js")).listCommand,
  logs: async () => (await import("./commands/logs.js")).logsCommand,
  wait: async () => (await import("./commands/wait.js")).waitCommand,
  events: async () => (await import("./commands/events.js")).eventsCommand,
  cancel: async () => (await import("./commands/wait.js")).cancelCommand,
  result: async () => (await import("./commands/wait.js")).resultCommand,
  sessions: async () => (await import("./commands/sessions.js")).sessionsCommand,
  notify: async () => (await import("./commands/notify.js")).notifyCommand,
  notifications: async () => (await import("./commands/notify.js")).notificationsCommand,
  daemon: async () => {
    const { daemonCommand } = await import("./commands/daemon.js");
    // The entry point to the daemon: cli.ts alone may load it (the layer table, scripts/check-layers.mjs).
    return (argv, io) => daemonCommand(argv, io, () => import("./daemon/main.js"));
  },
  openclaw: async () => (await import("./commands/openclaw.js")).openclawCommand,
  mcp: async () => {
    const { mcpCommand } = await import("./commands/mcp.js");
    // The MCP server and its SDK are loaded only for this command (cli.ts passes it in).
    return (argv, io) => mcpCommand(argv, io, () => import("./mcp/server.js"));
  },
};

const HELP = `cctask — run Claude Code tasks in the background, supervised, and know how they ended.

Usage: cctask <command> [options]

  run      start a task (cctask run --task "…" --project DIR)
  status   one run in detail, or the active runs
  list     recent runs (alias: ps)
  logs     a run's events, readable (-f to follow, --raw for JSONL)
  wait     block until runs end; the exit code tells the outcome
  events   what the daemon does, as it happens (--json: JSON Lines, for scripts)
  cancel   stop a run
  result   print a run's final text
  notify   (for the agent inside a run) post a progress update
  notifications  what a run sent where, and what failed and why
  sessions the registry of Claude sessions: list, show, label, forget, import
  daemon   start|stop|status the background daemon (rarely needed)
  openclaw install-skill: teach OpenClaw agents to use cctask
  mcp      serve cctask's tools to an MCP client over stdio (claude mcp add cctask -- cctask mcp)

Every command takes --help. State lives in $CCTASK_HOME (default ~/.cctask).
`;

/**
 * Node 22+ keeps the compiled code of the modules a command loads, so the next CLI (and a daemon
 * started cold) skips compiling them. Only inside an existing state directory: it is private
 * (0700), where a shared /tmp cache could be written by another user.
 */
function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  const home = stateDir();
  if (enable && existsSync(home)) enable(statePath(home, "compileCache"));
}

async function main(argv: string[]): Promise<number> {
  enableCompileCache();
  const io = processIo();
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(HELP);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-V") {
    io.out(VERSION);
    return ExitCode.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.err(
      `cctask: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}. See: cctask --help`,
    );
    return ExitCode.usage;
  }
  try {
    return await (await load())(rest, io);
  } catch (e) {
    if (isCctaskError(e)) {
      io.err(`cctask ${name}: ${e.message}`);
      return e.exitCode;
    }
    const storage = describeStorageError(e, stateDir(io.env));
    if (storage) {
      io.err(`cctask ${name}: ${storage}`);
      return ExitCode.unavailable;
    }
    io.err(`cctask ${name}: internal error: ${readableStack(e)}`);
    return ExitCode.internal;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code; // -1: a long-lived command (the daemon) keeps running
  },
  (e) => {
    process.stderr.write(`cctask: ${readableStack(e)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
