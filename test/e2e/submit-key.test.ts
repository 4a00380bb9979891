/**
 * A launch asked twice with one idempotency key starts one run: the daemon answers the repeat
 * with the first launch's run, while it is in progress, after it, and after a daemon restart.
 * A launch whose connection is reset after the daemon read it is asked again by the client and
 * still starts once. A daemon that never answers the launch ends it at its deadline, exit 3.
 */
import { mkdirSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { connect, createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DaemonClient } from "../../src/client.js";
import type { RunView, SubmitRequest } from "../../src/protocol.js";
import { createSandbox, type Sandbox } from "../helpers/cctask.js";

let sb: Sandbox;
let server: Server | HttpServer | undefined;
afterEach(async () => {
  if (server && "closeAllConnections" in server) server.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = undefined;
  await sb?.cleanup();
});

/** The request `cctask run -t TASK -p PROJECT` sends, with the given key. */
function launchRequest(sb: Sandbox, task: string, key: string): SubmitRequest {
  return {
    task,
    projectDir: sb.project,
    projectExplicit: true,
    createProject: false,
    timeoutSeconds: null,
    resume: null,
    sessionLabel: null,
    model: null,
    outputFile: null,
    maxBudgetUsd: null,
    permissionMode: "bypassPermissions",
    completionMode: "single",
    notify: ["console"],
    heartbeatMode: null,
    allowOfflineDelivery: false,
    umask: 0o022,
    maxIterations: null,
    extraArgs: [],
    claudeBin: null,
    cwd: sb.root,
    env: sb.env,
    idempotencyKey: key,
  };
}

async function runIds(sb: Sandbox): Promise<string[]> {
  return (await sb.json<RunView[]>(["list"])).map((r) => r.id);
}

describe("a launch with an idempotency key", () => {
  it("starts one run however often it is asked, also across a daemon restart", async () => {
    sb = createSandbox();
    await sb.cli(["daemon", "start"]);
    const client = new DaemonClient(join(sb.home, "daemon.sock"));
    const req = launchRequest(sb, "REPLAY_EMIT_FOR_S=1 REPLAY_INTERVAL_MS=100", "key-one-run-only-0001");
    const [a, b] = await Promise.all([client.submit(req), client.submit(req)]);
    const c = await client.submit(req);
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(c.pid).toBe(a.pid);
    expect(await runIds(sb)).toEqual([a.id]);

    expect((await sb.cli(["wait", a.id])).code).toBe(0);
    expect((await sb.cli(["daemon", "stop"])).code).toBe(0);
    await sb.cli(["daemon", "start"]);
    const after = await new DaemonClient(join(sb.home, "daemon.sock")).submit(req);
    expect(after.id).toBe(a.id);
    expect(after.state).toBe("succeeded");
    expect(await runIds(sb)).toEqual([a.id]);

    const other = await client.submit(launchRequest(sb, "REPLAY_RESULT=x", "key-another-launch-02"));
    expect(other.id).not.toBe(a.id);
  });

  it("is asked again after a reset connection and still starts one run", async () => {
    sb = createSandbox();
    await sb.cli(["daemon", "start"]);
    // In front of the daemon: the first connection's request reaches the daemon, its answer never
    // reaches the client (the connection is reset instead).
    const proxy = join(sb.root, "proxy.sock");
    let connections = 0;
    server = createServer((sock) => {
      const first = ++connections === 1;
      const up = connect(join(sb.home, "daemon.sock"));
      sock.pipe(up);
      up.on("data", (c: Buffer) => {
        if (first)
          sock.destroy(); // the client sees "socket hang up" (ECONNRESET)
        else sock.write(c);
      });
      up.on("end", () => sock.end());
      sock.on("error", () => up.destroy());
      up.on("error", () => sock.destroy());
    });
    await new Promise<void>((r) => server!.listen(proxy, r));
    const receipt = await new DaemonClient(proxy).submit(
      launchRequest(sb, "REPLAY_RESULT=once", "key-reset-then-again-03"),
    );
    expect(connections).toBe(2);
    expect(await runIds(sb)).toEqual([receipt.id]);
    expect((await sb.cli(["wait", receipt.id])).code).toBe(0);
  });
});

describe("a daemon that never answers a launch", () => {
  it("ends the launch at the deadline with what happened and what to do, exit 3", async () => {
    sb = createSandbox();
    // Answers its health check, then takes the launch and never answers (as if stopped just then).
    const socket = join(sb.home, "daemon.sock");
    server = createHttpServer((req, res) => {
      if (req.method === "GET") res.end(JSON.stringify({ ok: true, pid: process.pid }));
    });
    mkdirSync(sb.home, { mode: 0o700 });
    await new Promise<void>((r) => server!.listen(socket, r));
    const r = await sb.cli(["run", "-t", "REPLAY_RESULT=x", "-p", sb.project], {
      env: { CCTASK_SUBMIT_DEADLINE_MS: "400" },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `cctask run: the cctask daemon at ${socket} did not answer the launch within 0.4 s. ` +
        `Check it with cctask daemon status and its log ${join(sb.home, "daemon.log")}, or restart it ` +
        "(cctask daemon stop, then cctask daemon start). If it was only slow, the run may still " +
        "start: see cctask list before you launch it again.\n",
    );
  });
});
