/**
 * What a handler of the local API gets (daemon/api.ts has one per route of protocol.ts), and how
 * a request finds its route: the method and every literal segment must match, a ":name" segment
 * takes any one segment. A route with fewer parameters wins (POST /sessions/import before
 * POST /sessions/:key/…).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { UsageError } from "../errors.js";
import {
  ROUTE_KEYS,
  type RouteKey,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
} from "../protocol.js";
import type { DaemonContext } from "./context.js";
import type { Notifier } from "./notifier.js";
import type { Supervisor } from "./supervisor.js";

export interface ApiDeps {
  ctx: DaemonContext;
  supervisor: Supervisor;
  notifier: Notifier;
  onActivity: () => void;
  shutdown: () => void;
}

/** One request to route K. The body is read only when a handler asks, and is not trusted: check it. */
export interface RouteCall<K extends RouteKey> {
  /** The path parameters, decoded. */
  params: RouteParams<K>;
  /** Only the query parameters the route declares can be read. */
  query: { get(name: keyof RouteQuery<K> & string): string | null };
  url: URL;
  req: IncomingMessage;
  res: ServerResponse;
  body(): Promise<unknown>;
}

/** A handler answers the route's response (sent as JSON); a streaming route writes `res` itself. */
export type Handler<K extends RouteKey> = (d: ApiDeps, call: RouteCall<K>) => Promise<Answer<K>> | Answer<K>;
type Answer<K extends RouteKey> =
  RouteResponse<K> extends AsyncIterable<unknown> ? undefined : RouteResponse<K>;

export type HandlerTable = { [K in RouteKey]: Handler<K> };

interface Pattern {
  key: RouteKey;
  method: string;
  segments: string[];
  paramCount: number;
}

const PATTERNS: Pattern[] = ROUTE_KEYS.map((key) => {
  const [method, path] = key.split(" ") as [string, string];
  const segments = path.split("/").filter(Boolean);
  return { key, method, segments, paramCount: segments.filter((s) => s.startsWith(":")).length };
}).sort((a, b) => a.paramCount - b.paramCount);

/** The route a request is for, with its decoded path parameters; null when there is none. */
export function matchRoute(
  method: string,
  pathname: string,
): { key: RouteKey; params: Record<string, string> } | null {
  const parts = pathname.split("/").filter(Boolean);
  for (const p of PATTERNS) {
    if (p.method !== method || p.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = p.segments.every((seg, i) => {
      if (seg.startsWith(":")) params[seg.slice(1)] = decodeSegment(parts[i]!);
      else return seg === parts[i];
      return true;
    });
    if (matches) return { key: p.key, params };
  }
  return null;
}

function decodeSegment(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UsageError(`the path segment "${text}" is not valid percent-encoding`);
  }
}

const MAX_BODY = 64 * 1024 * 1024;

export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      // The rest is read and dropped rather than the socket destroyed, so the refusal reaches the caller.
      if (size > MAX_BODY) {
        chunks.length = 0;
        reject(
          new UsageError(
            `the request body is larger than the daemon accepts (${MAX_BODY / 1024 / 1024} MiB)`,
          ),
        );
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new UsageError("request body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}
