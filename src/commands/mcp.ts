/**
 * `cctask mcp`: serve cctask's tools to an MCP client over standard input and output. The
 * server (src/mcp/) is loaded only here, through cli.ts, so no other command pays for the SDK.
 */
import { connectDaemon, ensureStateDir } from "../client.js";
import { stateDir } from "../state-dir.js";
import { parseCommandArgs } from "./args.js";
import { type CommandIo, printHelp } from "./io.js";

export const MCP_HELP = `Usage: cctask mcp

Serves cctask to an MCP client (Claude Code, Claude Desktop, any other) over standard input and
output: tools run_task, get_run, list_runs, wait_for_run, get_result, cancel_run, list_sessions,
get_notifications, and resources cctask://runs/{id} and cctask://runs/{id}/result. The client
starts it; e.g.  claude mcp add cctask -- cctask mcp
`;

export interface McpServerModule {
  serveStdio(
    ctx: {
      home: string;
      cwd: string;
      env: NodeJS.ProcessEnv;
      connect: () => ReturnType<typeof connectDaemon>;
    },
    log: (text: string) => void,
  ): Promise<void>;
}

export async function mcpCommand(
  argv: string[],
  io: CommandIo,
  loadServer: () => Promise<McpServerModule>,
): Promise<number> {
  const args = parseCommandArgs(
    "mcp",
    argv,
    { help: { type: "boolean", short: "h" } },
    { maxPositionals: 0 },
  );
  if (args.values.help) return printHelp(io, MCP_HELP);
  const home = stateDir(io.env);
  ensureStateDir(home);
  const { serveStdio } = await loadServer();
  // Standard output carries the protocol: warnings go to standard error, as everything else.
  const connect = () => connectDaemon(home, { autostart: true, warn: io.err });
  await serveStdio({ home, cwd: io.cwd, env: io.env, connect }, io.err);
  return 0;
}
