/**
 * `cctask mcp`: an MCP server on standard input and output, built on the official SDK, and a thin
 * client of the daemon: every tool and resource is a call to the daemon's API. A handler's error
 * becomes a tool error (or, for resources, a JSON-RPC error) with cctask's message; nothing a
 * client sends can stop the server.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { errorMessage, isCctaskError, NotFoundError, UsageError } from "../errors.js";
import { describeBytes, MCP_LINE_MAX_BYTES, TASK_MAX_BYTES } from "../limits.js";
import { VERSION } from "../version.js";
import { refuseUnknown, type ToolArgs } from "./arguments.js";
import { guardToolCalls } from "./call-guard.js";
import type { McpContext, ToolAnswer } from "./context.js";
import { LineGuard } from "./line-guard.js";
import { listRunResources, RESOURCE_TEMPLATES, readRunResource } from "./resources.js";
import { RunSubscriptions } from "./subscriptions.js";
import { runTask } from "./tool-run-task.js";
import { TOOL_ARGUMENTS, TOOL_SCHEMAS } from "./tool-schemas.js";
import { type WaitControl, waitForRun } from "./tool-wait.js";
import { cancelRun, getNotifications, getResult, getRun, listRuns, listSessions } from "./tools-runs.js";

type Handler = (ctx: McpContext, args: ToolArgs, control: WaitControl) => Promise<ToolAnswer>;

// a Map, not an object: a tool named "toString" or "__proto__" must find nothing
const HANDLERS = new Map<string, Handler>([
  ["run_task", runTask],
  ["get_run", getRun],
  ["list_runs", listRuns],
  ["wait_for_run", waitForRun],
  ["get_result", getResult],
  ["cancel_run", cancelRun],
  ["list_sessions", listSessions],
  ["get_notifications", getNotifications],
]);

const INSTRUCTIONS =
  "cctask runs Claude Code tasks in the background under a supervising daemon. Start one with run_task " +
  "(it returns at once with the run id), then wait_for_run, get_run or get_result; runId accepts a unique prefix.";

export function createMcpServer(ctx: McpContext, log: (text: string) => void): Server {
  const server = new Server(
    { name: "cctask", version: VERSION },
    {
      capabilities: { tools: {}, resources: { subscribe: true } },
      instructions: INSTRUCTIONS,
    },
  );
  const subscriptions = new RunSubscriptions(
    ctx,
    (uri) => server.sendResourceUpdated({ uri }).catch((e) => log(`cctask mcp: ${errorMessage(e)}`)),
    log,
  );
  server.onclose = () => subscriptions.close();
  // e.g. a line on standard input that is not JSON-RPC: said on stderr, and the server goes on
  server.onerror = (e) => log(`cctask mcp: ${errorMessage(e)}`);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...TOOL_SCHEMAS] }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = (request.params.arguments ?? {}) as ToolArgs;
    const token = request.params._meta?.progressToken;
    const control: WaitControl = {
      signal: extra.signal,
      progress: async (progress, message) => {
        if (token === undefined) return;
        await extra
          .sendNotification({
            method: "notifications/progress",
            params: { progressToken: token, progress, message },
          })
          .catch(() => undefined); // a lost progress note is no reason to fail the wait
      },
    };
    try {
      const handler = HANDLERS.get(name);
      if (!handler)
        throw new UsageError(`no tool "${name}"; cctask's tools are ${[...HANDLERS.keys()].join(", ")}`);
      refuseUnknown(name, args, TOOL_ARGUMENTS[name] ?? []);
      const answer = await handler(ctx, args, control);
      return {
        content: [{ type: "text", text: answer.text }],
        structuredContent: answer.structured,
        ...(answer.isError ? { isError: true } : {}),
      };
    } catch (e) {
      if (!isCctaskError(e)) log(`cctask mcp: ${name}: internal error: ${(e as Error)?.stack ?? e}`);
      const text = isCctaskError(e) ? e.message : `internal error: ${errorMessage(e)}`;
      return { content: [{ type: "text", text }], isError: true };
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async () =>
    resourceCall(async () => ({ resources: await listRunResources(ctx) })),
  );
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: RESOURCE_TEMPLATES,
  }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) =>
    resourceCall(async () => ({ contents: await readRunResource(ctx, request.params.uri) })),
  );
  server.setRequestHandler(SubscribeRequestSchema, async (request) =>
    resourceCall(async () => {
      await subscriptions.subscribe(request.params.uri);
      return {};
    }),
  );
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.unsubscribe(request.params.uri);
    return {};
  });
  return server;
}

/** Resource requests fail as JSON-RPC errors: MCP has no "resource error" result. */
async function resourceCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NotFoundError) throw new McpError(-32002, e.message);
    if (e instanceof UsageError) throw new McpError(ErrorCode.InvalidParams, e.message);
    throw new McpError(ErrorCode.InternalError, errorMessage(e));
  }
}

/** Serves on stdin/stdout until the client closes standard input. */
export async function serveStdio(ctx: McpContext, log: (text: string) => void): Promise<void> {
  const server = createMcpServer(ctx, log);
  const lines = new LineGuard(MCP_LINE_MAX_BYTES, (bytes, id) => {
    const message = oversizedMessage(bytes);
    log(`cctask mcp: ${message}`);
    if (id !== null)
      void transport
        .send({ jsonrpc: "2.0", id, error: { code: ErrorCode.InvalidRequest, message } })
        .catch((e) => log(`cctask mcp: ${errorMessage(e)}`));
  });
  // the guard hands on whole lines within the limit only, so this buffer never overflows
  const transport = new StdioServerTransport(lines, process.stdout, {
    maxBufferSize: MCP_LINE_MAX_BYTES + 1,
  });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  process.stdin.pipe(lines);
  await server.connect(transport);
  guardToolCalls(transport, log);
  process.stdin.once("end", () => void server.close());
  await closed;
  process.stdin.unpipe(lines);
}

export function oversizedMessage(bytes: number): string {
  return (
    `a request of ${bytes} bytes is over the limit of ${describeBytes(MCP_LINE_MAX_BYTES)} a line; ` +
    `nothing was done. A task may be at most ${describeBytes(TASK_MAX_BYTES)}: put long material in a file and name it in the task`
  );
}
