/**
 * Delivery credentials never sit in the daemon's environment (readable by every process of the
 * user through /proc/<pid>/environ): a launching CLI hands them over the private socket, and the
 * daemon keeps them in a 0600 file so that a daemon restarted by someone without them still
 * delivers. Where none can be found, notifications fail visibly with where to put one.
 */
import { chmodSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NotificationView, RunView } from "../../src/protocol.js";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.js";
import { createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

const CHAT = "4242";
const TOKEN = "123456:TEST-credential-token";
let sb: Sandbox;
let tg: FakeTelegram | undefined;

afterEach(async () => {
  await sb?.cleanup();
  await tg?.close();
  tg = undefined;
});

async function sandboxWithTokenInShell(): Promise<void> {
  tg = await startFakeTelegram({ token: TOKEN });
  sb = createSandbox({ env: { TELEGRAM_BOT_TOKEN: TOKEN, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
  sb.writeConfig({ notify: { heartbeatSeconds: 0 } });
}

/** A call from a shell that has no token (the agent's, or another terminal). */
const NO_TOKEN = { TELEGRAM_BOT_TOKEN: "" };

function finalsAccepted(): number {
  return tg!.calls.filter(
    (c) => c.chat_id === CHAT && c.status === 200 && c.method === "sendMessage" && /✅/.test(String(c.text)),
  ).length;
}

/** A run of a few seconds reporting to the chat, launched from the shell that has the token. */
function launchToChat(): Promise<RunView> {
  const task = "REPLAY_EMIT_FOR_S=3 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=done";
  return sb.json<RunView>(["run", "-t", task, "-p", sb.project, "--notify", `telegram:${CHAT}`]);
}

async function killDaemon(): Promise<void> {
  const pid = sb.daemonPid()!;
  process.kill(pid, "SIGKILL");
  await waitFor(() => !isAlive(pid), 10_000, "the daemon to die");
}

describe("launch credentials", () => {
  it("the daemon's environment holds no token; a daemon restarted without it still sends the final", async () => {
    await sandboxWithTokenInShell();
    const v = await launchToChat();
    const environ = readFileSync(`/proc/${sb.daemonPid()}/environ`, "utf8");
    expect(environ).not.toContain(TOKEN);
    expect(environ).not.toContain("TELEGRAM_BOT_TOKEN");
    const kept = join(sb.home, "credentials.json");
    expect(statSync(kept).mode & 0o777).toBe(0o600);

    await killDaemon();
    const st = await sb.cli(["status", v.id], { env: NO_TOKEN }); // starts a daemon without the token
    expect(st.code).toBe(0);
    await sb.cli(["wait", v.id], { env: NO_TOKEN, timeoutMs: 60_000 });
    await waitFor(() => finalsAccepted() === 1, 30_000, "the final to reach the chat");
    expect(readFileSync(`/proc/${sb.daemonPid()}/environ`, "utf8")).not.toContain(TOKEN);
  }, 120_000);

  it("no token anywhere: the final fails at once with where to put one, and status shows it", async () => {
    await sandboxWithTokenInShell();
    const v = await launchToChat();
    await killDaemon();
    rmSync(join(sb.home, "credentials.json"));
    await sb.cli(["wait", v.id], { env: NO_TOKEN, timeoutMs: 60_000 });
    let final: NotificationView | undefined;
    await waitFor(
      async () => {
        const r = await sb.cli(["notifications", v.id, "--json"], { env: NO_TOKEN });
        final = (JSON.parse(r.stdout) as NotificationView[]).find((n) => n.kind === "final");
        return final?.state === "failed";
      },
      30_000,
      "the final to fail",
    );
    expect(final!.error).toMatch(/^no Telegram bot token: set telegram\.botToken/);
    expect(final!.error).toContain("TELEGRAM_BOT_TOKEN in the environment of the `cctask run`");
    const st = await sb.json<RunView>(["status", v.id]);
    expect(st.deliveryFailures.map((f) => f.target)).toEqual([`telegram:${CHAT}`]);
    expect(finalsAccepted()).toBe(0);
  }, 120_000);

  it("a config file that holds a token and others can read: run warns with the fix", async () => {
    tg = await startFakeTelegram({ token: TOKEN });
    sb = createSandbox({ env: { CCTASK_TELEGRAM_API_ROOT: tg.apiRoot } });
    sb.writeConfig({ telegram: { botToken: TOKEN } });
    const file = join(sb.home, "config.json5");
    chmodSync(file, 0o644);
    const r = await sb.cli(["run", "-t", "REPLAY_RESULT=ok", "-p", sb.project]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${file} holds telegram.botToken and other users can read it (mode 644); run: chmod 600 ${file}`,
    );
    expect(r.stderr).not.toContain(TOKEN);
    chmodSync(file, 0o600);
    const again = await sb.cli(["run", "-t", "REPLAY_RESULT=ok", "-p", sb.project]);
    expect(again.stderr).not.toContain("warning");
  }, 60_000);
});
