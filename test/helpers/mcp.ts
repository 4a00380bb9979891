/**
 * An MCP client (the SDK's own) talking to `node dist/cli.js mcp` over stdio in a sandbox. The
 * server's PID is kept so cleanup can kill it even when close() could not.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { CLI, isAlive, type Sandbox } from "./cctask.js";

export interface McpSession {
  client: Client;
  pid: number;
  stderr: () => string;
  /** Calls a tool; the result as the client got it (structuredContent, text, isError). */
  call(
    name: string,
    args: Record<string, unknown>,
    opts?: { onprogress?: (p: { progress: number; message?: string }) => void; timeoutMs?: number },
  ): Promise<{ structured: Record<string, unknown>; text: string; isError: boolean }>;
  close(): Promise<void>;
}

export async function startMcp(sb: Sandbox): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "mcp"],
    env: sb.env,
    cwd: sb.root,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const client = new Client({ name: "cctask-test", version: "0.0.0" });
  await client.connect(transport);
  const pid = transport.pid!;
  return {
    client,
    pid,
    stderr: () => stderr,
    async call(name, args, opts = {}) {
      const r = (await client.callTool({ name, arguments: args }, undefined, {
        ...(opts.onprogress ? { onprogress: opts.onprogress, resetTimeoutOnProgress: true } : {}),
        timeout: opts.timeoutMs ?? 60_000,
      })) as CallToolResult;
      const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
      return {
        structured: (r.structuredContent ?? {}) as Record<string, unknown>,
        text,
        isError: r.isError === true,
      };
    },
    async close() {
      await client.close().catch(() => undefined);
      if (isAlive(pid)) process.kill(pid, "SIGKILL");
    },
  };
}
