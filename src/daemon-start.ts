/**
 * Starting the daemon from a CLI. Many CLIs may find no daemon at the same moment (a burst of
 * launches on a cold machine): one of them claims `daemon.starting` and spawns the daemon, the
 * others wait for it to answer instead of each spawning a daemon that would lose the lock race —
 * fifty daemons importing their modules at once starve the one that won.
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  constants,
  type FSWatcher,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  watch,
  writeSync,
} from "node:fs";
import { basename } from "node:path";
import type { DaemonClient } from "./client.js";
import { errorMessage, UnavailableError } from "./errors.js";
import { cliPath } from "./install-paths.js";
import { isAlive } from "./platform/process.js";
import { withoutSecrets } from "./secret-env.js";
import { statePath } from "./state-dir.js";

const START_TIMEOUT_MS = 30_000;
const POLL_MS = 40;

export async function startDaemon(stateDir: string, client: DaemonClient): Promise<void> {
  const claimFile = statePath(stateDir, "starting");
  const deadline = Date.now() + START_TIMEOUT_MS;
  let starter: Starter | null = null;
  const last = { error: "no answer" };
  const socketSeen = watchSocket(stateDir, client.socketPath);
  try {
    while (Date.now() < deadline) {
      if (!starter && claim(claimFile)) starter = spawnDaemon(stateDir);
      await socketSeen.next();
      if (await answers(client, last)) return;
      // A daemon that lost the start race (another was already up) exits with code 3.
      if (starter && starter.exited !== null && starter.exited !== 3) {
        const said = starter
          .stderr()
          .trim()
          .replace(/^cctask daemon: /, "");
        throw new UnavailableError(
          said.startsWith("cannot start: ")
            ? `the cctask daemon ${said}`
            : `the cctask daemon could not start (exit ${starter.exited}): ${said || "no message"}\nSee ${statePath(stateDir, "log")}.`,
        );
      }
    }
    throw new UnavailableError(
      `the cctask daemon did not answer within ${START_TIMEOUT_MS / 1000}s on ${client.socketPath} (last: ${last.error}). See ${statePath(stateDir, "log")}.`,
    );
  } finally {
    socketSeen.close();
    if (starter) {
      starter.release();
      rmSync(claimFile, { force: true });
    }
  }
}

/**
 * The next poll: after POLL_MS, or as soon as the daemon's socket appears in the state directory
 * (the daemon listens on it once it is ready to serve), so that a cold launch does not wait out
 * the rest of a poll interval. Polling alone where the directory cannot be watched.
 */
function watchSocket(stateDir: string, socketPath: string): { next(): Promise<void>; close(): void } {
  let wake: (() => void) | null = null;
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(stateDir, (_event, name) => {
      if (name === basename(socketPath)) wake?.();
    });
    watcher.on("error", () => watcher?.close());
  } catch {
    watcher = null;
  }
  return {
    next: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      }),
    close: () => watcher?.close(),
  };
}

interface Starter {
  exited: number | null;
  stderr(): string;
  release(): void;
}

/** Past this, the daemon's stderr file starts afresh at the next start. */
const MAX_STDERR_BYTES = 1024 * 1024;

/**
 * The daemon's stderr is a file, not a pipe to this CLI: this CLI exits long before the daemon
 * does, and a pipe would lose what Node prints when the daemon dies (a native abort, a fatal error).
 * What the daemon wrote during this start is read back when it exits early. Where the file cannot
 * be opened (a full disk), a pipe still brings back why the daemon could not start.
 */
function spawnDaemon(stateDir: string): Starter {
  const file = statePath(stateDir, "daemonStderr");
  const out = openStderrFile(file);
  let piped = "";
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(process.execPath, [cliPath(), "daemon", "run"], {
      detached: true,
      stdio: ["ignore", "ignore", out ? out.fd : "pipe"],
      env: { ...withoutSecrets(process.env), CCTASK_HOME: stateDir }, // credentials come over the socket
    });
  } finally {
    if (out) closeSync(out.fd);
  }
  child.stderr?.on("data", (c: Buffer) => {
    piped += c.toString("utf8");
  });
  const s: Starter = {
    exited: null,
    stderr: () => (out ? readFrom(file, out.from) : piped),
    release: () => {
      child.stderr?.destroy();
      child.unref();
    },
  };
  child.once("exit", (code) => {
    s.exited = code ?? 1;
  });
  return s;
}

function openStderrFile(file: string): { fd: number; from: number } | null {
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
    let from = fstatSync(fd).size;
    if (from > MAX_STDERR_BYTES) {
      ftruncateSync(fd, 0);
      from = 0;
    }
    return { fd, from };
  } catch {
    return null;
  }
}

function readFrom(file: string, offset: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = Math.min(fstatSync(fd).size - offset, 64 * 1024);
    if (size <= 0) return "";
    const buf = Buffer.alloc(size);
    return buf.toString("utf8", 0, readSync(fd, buf, 0, size, offset));
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Take the starter's role, or leave it to a live CLI that holds it; a dead holder's claim is stale. */
function claim(file: string): boolean {
  try {
    const fd = openSync(file, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") return true; // cannot coordinate: start one anyway
  }
  const holder = Number.parseInt(readQuietly(file), 10);
  if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return false;
  rmSync(file, { force: true }); // the next poll claims it
  return false;
}

function readQuietly(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Not answering yet — no socket, refused, or too busy starting to answer in time — is not an error. */
async function answers(client: DaemonClient, last: { error: string }): Promise<boolean> {
  try {
    await client.health();
    return true;
  } catch (e) {
    last.error = errorMessage(e);
    return false;
  }
}
