/** An OpenClaw route as routing would resolve it, for wake tests. */
import type { OpenClawRoute } from "../../src/route.js";

export const SESSION_UUID = "3f9a2b10-7c4d-4e8f-9a1b-2c3d4e5f6a7b";

export function testRoute(over: Partial<OpenClawRoute> = {}): OpenClawRoute {
  return {
    sessionKey: "agent:main:telegram:group:-1009876:topic:7",
    agentId: "main",
    family: "telegram-topic",
    channel: "telegram",
    target: "-1009876",
    threadId: "7",
    replyTo: null,
    sessionId: SESSION_UUID,
    wakeKey: "agent:main:telegram:group:-1009876:topic:7",
    resolvedFrom: "key",
    traceLive: false,
    execShell: false,
    launchEnv: {},
    ...over,
  };
}
