/**
 * A tools/call without a tool name, or whose arguments are not an object, is answered here, before the SDK's
 * schema check, which would answer -32603 with its own validation dump: -32602, in cctask's words.
 */
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

/** What is wrong with a tools/call request's params, or null when the SDK may have it. */
export function toolCallProblem(message: JSONRPCMessage): string | null {
  if (!("method" in message) || message.method !== "tools/call" || !("id" in message)) return null;
  const params: unknown = message.params;
  if (!isPlainObject(params)) return null; // not JSON-RPC: the transport has already dropped it
  if (typeof params.name !== "string")
    return `tools/call needs the tool's name as a string, got ${show(params.name)}; e.g. "name": "get_run"`;
  const args = params.arguments;
  if (args !== undefined && !isPlainObject(args))
    return `the arguments of ${params.name} must be an object of argument names and values, got ${show(args)}; e.g. "arguments": {"runId": "3f9a1c2b"}`;
  return null;
}

/** Wraps the transport's delivery (call after the server has connected to it). */
export function guardToolCalls(transport: Transport, log: (text: string) => void): void {
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const problem = toolCallProblem(message);
    if (problem === null || !("id" in message)) return deliver?.(message, extra);
    void transport
      .send({ jsonrpc: "2.0", id: message.id, error: { code: ErrorCode.InvalidParams, message: problem } })
      .catch((e) => log(`cctask mcp: ${(e as Error).message}`));
  };
}
