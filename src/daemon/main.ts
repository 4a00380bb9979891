/**
 * The daemon's lifecycle, in order: state dir → config → lock → pid file → database →
 * reconcile → signals → serve → exit when idle. A failing part is logged, never silently fatal.
 */
import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exposedSecretWarning } from "../config.js";
import { acquireLock } from "../platform/lock.js";
import { configPath } from "../state-dir.js";
import { openDb } from "../store/db.js";
import { countUndelivered } from "../store/notifications.js";
import { countActive } from "../store/runs.js";
import { createApi } from "./api.js";
import { loadConfigOrFallback } from "./config-fallback.js";
import { createEvents, type DaemonContext } from "./context.js";
import { fileIdentity, missingDatabaseProblem } from "./db-watch.js";
import { fileLogger } from "./log.js";
import { Notifier } from "./notifier.js";
import { reconcile } from "./reconcile.js";
import { cleanupRegistry } from "./registry.js";
import { createReserve } from "./reserve.js";
import { kick } from "./scheduler.js";
import { Supervisor } from "./supervisor.js";
import { Waker } from "./waker.js";

export const DAEMON_FILES = {
  socket: "daemon.sock",
  pid: "daemon.pid",
  log: "daemon.log",
  db: "cctask.db",
} as const;

export class DaemonAlreadyRunning extends Error {}

