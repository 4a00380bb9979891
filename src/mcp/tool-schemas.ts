/**
 * The tools' names, descriptions and JSON Schemas (tools/list). The argument names are a
 * contract clients rely on; the checks themselves happen in the handlers, in cctask's words.
 */
import { TIMEOUT_MAX_SECONDS, TIMEOUT_MIN_SECONDS } from "../limits.js";
import { FINAL_STATES } from "../run-state.js";

type Schema = Record<string, unknown>;

export interface ToolSchema {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; properties: Record<string, Schema>; required?: string[] };
}

export const RUN_STATES = ["queued", "starting", "running", ...FINAL_STATES] as const;

const runId: Schema = {
  type: "string",
  description: "a run id, or a unique prefix of one (list_runs shows them)",
};
const timeout = (what: string): Schema => ({
  type: "integer",
  minimum: TIMEOUT_MIN_SECONDS,
  maximum: TIMEOUT_MAX_SECONDS,
  description: what,
});

const object = (properties: Record<string, Schema>, required: string[] = []): ToolSchema["inputSchema"] => ({
  type: "object",
  properties,
  ...(required.length ? { required } : {}),
});

/** How many of the most recent runs list_runs reads to pick those in one state from. */
export const STATE_SCAN = 500;

export const TOOL_SCHEMAS: readonly ToolSchema[] = [
  {
    name: "run_task",
    title: "Run a Claude Code task",
    description:
      "Starts Claude Code on a task in the background, supervised by the cctask daemon, and returns at once with the run id, its state and the agent's PID. Follow it with wait_for_run, get_run and get_result.",
    inputSchema: object(
      {
        task: { type: "string", description: "what Claude should do (UTF-8 text, at most 10 MB)" },
        project: {
          type: "string",
          description:
            "the working directory; it must exist unless createProject is true; a relative path is taken from the directory the server started in (default: a scratch directory of cctask's)",
        },
        createProject: {
          type: "boolean",
          description: "create the project directory when it does not exist (default false)",
        },
        timeoutSeconds: timeout("wall-clock limit in whole seconds (default 7200)"),
        resume: { type: "string", description: "continue an earlier Claude session, by its id or its label" },
        label: { type: "string", description: "a label for the session, to resume it by later" },
        notify: {
          type: "array",
          items: { type: "string" },
          description:
            "where to report: telegram:<chatId>, telegram:<chatId>:topic:<threadId>, openclaw:<channel>:<target>, webhook:<https-url>, console",
        },
        session: {
          type: "string",
          description:
            "the OpenClaw session key to report to and wake when the run ends, e.g. agent:main:main",
        },
        model: { type: "string", description: "passed to claude --model" },
        agent: { type: "string", enum: ["claude"], description: "the agent to run (only claude today)" },
        completionMode: {
          type: "string",
          enum: ["single", "iterate"],
          description: "iterate: count the runs of a session, up to maxIterations",
        },
        maxIterations: {
          type: "integer",
          minimum: 1,
          maximum: 10_000,
          description: "iterate mode: refuse a launch past this many runs (default 5)",
        },
      },
      ["task"],
    ),
  },
  {
    name: "get_run",
    title: "Get a run",
    description:
      "A run's status and progress: state, elapsed time, tokens, cost, tool calls, current activity.",
    inputSchema: object({ runId }, ["runId"]),
  },
  {
    name: "list_runs",
    title: "List runs",
    description: "The most recent runs, newest first.",
    inputSchema: object({
      limit: { type: "integer", minimum: 1, maximum: 500, description: "how many (default 20)" },
      state: {
        type: "string",
        enum: ["active", ...RUN_STATES],
        description: `only runs in this state (active: queued, starting or running); a state other than active is looked for among the ${STATE_SCAN} most recent runs`,
      },
    }),
  },
  {
    name: "wait_for_run",
    title: "Wait for a run",
    description:
      "Waits until the run ends or timeoutSeconds pass, sending progress notifications meanwhile; returns its state.",
    inputSchema: object(
      {
        runId,
        timeoutSeconds: timeout(
          "how long to wait at most, in whole seconds (default 50, under the 60 s many clients allow a call; call again while the run goes on)",
        ),
      },
      ["runId"],
    ),
  },
  {
    name: "get_result",
    title: "Get a run's result",
    description:
      "The final text of a run that has ended (for one that timed out or was cancelled: what it had written so far).",
    inputSchema: object({ runId }, ["runId"]),
  },
  {
    name: "cancel_run",
    title: "Cancel a run",
    description: "Stops the run (its whole process group) and returns its final state.",
    inputSchema: object({ runId }, ["runId"]),
  },
  {
    name: "list_sessions",
    title: "List Claude sessions",
    description: "The registry of Claude sessions cctask has run, to resume one by id or label.",
    inputSchema: object({
      label: { type: "string", description: "only sessions whose label contains this" },
      project: { type: "string", description: "only sessions of this project directory" },
    }),
  },
  {
    name: "get_notifications",
    title: "Get a run's notifications",
    description: "What the run sent where and when, and what failed and why.",
    inputSchema: object({ runId }, ["runId"]),
  },
];

export const TOOL_ARGUMENTS: Record<string, readonly string[]> = Object.fromEntries(
  TOOL_SCHEMAS.map((t) => [t.name, Object.keys(t.inputSchema.properties)]),
);
