/**
 * The one outbound HTTP client against real sockets on 127.0.0.1: how each way of getting no
 * answer is described and whether the request may have reached the peer; the cap on an answer's
 * size; redirects not followed; and the one rule for which statuses are worth another try. The
 * Telegram layer reports the same failure in the same words, with only its own prefix.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { describeNetworkError, exchangeHttp, type HttpRequest, isRetryableStatus } from "../../src/http.js";
import { callBotApi } from "../../src/notify/telegram-http.js";
import { ROOT } from "../helpers/cctask.js";

/** A self-signed certificate for 127.0.0.1 tests only (no CA signed it: clients refuse it). */
const TLS = {
  key: readFileSync(`${ROOT}/test/fixtures/tls/localhost.key`),
  cert: readFileSync(`${ROOT}/test/fixtures/tls/localhost.crt`),
};

const servers: (Server | HttpServer)[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function listen(server: Server | HttpServer): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  return typeof addr === "object" && addr ? addr.port : 0;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A peer that reads the request and then does `then` to the connection (never answers). */
async function rawPeer(then: (sock: Socket) => void): Promise<number> {
  return await listen(
    createServer((sock) => {
      sockets.push(sock);
      sock.once("data", () => then(sock));
    }),
  );
}

const post = (port: number, over: Partial<HttpRequest> = {}): HttpRequest => ({
  method: "POST",
  url: `http://127.0.0.1:${port}/secret/path?token=x`,
  body: "{}",
  timeoutMs: 2000,
  peer: "the test peer",
  ...over,
});

describe("exchangeHttp without an answer", () => {
  it("a refused connection: the socket error, and the peer surely never saw the request", async () => {
    const port = await closedPort();
    expect(await exchangeHttp(post(port))).toEqual({
      answered: false,
      message: `no answer from the test peer at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
      maybeDelivered: false,
    });
  });

  it("no answer by the deadline: said in seconds, and the peer may have acted on it", async () => {
    const port = await rawPeer(() => {});
    expect(await exchangeHttp(post(port, { timeoutMs: 200 }))).toEqual({
      answered: false,
      message: `no answer from the test peer at http://127.0.0.1:${port}: no answer within 0.2 s`,
      maybeDelivered: true,
    });
  });

  it("a connection dropped after the request: the code and the reason, and it may have arrived", async () => {
    const port = await rawPeer((sock) => sock.destroy());
    expect(await exchangeHttp(post(port))).toEqual({
      answered: false,
      message: `no answer from the test peer at http://127.0.0.1:${port}: ECONNRESET: socket hang up`,
      maybeDelivered: true,
    });
  });
});

describe("exchangeHttp over TLS", () => {
  it("a certificate TLS refuses: said so, and the request surely never left", async () => {
    let requests = 0;
    const port = await listen(createHttpsServer(TLS, (_req, res) => res.end(String(++requests))));
    const answer = await exchangeHttp(post(port, { url: `https://127.0.0.1:${port}/x` }));
    expect(answer).toMatchObject({ answered: false, maybeDelivered: false });
    // Node 24 adds a hint about system CAs after Node's own words.
    expect(!answer.answered && answer.message).toMatch(
      new RegExp(
        `^no answer from the test peer at https://127\\.0\\.0\\.1:${port}: DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate`,
      ),
    );
    expect(requests).toBe(0);
  });
});

describe("exchangeHttp with an answer", () => {
  it("cuts an answer off at maxBodyBytes and does not follow a redirect", async () => {
    const port = await listen(
      createHttpServer((req, res) => {
        if (req.url === "/big") return res.end("x".repeat(100_000));
        res.writeHead(302, { location: "http://elsewhere.invalid/" }).end();
      }),
    );
    const big = await exchangeHttp(post(port, { url: `http://127.0.0.1:${port}/big`, maxBodyBytes: 1000 }));
    expect(big.answered && big.answer.text.length).toBeLessThanOrEqual(1000);
    const whole = await exchangeHttp(post(port, { url: `http://127.0.0.1:${port}/big` }));
    expect(whole.answered && whole.answer.text.length).toBe(100_000);
    const moved = await exchangeHttp(post(port, { url: `http://127.0.0.1:${port}/moved` }));
    expect(moved).toMatchObject({ answered: true, answer: { status: 302 } });
  });
});

describe("one describer for every service", () => {
  it("Telegram reports a refused connection in the same words, prefixed with its method, without the token", async () => {
    const port = await closedPort();
    const token = "123456:SECRET";
    const answer = await callBotApi(
      { token, apiRoot: `http://127.0.0.1:${port}`, timeoutMs: 2000 },
      "sendMessage",
      { chat_id: 1, text: "x" },
    );
    expect(answer).toEqual({
      ok: false,
      failure: {
        kind: "network",
        message: `Telegram sendMessage: no answer from the Bot API at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
        maybeDelivered: false,
      },
    });
  });

  it("names the code when the message does not, and the deadline in seconds", () => {
    const bare = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(describeNetworkError(bare, 1000)).toBe("ECONNRESET: socket hang up");
    const wrapped = new TypeError("fetch failed", { cause: bare });
    expect(describeNetworkError(wrapped, 1000)).toBe("ECONNRESET: socket hang up");
    const named = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    expect(describeNetworkError(named, 1000)).toBe("connect ECONNREFUSED 127.0.0.1:9");
    expect(describeNetworkError(new DOMException("late", "TimeoutError"), 1500)).toBe(
      "no answer within 1.5 s",
    );
  });
});

describe("isRetryableStatus", () => {
  it.each([408, 429, 500, 502, 503, 504])("%i is worth another try", (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });
  it.each([302, 400, 401, 403, 404, 409, 413])("%i will not work later", (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});