export async function runDaemon(stateDir: string): Promise<void> {
  process.umask(0o077);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  mkdirSync(join(stateDir, "runs"), { recursive: true, mode: 0o700 });
  const log = fileLogger(join(stateDir, DAEMON_FILES.log));
  let loadedStamp = configStamp(stateDir);
  const loaded = loadConfigOrFallback(stateDir);
  const config = loaded.config;

  const lock = await acquireLock(stateDir);
  if (!lock) throw new DaemonAlreadyRunning(`another cctask daemon is already running for ${stateDir}`);
  const pidPath = join(stateDir, DAEMON_FILES.pid);
  const sockPath = join(stateDir, DAEMON_FILES.socket);
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });

  const reserve = createReserve(stateDir, log);
  reserve.ensure();
  const dbPath = join(stateDir, DAEMON_FILES.db);
  const dbMissing = missingDatabaseProblem(stateDir, dbPath);
  const ctx: DaemonContext = {
    stateDir,
    config,
    configProblem: loaded.problem,
    storageProblem: dbMissing,
    db: openDb(dbPath),
    log,
    reserve,
    events: createEvents(),
    startedAt: Date.now(),
  };
  log.info(`daemon ${process.pid} starting for ${stateDir} (max ${config.maxConcurrent} concurrent runs)`);
  if (loaded.problem) logConfigProblem(ctx);
  if (dbMissing) log.error(dbMissing);
  const dbIdentity = fileIdentity(dbPath);
  const exposed = exposedSecretWarning(stateDir, config);
  if (exposed) log.warn(exposed);

  let lastActivity = Date.now();
  let stopping = false;
  const supervisor = new Supervisor(ctx, () => {
    lastActivity = Date.now();
    if (!stopping) kick(ctx, supervisor);
  });
  const notifier = new Notifier(ctx, supervisor);
  ctx.queueFinal = (runId) => notifier.final(runId); // in the transaction that records the outcome
  notifier.start();
  const waker = new Waker(ctx, notifier);
  waker.start(); // before reconcile: its claims are settled before any run it finishes is woken
  writeCctaskShim(stateDir);
  reconcile(ctx, supervisor);
  kick(ctx, supervisor);
  cleanupRegistry(ctx);
  const cleanupTimer = setInterval(() => cleanupRegistry(ctx), 6 * 3600_000);
  cleanupTimer.unref();

  const server = createApi({
    ctx,
    supervisor,
    notifier,
    onActivity: () => {
      lastActivity = Date.now();
      const stamp = configStamp(stateDir);
      if (stamp !== loadedStamp) {
        loadedStamp = stamp;
        reloadConfig(ctx);
      }
    },
    shutdown: () => void shutdown("requested"),
  });
  let connections = 0;
  server.on("connection", (sock) => {
    connections++;
    sock.once("close", () => {
      connections--;
      lastActivity = Date.now();
    });
  });
  rmSync(sockPath, { force: true }); // we hold the lock: any socket file left here is stale
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(sockPath, resolve);
  });
  chmodSync(sockPath, 0o600);
  log.info(`daemon ${process.pid} listening on ${sockPath}`);

  let ticks = 0;
  const idleTimer = setInterval(() => {
    if (++ticks % 5 === 0) reserve.ensure(); // set space aside again once the disk has room
    if (fileIdentity(dbPath) !== dbIdentity) void restoreDatabase();
    const stamp = configStamp(stateDir);
    if (stamp !== loadedStamp) {
      loadedStamp = stamp;
      reloadConfig(ctx);
    }
    // Idle means: no run to supervise, no client, and nothing left to deliver.
    const idle =
      connections === 0 &&
      supervisor.size === 0 &&
      waker.busy === 0 &&
      countActive(ctx.db) === 0 &&
      countUndelivered(ctx.db) === 0;
    if (idle && Date.now() - lastActivity >= ctx.config.idleExitSeconds * 1000)
      void shutdown(`idle for ${ctx.config.idleExitSeconds}s`);
  }, 1000);

  let restoring = false;
  /** The database file was deleted under us: write it back from the open copy, then make way for a new daemon. */
  async function restoreDatabase(): Promise<void> {
    if (restoring || stopping) return;
    restoring = true;
    log.error(
      `the database ${dbPath} was deleted or replaced while this daemon ran; writing it back from the copy this daemon holds open, then stopping so that the next daemon continues with it`,
    );
    try {
      if (fileIdentity(dbPath) === null) {
        await ctx.db.backup(dbPath);
        log.info(`the database ${dbPath} was restored`);
      } else log.error(`another file is at ${dbPath} now; it is left as it is`);
    } catch (e) {
      log.error(`could not restore the database ${dbPath}`, e);
    }
    await shutdown("its database file was deleted");
  }

  async function shutdown(why: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    log.info(
      `daemon ${process.pid} stopping (${why}); runs keep running and are re-adopted by the next daemon`,
    );
    clearInterval(idleTimer);
    clearInterval(cleanupTimer);
    server.close();
    server.closeAllConnections();
    await supervisor.detachAll();
    await waker.drain(20_000); // a wake cut off here would be reported as uncertain by the next daemon
    await notifier.stop();
    rmSync(sockPath, { force: true });
    rmSync(pidPath, { force: true });
    ctx.db.close();
    lock?.close();
    process.exit(0);
  }

  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGHUP", () => {});
  process.on("uncaughtException", (e) => log.error("uncaught exception (daemon keeps running)", e));
  process.on("unhandledRejection", (e) => log.error("unhandled rejection (daemon keeps running)", e));
}

/** `cctask` on the agent's PATH (for `cctask notify`), whatever way cctask itself was installed. */
function writeCctaskShim(stateDir: string): void {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const cli = fileURLToPath(new URL("../cli.js", import.meta.url));
  mkdirSync(join(stateDir, "bin"), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(stateDir, "bin", "cctask"),
    `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(cli)} "$@"\n`,
    { mode: 0o700 },
  );
}

/** Identifies the config file's current version (mtime and size), or its absence. */
function configStamp(stateDir: string): string {
  try {
    const st = statSync(configPath(stateDir));
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return "absent";
  }
}

/** An edited config.json5 takes effect at the next request; a broken edit keeps the settings in use. */
function reloadConfig(ctx: DaemonContext): void {
  const loaded = loadConfigOrFallback(ctx.stateDir);
  if (loaded.problem) {
    ctx.configProblem = { error: loaded.problem.error, using: "the settings it had before the edit" };
    logConfigProblem(ctx);
    return;
  }
  ctx.config = loaded.config;
  ctx.configProblem = null;
  ctx.log.info("config.json5 changed: reloaded");
}

function logConfigProblem(ctx: DaemonContext): void {
  const p = ctx.configProblem;
  if (p) ctx.log.error(`config.json5 is invalid, running with ${p.using}: ${p.error}`);
}
