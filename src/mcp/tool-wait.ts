/**
 * wait_for_run: follows the run's events (GET /events, across daemon restarts) until its
 * run.ended or the time is up, and turns each event into an MCP progress notification.
 */
import { timeoutSeconds } from "../commands/args.js";
import { formatEvent } from "../commands/event-format.js";
import { isFinal } from "../run-state.js";
import { optionalNumberText, runIdArg, type ToolArgs } from "./arguments.js";
import { getRunView, type McpContext, type ToolAnswer } from "./context.js";
import { describeRun, runSummary } from "./views.js";

/** Under the 60 s a request may take in many clients (the SDK's default); the answer says to call again. */
const DEFAULT_WAIT_SECONDS = 50;
/** A progress note this often while no event comes, so a client that resets its timeout on progress waits on. */
const TICK_MS = 10_000;

export interface WaitControl {
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
  /** Reports progress; a no-op when the client asked for none. */
  progress(count: number, message: string): Promise<void>;
}

export async function waitForRun(ctx: McpContext, args: ToolArgs, control: WaitControl): Promise<ToolAnswer> {
  const id = runIdArg(args);
  const seconds =
    timeoutSeconds("timeoutSeconds", optionalNumberText(args, "timeoutSeconds", DEFAULT_WAIT_SECONDS)) ??
    DEFAULT_WAIT_SECONDS;
  const client = await ctx.connect();
  const before = await getRunView(client, id);
  if (!isFinal(before.state)) {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), seconds * 1000);
    const cancelled = () => stop.abort();
    control.signal.addEventListener("abort", cancelled);
    let count = 0;
    const started = Date.now();
    const tick = setInterval(() => {
      const waited = Math.round((Date.now() - started) / 1000);
      void control.progress(++count, `run ${before.id}: still waiting (${waited} s)`);
    }, TICK_MS);
    try {
      for await (const e of client.events({ runId: before.id, after: 0, signal: stop.signal })) {
        await control.progress(++count, formatEvent(e));
        if (e.type === "run.ended") break;
      }
    } finally {
      clearInterval(tick);
      clearTimeout(timer);
      control.signal.removeEventListener("abort", cancelled);
    }
  }
  const v = isFinal(before.state) ? before : await client.get(before.id);
  const ended = isFinal(v.state);
  return {
    structured: { ...runSummary(v), ended },
    text: ended
      ? describeRun(v)
      : `${describeRun(v)} (still going after ${seconds} s; call wait_for_run again)`,
  };
}
