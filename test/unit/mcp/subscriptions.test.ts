import { describe, expect, it } from "vitest";
import type { DaemonClient } from "../../../src/client.js";
import { RunSubscriptions } from "../../../src/mcp/subscriptions.js";
import type { RunView } from "../../../src/protocol.js";

/** A daemon with one running run whose event stream stays open until it is stopped. */
function daemonWithOneRun(id: string) {
  const streams: AbortSignal[] = [];
  const client = {
    async get(prefix: string): Promise<RunView> {
      if (!id.startsWith(prefix)) throw new Error(`no run ${prefix}`);
      return { id, state: "running" } as RunView;
    },
    events(opts: { signal: AbortSignal }) {
      streams.push(opts.signal);
      return (async function* () {
        await new Promise((resolve) => opts.signal.addEventListener("abort", resolve));
        yield* [];
      })();
    },
  };
  const ctx = { home: "/none", cwd: "/", env: {}, connect: async () => client as unknown as DaemonClient };
  return { ctx, streams };
}

describe("MCP resource subscriptions", () => {
  it("stops following a run when it is unsubscribed by its full id after subscribing by a prefix", async () => {
    const { ctx, streams } = daemonWithOneRun("3f9a1c2b");
    const subs = new RunSubscriptions(
      ctx,
      async () => undefined,
      () => undefined,
    );
    await subs.subscribe("cctask://runs/3f9a");
    await new Promise((r) => setTimeout(r, 10));
    expect(streams.map((s) => s.aborted)).toEqual([false]);
    subs.unsubscribe("cctask://runs/3f9a1c2b/result"); // another resource of the run: still followed
    expect(streams[0]!.aborted).toBe(false);
    subs.unsubscribe("cctask://runs/3f9a1c2b");
    expect(streams[0]!.aborted).toBe(true);
  });

  it("stops following when unsubscribed by a prefix after subscribing by the full id", async () => {
    const { ctx, streams } = daemonWithOneRun("3f9a1c2b");
    const subs = new RunSubscriptions(
      ctx,
      async () => undefined,
      () => undefined,
    );
    await subs.subscribe("cctask://runs/3f9a1c2b/result");
    await new Promise((r) => setTimeout(r, 10));
    subs.unsubscribe("cctask://runs/3f9a/result");
    expect(streams.map((s) => s.aborted)).toEqual([true]);
  });
});
