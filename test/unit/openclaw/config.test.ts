import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  findOpenClawConfigPath,
  loadOpenClawConfig,
  OpenClawConfigError,
  resolveGateway,
} from "../../../src/openclaw/config.js";

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cctask-oc-"));
  mkdirSync(join(dir, ".openclaw"));
  env = { HOME: dir };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file under ~/.openclaw and returns its path. */
function write(name: string, text: string): string {
  const path = join(dir, ".openclaw", name);
  writeFileSync(path, text);
  return path;
}

function loadError(e: NodeJS.ProcessEnv = env): OpenClawConfigError {
  try {
    loadOpenClawConfig(e);
  } catch (err) {
    expect(err).toBeInstanceOf(OpenClawConfigError);
    return err as OpenClawConfigError;
  }
  throw new Error("expected loadOpenClawConfig to throw");
}

describe("finding the config file", () => {
  it("returns null when there is no file", () => {
    expect(loadOpenClawConfig(env)).toBeNull();
  });

  it("follows OPENCLAW_CONFIG_PATH > OPENCLAW_STATE_DIR > OPENCLAW_HOME > HOME", () => {
    expect(findOpenClawConfigPath({ HOME: "/h" })).toBe("/h/.openclaw/openclaw.json");
    expect(findOpenClawConfigPath({ HOME: "/h", OPENCLAW_HOME: "/oh" })).toBe("/oh/.openclaw/openclaw.json");
    expect(findOpenClawConfigPath({ HOME: "/h", OPENCLAW_HOME: "~/alt" })).toBe(
      "/h/alt/.openclaw/openclaw.json",
    );
    expect(findOpenClawConfigPath({ HOME: "/h", OPENCLAW_HOME: "/oh", OPENCLAW_STATE_DIR: "/sd" })).toBe(
      "/sd/openclaw.json",
    );
    expect(
      findOpenClawConfigPath({ HOME: "/h", OPENCLAW_STATE_DIR: "/sd", OPENCLAW_CONFIG_PATH: "/c/oc.json5" }),
    ).toBe("/c/oc.json5");
  });
});

describe("JSON5, $include and env references", () => {
  it("reads comments, trailing commas and unquoted keys", () => {
    write(
      "openclaw.json",
      `{ // gateway\n gateway: { port: 28791, auth: { mode: "token", token: "t1", }, }, }`,
    );
    const cfg = loadOpenClawConfig(env);
    expect(resolveGateway(cfg, env)).toEqual({
      url: "http://127.0.0.1:28791",
      token: "t1",
      authMode: "token",
    });
  });

  it("replaces the containing object with a single included file (relative to the includer)", () => {
    mkdirSync(join(dir, ".openclaw", "parts"));
    write("parts/gateway.json5", `{ port: 1234, auth: { $include: "./auth.json5" } }`);
    write("parts/auth.json5", `{ token: "from-include" }`);
    write("openclaw.json", `{ gateway: { $include: "./parts/gateway.json5" } }`);
    expect(resolveGateway(loadOpenClawConfig(env), env)).toMatchObject({
      url: "http://127.0.0.1:1234",
      token: "from-include",
    });
  });

  it("deep-merges an array of includes in order, then lets sibling keys override", () => {
    write("a.json5", `{ gateway: { port: 1111, auth: { token: "a" } }, list: [1] }`);
    write("b.json5", `{ gateway: { port: 2222 }, list: [2] }`);
    write(
      "openclaw.json",
      `{ $include: ["./a.json5", "./b.json5"], gateway: { auth: { token: "sibling" } } }`,
    );
    const cfg = loadOpenClawConfig(env);
    expect(resolveGateway(cfg, env)).toMatchObject({ url: "http://127.0.0.1:2222", token: "sibling" });
    expect((cfg?.data as { list?: unknown } | undefined)?.list).toEqual([1, 2]);
  });

  it("reports a missing include, a cycle and a parse error with the file and the fix", () => {
    const root = write("openclaw.json", `{ gateway: { $include: "./nope.json5" } }`);
    expect(loadError().message).toBe(
      `OpenClaw config ${root}, key gateway.$include: the included file ${join(dir, ".openclaw", "nope.json5")} cannot be read (ENOENT). Fix: fix the $include path (relative paths start at the including file)`,
    );

    write("x.json5", `{ $include: "./openclaw.json" }`);
    write("openclaw.json", `{ $include: "./x.json5" }`);
    expect(loadError().message).toContain("$include cycle:");

    write("openclaw.json", `{ gateway: { port: 1 `);
    const e = loadError();
    expect(e.message).toMatch(/^OpenClaw config .*openclaw\.json: not valid JSON5: .* Fix: fix the syntax/);
  });

  it("allows 10 levels of $include and refuses the 11th", () => {
    const chain = (levels: number) => {
      for (let i = 1; i < levels; i += 1) write(`l${i}.json5`, `{ $include: "./l${i + 1}.json5" }`);
      write(`l${levels}.json5`, `{ gateway: { port: ${1000 + levels} } }`);
      write("openclaw.json", `{ $include: "./l1.json5" }`);
    };
    chain(10);
    expect(resolveGateway(loadOpenClawConfig(env), env).url).toBe("http://127.0.0.1:1010");
    chain(11);
    expect(loadError().message).toContain("$include nested more than 10 levels deep");
  });

  it("substitutes env references, keeps escaped ones literal, and names a missing variable", () => {
    write(
      "openclaw.json",
      `{ gateway: { port: "\${GW_PORT}", auth: { token: "pre-\${GW_TOK}-$\${NOT}" } } }`,
    );
    const ok = { ...env, GW_PORT: "4444", GW_TOK: "abc" };
    expect(resolveGateway(loadOpenClawConfig(ok), ok)).toMatchObject({
      url: "http://127.0.0.1:4444",
      token: `pre-abc-\${NOT}`,
    });

    const e = loadError({ ...env, GW_PORT: "4444", GW_TOK: "" });
    expect(e.key).toBe("gateway.auth.token");
    expect(e.message).toContain(`\${GW_TOK} refers to the environment variable GW_TOK, which is empty`);
    expect(e.message).toContain("Fix: set GW_TOK");
  });

  it("reads env references from the state dir's .env, the process env winning", () => {
    write(".env", `GW_TOK="from-dotenv"\nexport OTHER=x # comment\n`);
    write("openclaw.json", `{ gateway: { auth: { token: "\${GW_TOK}" } } }`);
    expect(resolveGateway(loadOpenClawConfig(env), env).token).toBe("from-dotenv");
    const withEnv = { ...env, GW_TOK: "from-env" };
    expect(resolveGateway(loadOpenClawConfig(withEnv), withEnv).token).toBe("from-env");
  });

  it("rejects a bad value of a key cctask reads, naming the key", () => {
    write("openclaw.json", `{ gateway: { port: "eighty" } }`);
    const e = loadError();
    expect(e.key).toBe("gateway.port");
    expect(e.message).toContain("Fix: correct it");
  });
});

