/**
 * DaemonClient against a socket that drops connections: a GET is asked again, and so is a launch
 * that carries its idempotency key, any other POST never; a launch the daemon never answers ends
 * at its deadline; and the paths it builds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DaemonClient, routeTarget } from "../../src/client.js";
import { ExitCode, UnavailableError } from "../../src/errors.js";
import type { SubmitRequest } from "../../src/protocol.js";

let server: Server | undefined;
let dir: string | undefined;
const hung: Socket[] = [];
afterEach(async () => {
  for (const s of hung.splice(0)) s.destroy(); // else close() waits for them
  await new Promise((r) => (server ? server.close(r) : r(null)));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/**
 * A daemon stand-in that closes the first `drops` connections once the request arrives, without
 * an answer (the client sees "socket hang up", ECONNRESET), then answers {"ok":true}.
 */
async function flakyDaemon(
  drops: number,
): Promise<{ path: string; connections: () => number; requests: string[] }> {
  dir = mkdtempSync(join(tmpdir(), "cctask-client-"));
  const path = join(dir, "daemon.sock");
  let seen = 0;
  const requests: string[] = [];
  server = createServer((sock) => {
    seen++;
    if (seen <= drops) {
      sock.once("data", (c: Buffer) => {
        requests.push(c.toString());
        sock.destroy();
      });
      return;
    }
    sock.once("data", (c: Buffer) => {
      requests.push(c.toString());
      const body = '{"ok":true}';
      sock.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((r) => server!.listen(path, r));
  return { path, connections: () => seen, requests };
}

/** A daemon stand-in that takes every request and never answers (a stopped or stuck daemon). */
async function hungDaemon(): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), "cctask-client-"));
  const path = join(dir, "daemon.sock");
  server = createServer((sock) => {
    hung.push(sock);
    sock.on("data", () => {});
  });
  await new Promise<void>((r) => server!.listen(path, r));
  return path;
}

const KEY = "k0SameKeyForEveryAttempt";
/** The daemon stand-ins read no field but the key. */
const LAUNCH = { task: "x", idempotencyKey: KEY } as SubmitRequest;

describe("DaemonClient", () => {
  it("asks a GET again when its connection is reset before the answer", async () => {
    const d = await flakyDaemon(2);
    const answer = await new DaemonClient(d.path).call("GET", "/runs/x");
    expect(answer).toEqual({ ok: true });
    expect(d.connections()).toBe(3);
  });

  it("gives up after four resets, with the reset", async () => {
    const d = await flakyDaemon(10);
    await expect(new DaemonClient(d.path).call("GET", "/runs/x")).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    expect(d.connections()).toBe(4);
  });

  it("never sends a POST twice: the daemon may have acted on it", async () => {
    const d = await flakyDaemon(1);
    await expect(new DaemonClient(d.path).call("POST", "/runs", {})).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    expect(d.connections()).toBe(1);
  });

  it("asks a launch again, with the same key, when its connection is reset after it was read", async () => {
    const d = await flakyDaemon(2);
    const answer = await new DaemonClient(d.path).submit(LAUNCH);
    expect(answer).toEqual({ ok: true });
    expect(d.connections()).toBe(3);
    const keys = d.requests.map((r) => JSON.parse(r.slice(r.indexOf("\r\n\r\n") + 4)).idempotencyKey);
    expect(keys).toEqual([KEY, KEY, KEY]);
  });

  it("never sends a launch without a key twice", async () => {
    const d = await flakyDaemon(1);
    await expect(new DaemonClient(d.path).submit({ task: "x" } as SubmitRequest)).rejects.toMatchObject({
      code: "ECONNRESET",
    });
    expect(d.connections()).toBe(1);
  });

  it("gives up on a launch the daemon never answers, at its deadline, saying what to do", async () => {
    const path = await hungDaemon();
    const failure = await new DaemonClient(path).submit(LAUNCH, 300).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UnavailableError);
    expect((failure as UnavailableError).exitCode).toBe(ExitCode.unavailable);
    expect((failure as Error).message).toBe(
      `the cctask daemon at ${path} did not answer the launch within 0.3 s. ` +
        `Check it with cctask daemon status and its log ${join(dir!, "daemon.log")}, or restart it ` +
        "(cctask daemon stop, then cctask daemon start). If it was only slow, the run may still " +
        "start: see cctask list before you launch it again.",
    );
  });
});

/** How the client turns a route of protocol.ts and its input into a method and a path. */
describe("routeTarget", () => {
  it("fills path parameters in, encoded, and sends nothing else when there is nothing else", () => {
    expect(routeTarget("GET /runs/:id", { id: "3f9a" })).toEqual({ method: "GET", path: "/runs/3f9a" });
    expect(routeTarget("POST /sessions/:key/label", { key: "fix #2 / now" })).toEqual({
      method: "POST",
      path: "/sessions/fix%20%232%20%2F%20now/label",
    });
    expect(routeTarget("GET /health", {})).toEqual({ method: "GET", path: "/health" });
  });

  it('encodes "." and ".." so that no URL rule turns them into another route', () => {
    expect(routeTarget("GET /runs/:id", { id: "." }).path).toBe("/runs/%2E");
    expect(routeTarget("POST /runs/:id/cancel", { id: ".." }).path).toBe("/runs/%2E%2E/cancel");
    expect(routeTarget("GET /runs/:id", { id: "a.b" }).path).toBe("/runs/a.b");
  });

  it("refuses an id longer than a request line can carry, without echoing all of it", () => {
    expect(() => routeTarget("GET /runs/:id", { id: "x".repeat(1001) })).toThrow(
      `"${"x".repeat(40)}…" (1001 characters) is not an id, key or label cctask knows: those are at most 1000 characters.`,
    );
    expect(routeTarget("GET /runs/:id", { id: "x".repeat(1000) }).path).toHaveLength(1006);
  });

  it("puts the rest of the input in the query, in its order, leaving out what is undefined", () => {
    expect(routeTarget("GET /runs", { limit: 20, active: "1" })).toEqual({
      method: "GET",
      path: "/runs?limit=20&active=1",
    });
    expect(routeTarget("GET /runs", { limit: 50, active: undefined }).path).toBe("/runs?limit=50");
    expect(routeTarget("GET /sessions", { hours: "0", label: "a&b" }).path).toBe(
      "/sessions?hours=0&label=a%26b",
    );
    expect(routeTarget("GET /events", { run: undefined }).path).toBe("/events");
  });
});

describe("an answer that is not the API's JSON", () => {
  it("says what was asked and where to look next", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-client-"));
    const path = join(dir, "daemon.sock");
    server = createServer((sock) =>
      sock.once("data", () => sock.end("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n<html")),
    );
    await new Promise<void>((r) => server!.listen(path, r));
    await expect(new DaemonClient(path).call("GET", "/runs/abc")).rejects.toThrow(
      `the cctask daemon sent an unreadable answer to GET /runs/abc. Check its log ${join(dir, "daemon.log")}; cctask daemon stop, then any command, starts a fresh one.`,
    );
  });
});
