/** What the MCP server's handlers share: where the state is, and a way to reach the daemon. */
import type { DaemonClient } from "../client.js";
import { NotFoundError } from "../errors.js";
import type { RunView } from "../protocol.js";

export interface McpContext {
  home: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A client of a daemon that answers now (one is started if none runs). */
  connect(): Promise<DaemonClient>;
}

/** A tool's answer: the structured result, and a short text for clients that show only text. */
export interface ToolAnswer {
  structured: Record<string, unknown>;
  text: string;
  /** The call did not do what was asked (e.g. the run ended at once); the result says why. */
  isError?: boolean;
}

/** A run by id or unique prefix; an unknown one is refused naming the tool that lists runs. */
export async function getRunView(client: DaemonClient, id: string): Promise<RunView> {
  try {
    return await client.get(id);
  } catch (e) {
    if (e instanceof NotFoundError)
      throw new NotFoundError(`no run with id "${id}"; list_runs shows the runs there are`);
    throw e;
  }
}
