/**
 * The route table and its two sides agree: every route of protocol.ts has exactly one handler in
 * the daemon, and every path the client builds for a route reaches that route's handler with the
 * same parameters. A path that is no route is answered 404 with the not_found kind, which the
 * client turns into the error that exits 4.
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DaemonClient, routeTarget } from "../../../src/client.js";
import { createApi, HANDLERS } from "../../../src/daemon/api.js";
import { type ApiDeps, matchRoute } from "../../../src/daemon/api-route.js";
import { ExitCode, NotFoundError } from "../../../src/errors.js";
import { ROUTE_KEYS, type RouteKey } from "../../../src/protocol.js";

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/** Values for a route's path parameters, with characters that need encoding. */
function sampleParams(route: RouteKey): Record<string, string> {
  const names = route
    .split(" ")[1]!
    .split("/")
    .filter((s) => s.startsWith(":"));
  return Object.fromEntries(names.map((n, i) => [n.slice(1), i === 0 ? "a b/c%d" : `x${i}`]));
}

describe("the route table", () => {
  it("has exactly one daemon handler per route, and no handler for anything else", () => {
    expect(new Set(ROUTE_KEYS).size).toBe(ROUTE_KEYS.length);
    expect(Object.keys(HANDLERS).sort()).toEqual([...ROUTE_KEYS].sort());
    for (const key of ROUTE_KEYS) expect(typeof HANDLERS[key]).toBe("function");
  });

  it.each(ROUTE_KEYS.map((k) => [k]))(
    "routes the client's %s to its own handler with its parameters",
    (key) => {
      const params = sampleParams(key);
      const { method, path } = routeTarget(key, params as never);
      const url = new URL(path, "http://cctask");
      expect(matchRoute(method, url.pathname)).toEqual({ key, params });
    },
  );

  it("prefers a literal segment to a parameter, and matches the method too", () => {
    expect(matchRoute("POST", "/sessions/import")).toEqual({ key: "POST /sessions/import", params: {} });
    expect(matchRoute("GET", "/sessions/import")).toEqual({
      key: "GET /sessions/:key",
      params: { key: "import" },
    });
    expect(matchRoute("DELETE", "/runs/abc")).toBeNull();
    expect(matchRoute("GET", "/runs/abc/wait")).toBeNull();
    expect(matchRoute("GET", "/runs/abc/")).toEqual({ key: "GET /runs/:id", params: { id: "abc" } });
  });

  it("refuses a path segment that is not valid percent-encoding as bad input", () => {
    expect(() => matchRoute("GET", "/runs/%E0%A4%A")).toThrow(
      'the path segment "%E0%A4%A" is not valid percent-encoding',
    );
  });
});

describe("an unknown route", () => {
  it("is answered 404 with the not_found kind, which the client turns into the exit code 4", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-api-"));
    const socket = join(dir, "daemon.sock");
    // A not_found answer touches nothing but the activity hook.
    server = createApi({ onActivity: () => {} } as unknown as ApiDeps);
    await new Promise<void>((r) => server!.listen(socket, r));
    const client = new DaemonClient(socket);
    const failure = await client.call("GET", "/runs/abc/wait?timeoutMs=5").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect(failure).toMatchObject({
      message: "no such API route: GET /runs/abc/wait",
      exitCode: ExitCode.notFound,
    });
    const raw = await fetchRaw(socket, "POST", "/nothing");
    expect(raw).toEqual({
      status: 404,
      body: { error: { kind: "not_found", message: "no such API route: POST /nothing" } },
    });
  });
});

describe("a request body over the limit", () => {
  it("is answered 400 with the limit, not with a reset connection", async () => {
    dir = mkdtempSync(join(tmpdir(), "cctask-api-"));
    const socket = join(dir, "daemon.sock");
    // POST /runs reads its body before anything else: nothing past the activity hook is touched.
    server = createApi({ onActivity: () => {} } as unknown as ApiDeps);
    await new Promise<void>((r) => server!.listen(socket, r));
    const raw = await fetchRaw(socket, "POST", "/runs", Buffer.alloc(65 * 1024 * 1024, 0x20));
    expect(raw).toEqual({
      status: 400,
      body: {
        error: { kind: "usage", message: "the request body is larger than the daemon accepts (64 MiB)" },
      },
    });
  });
});

async function fetchRaw(
  socket: string,
  method: string,
  path: string,
  payload?: Buffer,
): Promise<{ status: number; body: unknown }> {
  const { request } = await import("node:http");
  return await new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
      );
    });
    req.on("error", reject);
    req.end(payload);
  });
}
