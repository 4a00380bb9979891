// An HTTP proxy on 127.0.0.1 (port 0) that sits between a client and a fake service and breaks
// chosen requests the ways networks do: the connection is reset before the service reads the
// request (the service never sees it), or after the service answered (it acted; the client never
// learns), or the answer is held back for a while (past or below the client's timeout).
// Each fault applies to one request, chosen in order among the requests `match` accepts.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type ProxyFault =
  | { type: "reset-before-read" }
  | { type: "reset-after-answer" }
  | { type: "delay"; ms: number };

export interface ProxiedRequest {
  method: string;
  path: string;
  body: string;
}

export interface FaultProxy {
  url: string;
  /** Every request the client made, with the fault applied to it (null: passed through). */
  seen: (ProxiedRequest & { fault: ProxyFault["type"] | null })[];
  /** The next request for which `match` holds (default: any) gets `fault`. */
  inject(fault: ProxyFault, match?: (r: ProxiedRequest) => boolean): void;
  close(): Promise<void>;
}

/** RST instead of FIN: the client sees ECONNRESET, as on a real network fault. */
function reset(socket: Socket): void {
  socket.resetAndDestroy();
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const plan: { fault: ProxyFault; match: (r: ProxiedRequest) => boolean }[] = [];
  const seen: FaultProxy["seen"] = [];
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (r: ProxiedRequest): ProxyFault | null => {
    const i = plan.findIndex((p) => p.match(r));
    if (i < 0) return null;
    const [p] = plan.splice(i, 1);
    return p?.fault ?? null;
  };

  const forward = (r: ProxiedRequest, headers: http.IncomingHttpHeaders) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: r.method,
          path: r.path,
          headers: { ...headers, host: target.host, connection: "close" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(r.body);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: ProxiedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        body: Buffer.concat(chunks).toString("utf8"),
      };
      const fault = takeFault(r);
      seen.push({ ...r, fault: fault?.type ?? null });
      if (fault?.type === "reset-before-read") return reset(req.socket);
      forward(r, req.headers).then(
        (answer) => {
          if (fault?.type === "reset-after-answer") return reset(req.socket);
          const reply = () => {
            const { "content-length": _, "transfer-encoding": __, connection: ___, ...h } = answer.headers;
            if (res.destroyed) return; // the client gave up waiting
            res.writeHead(answer.status, h);
            res.end(answer.body);
          };
          if (fault?.type !== "delay") return reply();
          const t = setTimeout(() => {
            timers.delete(t);
            reply();
          }, fault.ms);
          timers.add(t);
        },
        (err: Error) => {
          res.writeHead(502, { "content-type": "text/plain" });
          res.end(`fault proxy: upstream failed: ${err.message}`);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    inject: (fault, match = () => true) => plan.push({ fault, match }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
