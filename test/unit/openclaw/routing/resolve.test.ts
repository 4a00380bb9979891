/**
 * resolveRoute end to end inside one process: the fake gateway's sessions_list, then a stand-in
 * `openclaw` CLI (a script answering `gateway call sessions.list` / `sessions --json` with the
 * documented shapes), then the store on disk, then OPENCLAW_CHANNEL_CONTEXT.
 */
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveRoute } from "../../../../src/openclaw/routing/resolve.js";
import type { RoutingRequest } from "../../../../src/route.js";
import { type FakeGateway, startFakeGateway } from "../../../fakes/gateway.js";
import { isAlive, ROOT, waitFor } from "../../../helpers/cctask.js";

const FAKE_CLI = join(ROOT, "test/fakes/openclaw-cli.mjs");
const FIX = join(ROOT, "test/fixtures/openclaw/2026.3.2");

let gw: FakeGateway | undefined;
let dir: string;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const TOPIC = "agent:main:main:thread:777";

function req(session: string): RoutingRequest {
  return {
    session,
    notifyChannel: null,
    notifyThreadId: null,
    notifySessionId: null,
    replyToMessageId: null,
    allowMainTelegram: false,
    telegramRoutingMode: "auto",
    allowNoDelivery: false,
    traceLive: true,
  };
}

/** A stand-in openclaw CLI: records its argv and env, answers with `rpc` or fails. */
function fakeOpenclaw(rpc: object | null, sessions: object | null): string {
  const bin = join(dir, "openclaw");
  const script = `#!/usr/bin/env node
const fs = require("node:fs");
fs.appendFileSync(${JSON.stringify(join(dir, "calls.jsonl"))}, JSON.stringify({ argv: process.argv.slice(2), shell: process.env.OPENCLAW_SHELL ?? null, state: process.env.OPENCLAW_STATE_DIR ?? null }) + "\\n");
const rpc = ${JSON.stringify(rpc)}, sessions = ${JSON.stringify(sessions)};
const a = process.argv.slice(2);
if (a[0] === "gateway" && rpc) { console.log("🦞 OpenClaw"); console.log(JSON.stringify(rpc)); process.exit(0); }
if (a[0] === "sessions" && sessions) { console.log(JSON.stringify(sessions)); process.exit(0); }
console.error("gateway closed (1006): no close reason");
process.exit(1);
`;
  writeFileSync(bin, script);
  chmodSync(bin, 0o755);
  return bin;
}