describe("gateway URL and token", () => {
  it("defaults to 127.0.0.1:18789 without any config", () => {
    expect(resolveGateway(null, {})).toEqual({
      url: "http://127.0.0.1:18789",
      token: null,
      authMode: "token",
    });
  });

  it("lets OPENCLAW_GATEWAY_PORT and OPENCLAW_GATEWAY_TOKEN override the file", () => {
    write("openclaw.json", `{ gateway: { port: 1000, auth: { mode: "token", token: "file" } } }`);
    const e2 = { ...env, OPENCLAW_GATEWAY_PORT: "2000", OPENCLAW_GATEWAY_TOKEN: "env" };
    expect(resolveGateway(loadOpenClawConfig(e2), e2)).toEqual({
      url: "http://127.0.0.1:2000",
      token: "env",
      authMode: "token",
    });
    expect(() => resolveGateway(null, { OPENCLAW_GATEWAY_PORT: "x1" })).toThrow(
      'OPENCLAW_GATEWAY_PORT is "x1", not a port number.',
    );
  });

  it("uses the password in password mode, OPENCLAW_GATEWAY_PASSWORD first", () => {
    write("openclaw.json", `{ gateway: { auth: { mode: "password", password: "pw", token: "ignored" } } }`);
    expect(resolveGateway(loadOpenClawConfig(env), env)).toMatchObject({ token: "pw", authMode: "password" });
    const e2 = { ...env, OPENCLAW_GATEWAY_PASSWORD: "envpw", OPENCLAW_GATEWAY_TOKEN: "nottoken" };
    expect(resolveGateway(loadOpenClawConfig(e2), e2)).toMatchObject({ token: "envpw" });
  });

  it("resolves an env SecretRef", () => {
    write(
      "openclaw.json",
      `{ gateway: { auth: { token: { source: "env", provider: "default", id: "GW_SECRET" } } } }`,
    );
    const e2 = { ...env, GW_SECRET: "s3cret" };
    expect(resolveGateway(loadOpenClawConfig(e2), e2).token).toBe("s3cret");
    expect(() => resolveGateway(loadOpenClawConfig(env), env)).toThrow(
      "the env SecretRef names GW_SECRET, which is not set",
    );
  });

  it("asks for the env override for a file SecretRef, without leaking anything", () => {
    const root = write(
      "openclaw.json",
      `{ gateway: { auth: { token: { source: "file", provider: "vault", id: "/gateway/token" } } } }`,
    );
    const cfg = loadOpenClawConfig(env);
    expect(() => resolveGateway(cfg, env)).toThrow(
      `OpenClaw config ${root}, key gateway.auth.token: is a "file" SecretRef (provider "vault"), which cctask does not resolve. Fix: set OPENCLAW_GATEWAY_TOKEN in cctask's environment (cctask then uses it instead), or use an env SecretRef`,
    );
    const withOverride = { ...env, OPENCLAW_GATEWAY_TOKEN: "env-tok" };
    expect(resolveGateway(cfg, withOverride).token).toBe("env-tok");
  });

  it("names the included file a bad credential came from", () => {
    const inc = write("gw.json5", `{ auth: { token: { source: "exec", provider: "op", id: "x" } } }`);
    write("openclaw.json", `{ gateway: { $include: "./gw.json5", port: 5 } }`);
    expect(() => resolveGateway(loadOpenClawConfig(env), env)).toThrow(
      `OpenClaw config ${inc}, key gateway.auth.token`,
    );
  });

  it("has no token in mode none, and converts OPENCLAW_GATEWAY_URL", () => {
    write("openclaw.json", `{ gateway: { auth: { mode: "none" } } }`);
    expect(resolveGateway(loadOpenClawConfig(env), env)).toEqual({
      url: "http://127.0.0.1:18789",
      token: null,
      authMode: "none",
    });
    expect(resolveGateway(null, { OPENCLAW_GATEWAY_URL: "ws://10.0.0.2:19001" }).url).toBe(
      "http://10.0.0.2:19001",
    );
  });
});
