/** routeTarget: how a route and its input become the method and path the daemon routes. */
import { describe, expect, it } from "vitest";
import { routeTarget } from "../../src/protocol.js";

describe("routeTarget", () => {
  it("fills path parameters in, encoded, and sends nothing else when there is nothing else", () => {
    expect(routeTarget("GET /runs/:id", { id: "3f9a" })).toEqual({ method: "GET", path: "/runs/3f9a" });
    expect(routeTarget("POST /sessions/:key/label", { key: "fix #2 / now" })).toEqual({
      method: "POST",
      path: "/sessions/fix%20%232%20%2F%20now/label",
    });
    expect(routeTarget("GET /health", {})).toEqual({ method: "GET", path: "/health" });
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