function calls(): { argv: string[]; shell: string | null; state: string | null }[] {
  try {
    return readFileSync(join(dir, "calls.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

const launchEnv = () => ({
  OPENCLAW_STATE_DIR: join(dir, "state"),
  OPENCLAW_SHELL: "exec",
  OPENCLAW_CHANNEL_CONTEXT: '{"sender":{"id":"4242"},"chat":{"id":"4242"}}',
  HOME: dir,
});

describe("resolveRoute", () => {
  it("2026.9.6 hides routing in sessions_list: the RPC sessions.list supplies it (without the exec marker)", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-resolve-"));
    gw = await startFakeGateway({
      sessions: [
        { key: TOPIC, kind: "main", channel: "telegram", sessionId: "s-777", updatedAt: Date.now() },
      ],
    });
    const bin = fakeOpenclaw(
      {
        sessions: [
          {
            key: TOPIC,
            sessionId: "s-777",
            deliveryContext: { channel: "telegram", to: "telegram:9001", threadId: 777 },
            origin: { provider: "telegram", to: "telegram:9001", threadId: 777 },
            updatedAt: Date.now(),
          },
        ],
      },
      null,
    );
    const r = await resolveRoute(
      req(TOPIC),
      launchEnv(),
      {
        gateway: { url: gw.url, token: gw.token },
        openclawBin: bin,
        daemonEnv: { PATH: process.env.PATH },
        now: Date.now(),
      },
      { otherTargets: false },
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.route).toMatchObject({
      channel: "telegram",
      target: "9001",
      threadId: "777",
      sessionId: "s-777",
      resolvedFrom: "gateway-rpc",
      traceLive: true,
      execShell: true,
    });
    expect(calls()).toEqual([
      {
        argv: ["gateway", "call", "sessions.list", "--params", '{"limit":200}', "--json"],
        shell: null,
        state: join(dir, "state"),
      },
    ]);
  });

  it("nothing anywhere but the exec tool's channel context: it names the chat", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-resolve-"));
    const bin = fakeOpenclaw(null, { path: "x.sqlite", count: 0, sessions: [] });
    const r = await resolveRoute(
      req(TOPIC),
      launchEnv(),
      {
        gateway: { problem: "no gateway configured" },
        openclawBin: bin,
        daemonEnv: { PATH: process.env.PATH },
        now: Date.now(),
      },
      { otherTargets: false },
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.route).toMatchObject({ target: "4242", threadId: "777", resolvedFrom: "channel-context" });
    expect(r.lookups).toEqual([
      "gateway: no gateway configured",
      "openclaw gateway call sessions.list: gateway closed (1006): no close reason",
      `disk: no OpenClaw session store under ${join(dir, "state")}/agents/main`,
    ]);
    expect(calls().map((c) => c.argv[0])).toEqual(["gateway", "sessions"]);
  });

  it("a key that names its chat needs no CLI when the gateway knows the session", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-resolve-"));
    const key = "agent:main:telegram:group:-100:topic:3";
    gw = await startFakeGateway({ sessions: [{ key, sessionId: "s-3", updatedAt: Date.now() }] });
    const bin = fakeOpenclaw(null, null);
    const r = await resolveRoute(
      req(key),
      {},
      {
        gateway: { url: gw.url, token: gw.token },
        openclawBin: bin,
        daemonEnv: { PATH: process.env.PATH },
        now: Date.now(),
      },
      { otherTargets: false },
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.route).toMatchObject({ target: "-100", threadId: "3", sessionId: "s-3", execShell: false });
    expect(calls()).toEqual([]);
  });

  it("an RPC lookup slower than the CLI budget is stopped, helpers and all, and the store on disk answers at once", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-resolve-"));
    cpSync(join(FIX, "agents"), join(dir, "state", "agents"), { recursive: true });
    const key = "agent:main:main";
    const sessionId = "0b7f6c2e-1111-4c1d-8a55-5d5f7e0c9a01";
    // 2026.9.6: sessions_list knows the session but not where it delivers
    gw = await startFakeGateway({
      sessions: [{ key, sessionId, kind: "main", channel: "telegram", updatedAt: Date.now() }],
    });
    writeFileSync(join(dir, "rpc.json"), JSON.stringify({ sessions: [] }));
    const started = Date.now();
    const r = await resolveRoute(
      { ...req(key), allowMainTelegram: true }, // the copied topic transcript is "recent"
      { OPENCLAW_STATE_DIR: join(dir, "state") },
      {
        gateway: { url: gw.url, token: gw.token },
        openclawBin: FAKE_CLI,
        daemonEnv: {
          PATH: process.env.PATH,
          FAKE_OPENCLAW_LOG: join(dir, "cli.log"),
          FAKE_OPENCLAW_SESSIONS: join(dir, "rpc.json"),
          FAKE_OPENCLAW_LIST_DELAY_MS: "60000",
        },
        now: Date.now(),
        cliBudgetMs: 1500,
      },
      { otherTargets: false },
    );
    const took = Date.now() - started;
    if (!r.ok) throw new Error(r.message);
    expect(r.route).toMatchObject({
      channel: "telegram",
      target: "111222333",
      sessionId,
      resolvedFrom: "disk",
    });
    expect(r.lookups).toEqual([
      "openclaw gateway call sessions.list: no answer within 1.5 s (stopped)",
      "openclaw sessions --json: not tried (the 1.5 s for CLI lookups is spent)",
    ]);
    expect(took).toBeLessThan(1500 + 2000);
    const log = readFileSync(join(dir, "cli.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { command: string; pid: number; helper: number });
    expect(log.map((l) => l.command)).toEqual(["gateway call sessions.list"]);
    // nothing of the stopped lookup is left running (killed at once; reaped a moment later)
    await waitFor(
      () => !isAlive(log[0]!.pid) && !isAlive(log[0]!.helper),
      2000,
      "the stopped CLI to be gone",
    );
  });
});
