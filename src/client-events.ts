/**
 * Reading GET /events from the CLI: a server-sent-events parser and a follower that reconnects
 * after a disconnect with Last-Event-ID, so the events it yields have no gap and no repeat, even
 * across a daemon restart (the ids are stored). Used through DaemonClient.events.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { dirname } from "node:path";
import { errorMessage, UnavailableError } from "./errors.js";
import { type CctaskEvent, EVENTS_AFTER_HEADER, EVENTS_HEARTBEAT_MS, isEvent } from "./events.js";
import type { ApiErrorBody } from "./protocol.js";
import { statePath } from "./state-dir.js";

export interface FollowOptions {
  /** Only this run's events (an id or a unique prefix; a bad one fails with the daemon's message). */
  runId?: string | null;
  /** Events after this id; 0: every event kept; null or absent: from the next one. */
  after?: number | null;
  /** Ends the stream (the generator returns). */
  signal?: AbortSignal;
}

export interface FollowDeps {
  socketPath: string;
  /** The path of GET /events for one run's events, or for all (from the client's route table). */
  path: (runId: string | null) => string;
  toError: (body: ApiErrorBody) => Error;
  /** Called when the daemon is gone, before connecting again (e.g. starts a new one). */
  reconnect: () => Promise<void>;
}

const MAX_FAILURES = 5;
const DEAD_AFTER_MS = 3 * EVENTS_HEARTBEAT_MS;

export async function* followEvents(deps: FollowDeps, opts: FollowOptions = {}): AsyncGenerator<CctaskEvent> {
  let after = opts.after ?? null;
  let failures = 0;
  while (!opts.signal?.aborted) {
    let res: IncomingMessage;
    try {
      res = await openStream(deps, { runId: opts.runId ?? null, after, signal: opts.signal });
    } catch (e) {
      if (opts.signal?.aborted) return;
      if (!isGone(e) || ++failures > MAX_FAILURES) throw e;
      await new Promise((r) => setTimeout(r, 100 * failures));
      await deps.reconnect();
      continue;
    }
    failures = 0;
    if (after === null) after = Number(res.headers[EVENTS_AFTER_HEADER] ?? "0") || 0;
    try {
      for await (const e of parseStream(res)) {
        if (e.id <= after) continue; // never twice, whatever the daemon sends
        after = e.id;
        yield e;
      }
    } catch (e) {
      if (opts.signal?.aborted) return;
      if (!isGone(e)) throw e;
    } finally {
      res.destroy();
    }
    // the connection ended (daemon stopped or restarted): resume after the last event seen
  }
}

/** The daemon is not there or the connection dropped: worth connecting again. */
function isGone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return (
    code === "ENOENT" ||
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "EPIPE" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    errorMessage(e) === "aborted" ||
    errorMessage(e) === "no event for too long"
  );
}

function openStream(
  deps: FollowDeps,
  q: { runId: string | null; after: number | null; signal?: AbortSignal },
): Promise<IncomingMessage> {
  const path = deps.path(q.runId);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        createConnection: () => connect(deps.socketPath), // no agent: see DaemonClient.call
        method: "GET",
        path,
        headers: q.after === null ? {} : { "last-event-id": String(q.after) },
        signal: q.signal,
        timeout: DEAD_AFTER_MS, // heartbeats arrive well within it
      },
      (res) => {
        if (res.statusCode === 200) return resolve(res);
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          try {
            reject(deps.toError(JSON.parse(Buffer.concat(chunks).toString("utf8")) as ApiErrorBody));
          } catch {
            reject(unreadableAnswer(deps.socketPath, "GET", path));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("no event for too long")));
    req.on("error", reject);
    req.end();
  });
}

/** Server-sent events → CctaskEvents (comments and unknown fields skipped; a bad event is an error). */
export async function* parseStream(source: AsyncIterable<Buffer | string>): AsyncGenerator<CctaskEvent> {
  let buffered = "";
  let data: string[] = [];
  for await (const chunk of source) {
    buffered += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    let nl = buffered.search(/\r\n|\n|\r/);
    while (nl >= 0) {
      if (nl === buffered.length - 1 && buffered[nl] === "\r") break; // maybe half of a \r\n
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + (buffered.startsWith("\r\n", nl) ? 2 : 1));
      if (line === "") {
        if (data.length > 0) yield toEvent(data.join("\n"));
        data = [];
      } else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
      nl = buffered.search(/\r\n|\n|\r/);
    }
  }
}

function toEvent(text: string): CctaskEvent {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = undefined;
  }
  if (!isEvent(v))
    throw new UnavailableError(
      `the cctask daemon sent an event this cctask cannot read: ${text.slice(0, 200)}`,
    );
  return v;
}

/** An answer that is not the API's JSON: what was asked, and where to look next. */
export function unreadableAnswer(socketPath: string, method: string, path: string): UnavailableError {
  return new UnavailableError(
    `the cctask daemon sent an unreadable answer to ${method} ${path.slice(0, 200)}. ` +
      `Check its log ${statePath(dirname(socketPath), "log")}; cctask daemon stop, then any command, starts a fresh one.`,
  );
}
