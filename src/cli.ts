#!/usr/bin/env node
import { DAEMON_HELP, daemonCommand } from "./commands/daemon.js";
import { type CommandIo, processIo } from "./commands/io.js";
import { LOGS_HELP, logsCommand } from "./commands/logs.js";
import { NOTIFICATIONS_HELP, NOTIFY_HELP, notificationsCommand, notifyCommand } from "./commands/notify.js";
import { RUN_HELP, runCommand } from "./commands/run.js";
import { SESSIONS_HELP, sessionsCommand } from "./commands/sessions.js";
import { LIST_HELP, listCommand, STATUS_HELP, statusCommand } from "./commands/status.js";
/**
 * cctask: argv → command → output. The only place that sets the process exit code.
 */
import {
  CANCEL_HELP,
  cancelCommand,
  RESULT_HELP,
  resultCommand,
  WAIT_HELP,
  waitCommand,
} from "./commands/wait.js";
import { ExitCode, isCctaskError } from "./errors.js";

type Command = (argv: string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  run: { run: runCommand, help: RUN_HELP },
  status: { run: statusCommand, help: STATUS_HELP },
  list: { run: listCommand, help: LIST_HELP },
  ps: { run: listCommand, help: LIST_HELP },
  logs: { run: logsCommand, help: LOGS_HELP },
  wait: { run: waitCommand, help: WAIT_HELP },
  cancel: { run: cancelCommand, help: CANCEL_HELP },
  result: { run: resultCommand, help: RESULT_HELP },
  sessions: { run: sessionsCommand, help: SESSIONS_HELP },
  notify: { run: notifyCommand, help: NOTIFY_HELP },
  notifications: { run: notificationsCommand, help: NOTIFICATIONS_HELP },
  daemon: { run: daemonCommand, help: DAEMON_HELP },
};

const HELP = `cctask — run Claude Code tasks in the background, supervised, and know how they ended.

Usage: cctask <command> [options]

  run      start a task (cctask run --task "…" --project DIR)
  status   one run in detail, or the active runs
  list     recent runs (alias: ps)
  logs     a run's events, readable (-f to follow, --raw for JSONL)
  wait     block until runs end; the exit code tells the outcome
  cancel   stop a run
  result   print a run's final text
  notify   (for the agent inside a run) post a progress update
  notifications  what a run sent where, and what failed and why
  sessions the registry of Claude sessions: list, show, label, forget, import
  daemon   start|stop|status the background daemon (rarely needed)

Every command takes --help. State lives in $CCTASK_HOME (default ~/.cctask).
`;

async function main(argv: string[]): Promise<number> {
  const io = processIo();
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(HELP);
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === "--version" || name === "-V") {
    io.out("0.1.0");
    return ExitCode.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(
      `cctask: unknown command "${name}". Commands: ${Object.keys(COMMANDS).join(", ")}. See: cctask --help`,
    );
    return ExitCode.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isCctaskError(e)) {
      io.err(`cctask ${name}: ${e.message}`);
      return e.exitCode;
    }
    io.err(`cctask ${name}: internal error: ${(e as Error)?.stack ?? e}`);
    return ExitCode.internal;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code; // -1: a long-lived command (the daemon) keeps running
  },
  (e) => {
    process.stderr.write(`cctask: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = ExitCode.internal;
  },
);
