/**
 * `cctask run --wait` with a console target prints the run's console lines up to the final one.
 * Its end is the run.ended event and the final notification's outcome, whatever the final line
 * looks like: here its icon is one no code knows, and it is written well after the run ended.
 * The daemon is a fake that answers GET /runs/:id, /runs/:id/wait and /events as the real one.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { DaemonClient } from "../../../src/client.js";
import { followConsole } from "../../../src/commands/wait.js";
import type { CctaskEvent } from "../../../src/events.js";
import type { RunView } from "../../../src/protocol.js";

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

function sse(res: ServerResponse, e: CctaskEvent): void {
  res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

it("prints the final console line when it comes, whatever its icon", async () => {
  dir = mkdtempSync(join(tmpdir(), "cctask-wait-"));
  const consoleLog = join(dir, "console.log");
  writeFileSync(consoleLog, "🚀 Claude Code started: run r1\n");
  const view = {
    id: "r1",
    state: "succeeded",
    notify: ["console"],
    files: { dir, events: join(dir, "events.jsonl"), result: join(dir, "result.md") },
  } as unknown as RunView;
  const at = new Date().toISOString();
  server = createServer((req, res) => {
    if (req.url?.startsWith("/events")) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const ended: CctaskEvent = {
        type: "run.ended",
        runId: "r1",
        state: "succeeded",
        reason: null,
        detail: null,
        exitCode: 0,
        id: 7,
        at,
      };
      sse(res, ended);
      setTimeout(() => {
        appendFileSync(consoleLog, "🎉 Claude Code task complete!: run r1\n  > all done\n");
        sse(res, {
          type: "notification",
          runId: "r1",
          notificationId: 3,
          kind: "final",
          target: "console",
          outcome: "sent",
          detail: null,
          retryAt: null,
          id: 9,
          at,
        });
      }, 1500);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(view)); // GET /runs/r1 and GET /runs/r1/wait: it has ended
  });
  const socketPath = join(dir, "daemon.sock");
  await new Promise<void>((r) => server!.listen(socketPath, r));
  const printed: string[] = [];
  const end = await followConsole(new DaemonClient(socketPath), view, (l) => printed.push(l));
  expect(end.state).toBe("succeeded");
  expect(printed).toEqual([
    "🚀 Claude Code started: run r1",
    "🎉 Claude Code task complete!: run r1",
    "  > all done",
  ]);
}, 20_000);
