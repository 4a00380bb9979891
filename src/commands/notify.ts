/**
 * `cctask notify "text"`: the agent's own mid-task update, posted to its run's targets. The run's
 * identity comes from the agent's environment (CCTASK_RUN_ID and its capability CCTASK_RUN_TOKEN);
 * `cctask notifications RUN`: what was sent where, when, and what failed and why.
 */
import { connectDaemon } from "../client.js";
import { UsageError } from "../errors.js";
import type { NotificationView } from "../protocol.js";
import { stateDir } from "../state-dir.js";
import { parseCommandArgs } from "./args.js";
import { type CommandIo, printHelp } from "./io.js";

export const NOTIFY_HELP = `Usage: cctask notify "TEXT"

For the agent inside a cctask run: posts a progress update to the run's notification targets.
It works only inside a run (CCTASK_RUN_ID and CCTASK_RUN_TOKEN are set by cctask).
`;

export const NOTIFICATIONS_HELP = `Usage: cctask notifications RUN [--json]

Every notification of the run: kind, target, state (pending, delivered, failed, superseded,
uncertain), attempts, times, and the service's reason for a failure.
`;

export async function notifyCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "notify",
    argv,
    { help: { type: "boolean", short: "h" } },
    { maxPositionals: Number.POSITIVE_INFINITY },
  );
  if (args.values.help) return printHelp(io, NOTIFY_HELP);
  const text = args.positionals.join(" ");
  if (text.trim() === "") throw new UsageError('the update is empty; usage: cctask notify "your message"');
  const runId = io.env.CCTASK_RUN_ID;
  const token = io.env.CCTASK_RUN_TOKEN;
  if (!runId || !token)
    throw new UsageError(
      "cctask notify works only inside a cctask run (CCTASK_RUN_ID / CCTASK_RUN_TOKEN are not set)",
    );
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  const r = await client.notify(runId, token, text);
  io.out(`update queued for ${r.targets} target(s)`);
  return 0;
}

export async function notificationsCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "notifications",
    argv,
    { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    { maxPositionals: 1 },
  );
  if (args.values.help) return printHelp(io, NOTIFICATIONS_HELP);
  const id = args.positionals[0];
  if (!id) throw new UsageError("cctask notifications needs a run id (see cctask list)");
  const client = await connectDaemon(stateDir(io.env), { autostart: true, warn: io.err });
  const run = await client.get(id);
  const list = await client.notifications(run.id);
  if (args.values.json) io.out(JSON.stringify(list));
  else if (list.length === 0)
    io.out(
      run.notify.length
        ? `run ${run.id}: nothing sent yet`
        : `run ${run.id} has no notification targets (--notify)`,
    );
  else for (const n of list) io.out(formatNotification(n));
  return 0;
}

export function formatNotification(n: NotificationView): string {
  const when = (n.deliveredAt ?? n.createdAt).slice(11, 19);
  const tries = n.attempts > 1 ? ` after ${n.attempts} attempts` : "";
  const why = n.error && n.state !== "delivered" ? ` — ${n.error}` : "";
  return `${when}  ${n.kind.padEnd(9)} ${n.state.padEnd(10)} ${n.target}${tries}${why}`;
}
