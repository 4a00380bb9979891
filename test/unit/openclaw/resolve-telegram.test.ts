import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOpenClawConfig, resolveTelegramFromOpenClaw } from "../../../src/openclaw/config.js";

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cctask-oc-tg-"));
  mkdirSync(join(dir, ".openclaw"));
  env = { HOME: dir };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, ".openclaw", name);
  writeFileSync(path, text);
  return path;
}

function resolveWith(telegram: string, e: NodeJS.ProcessEnv = env) {
  write("openclaw.json", `{ channels: { telegram: ${telegram} } }`);
  return resolveTelegramFromOpenClaw(loadOpenClawConfig(e), e);
}

describe("resolveTelegramFromOpenClaw", () => {
  it("reads botToken, and config wins over TELEGRAM_BOT_TOKEN", () => {
    expect(resolveWith(`{ botToken: "111:cfg" }`, { ...env, TELEGRAM_BOT_TOKEN: "222:env" })).toEqual({
      token: "111:cfg",
      apiRoot: null,
    });
  });

  it("reads a token file (trimmed, relative to the config file)", () => {
    write("tg.token", "333:file\n");
    expect(resolveWith(`{ tokenFile: "./tg.token" }`)).toEqual({ token: "333:file", apiRoot: null });
  });

  it("reports an unreadable token file with the key and the fix", () => {
    expect(() => resolveWith(`{ tokenFile: "./missing.token" }`)).toThrow(
      /key channels\.telegram\.tokenFile: the token file .*missing\.token cannot be read \(ENOENT\)\. Fix: point tokenFile/,
    );
  });

  it("falls back to the default account, else the first account", () => {
    expect(
      resolveWith(`{ accounts: { work: { botToken: "1:w" }, default: { botToken: "2:d" } } }`)?.token,
    ).toBe("2:d");
    write("work.token", "3:wf");
    expect(
      resolveWith(`{ accounts: { work: { tokenFile: "./work.token" }, other: { botToken: "4:o" } } }`)?.token,
    ).toBe("3:wf");
  });

  it("uses TELEGRAM_BOT_TOKEN only when the config has no token", () => {
    expect(
      resolveWith(`{ apiRoot: "http://127.0.0.1:28600/" }`, { ...env, TELEGRAM_BOT_TOKEN: "5:env" }),
    ).toEqual({
      token: "5:env",
      apiRoot: "http://127.0.0.1:28600",
    });
    expect(resolveTelegramFromOpenClaw(null, { TELEGRAM_BOT_TOKEN: "6:env" })).toEqual({
      token: "6:env",
      apiRoot: null,
    });
    expect(resolveWith(`{ enabled: true }`)).toBeNull();
    expect(resolveTelegramFromOpenClaw(null, {})).toBeNull();
  });

  it("resolves an env SecretRef, and lets TELEGRAM_BOT_TOKEN stand in for a file SecretRef", () => {
    expect(
      resolveWith(`{ botToken: { source: "env", provider: "default", id: "TG_TOKEN" } }`, {
        ...env,
        TG_TOKEN: "7:ref",
      })?.token,
    ).toBe("7:ref");
    const fileRef = `{ botToken: { source: "file", provider: "vault", id: "/telegram" } }`;
    expect(() => resolveWith(fileRef)).toThrow(/"file" SecretRef .* Fix: set TELEGRAM_BOT_TOKEN/);
    expect(resolveWith(fileRef, { ...env, TELEGRAM_BOT_TOKEN: "8:env" })?.token).toBe("8:env");
  });

  it("refuses an apiRoot ending in /bot<token>, without echoing the token", () => {
    let message = "";
    try {
      resolveWith(`{ botToken: "9:SECRET", apiRoot: "https://tg.example/bot9:SECRET" }`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      /key channels\.telegram\.apiRoot: "https:\/\/tg\.example\/bot<TOKEN>" ends in \/bot<TOKEN>; it must be the API root only\. Fix: remove the \/bot… suffix \(e\.g\. "https:\/\/tg\.example"\)/,
    );
    expect(message).not.toContain("SECRET");
  });
});
