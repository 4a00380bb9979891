/** DaemonClient against a socket that drops connections: a GET is asked again, a POST never; and the paths it builds. */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DaemonClient, routeTarget } from "../../src/client.js";

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(null)));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/**
 * A daemon stand-in that closes the first `drops` connections once the request arrives, without
 * an answer (the client sees "socket hang up", ECONNRESET), then answers {"ok":true}.
 */
async function flakyDaemon(drops: number): Promise<{ path: string; connections: () => number }> {
  dir = mkdtempSync(join(tmpdir(), "cctask-client-"));
  const path = join(dir, "daemon.sock");
  let seen = 0;
  server = createServer((sock) => {
    seen++;
    if (seen <= drops) {
      sock.once("data", () => sock.destroy());
      return;
    }
    sock.once("data", () => {
      const body = '{"ok":true}';
      sock.end(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((r) => server!.listen(path, r));
  return { path, connections: () => seen };
}

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
