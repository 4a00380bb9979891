/**
 * The daemon's lifecycle, as named steps in order: state dir → config → lock (and pid file) →
 * database and parts → reconcile → signals → serve, until idle or asked to stop. A failing part is
 * logged, never silently fatal.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { exposedSecretWarning } from "../config.js";
import { cliPath } from "../install-paths.js";
import { fileLogger, type Logger } from "../log.js";
import { acquireLock } from "../platform/lock.js";
import { statePath } from "../state-dir.js";
import { openDb } from "../store/db.js";
import { countUndelivered } from "../store/notifications.js";
import { countActive } from "../store/runs.js";
import { createApi } from "./api.js";
import { type LoadedConfig, loadConfigOrFallback } from "./config-fallback.js";
import { configStamp, logConfigProblem, reloadConfig } from "./config-reload.js";
import { createEvents, type DaemonContext } from "./context.js";
import { fileIdentity, missingDatabaseProblem } from "./db-watch.js";
import { Notifier } from "./notifier.js";
import { reconcile } from "./reconcile.js";
import { cleanupRegistry } from "./registry.js";
import { createReserve } from "./reserve.js";
import { kick } from "./scheduler.js";
import { Supervisor } from "./supervisor.js";
import { Waker } from "./waker.js";

export class DaemonAlreadyRunning extends Error {}

const RECONCILE_WAIT_MS = 5000;

export async function runDaemon(stateDir: string): Promise<void> {
  const log = prepareStateDir(stateDir); // first: the config's last-good copy is written in it
  const loaded = loadConfig(stateDir);
  const lock = await takeLock(stateDir);
  const d = openDaemon(stateDir, loaded, log, lock);
  await reconcileRuns(d);
  handleSignals(d);
  await serve(d);
}

/** A running daemon: its parts, and what its steps share while it runs and when it stops. */
interface Daemon {
  ctx: DaemonContext;
  supervisor: Supervisor;
  notifier: Notifier;
  waker: Waker;
  lock: { close(): void };
  paths: { pid: string; socket: string; db: string };
  dbIdentity: string | null;
  loadedStamp: string;
  lastActivity: number;
  stopping: boolean;
  restoring: boolean;
  /** Set by serve(), closed by shutdown(). */
  server: Server | null;
  timers: NodeJS.Timeout[];
}

/** The state directory (0700, with runs/) and the daemon's log in it; files created later are 0600. */
function prepareStateDir(stateDir: string): Logger {
  process.umask(0o077);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  chmodSync(stateDir, 0o700);
  mkdirSync(statePath(stateDir, "runs"), { recursive: true, mode: 0o700 });
  return fileLogger(statePath(stateDir, "log"));
}

/** config.json5, or the last good settings (or the defaults) with the problem kept to report. */
function loadConfig(stateDir: string): LoadedConfig & { stamp: string } {
  const stamp = configStamp(stateDir);
  return { ...loadConfigOrFallback(stateDir), stamp };
}

/** The one-daemon lock, then the pid file; a second daemon for the same directory stops here. */
async function takeLock(stateDir: string): Promise<{ close(): void }> {
  const lock = await acquireLock(stateDir);
  if (!lock) throw new DaemonAlreadyRunning(`another cctask daemon is already running for ${stateDir}`);
  writeFileSync(statePath(stateDir, "pid"), `${process.pid}\n`, { mode: 0o600 });
  return lock;
}

/** The database and the daemon's parts: supervisor, notifier, waker; the agent's `cctask` shim. */
function openDaemon(
  stateDir: string,
  loaded: LoadedConfig & { stamp: string },
  log: Logger,
  lock: { close(): void },
): Daemon {
  const config = loaded.config;
  const reserve = createReserve(stateDir, log);
  reserve.ensure();
  const dbPath = statePath(stateDir, "db");
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

  // Set below, before any run can end (runs are adopted by reconcileRuns, after this returns).
  let d: Daemon;
  const supervisor = new Supervisor(ctx, () => {
    d.lastActivity = Date.now();
    if (!d.stopping) kick(ctx, supervisor);
  });
  const notifier = new Notifier(ctx, supervisor);
  ctx.queueFinal = (runId) => notifier.final(runId); // in the transaction that records the outcome
  notifier.start();
  const waker = new Waker(ctx, notifier);
  waker.start(); // before reconcile: its claims are settled before any run it finishes is woken
  writeCctaskShim(stateDir);
  d = {
    ctx,
    supervisor,
    notifier,
    waker,
    lock,
    paths: { pid: statePath(stateDir, "pid"), socket: statePath(stateDir, "socket"), db: dbPath },
    dbIdentity,
    loadedStamp: loaded.stamp,
    lastActivity: Date.now(),
    stopping: false,
    restoring: false,
    server: null,
    timers: [],
  };
  return d;
}

/**
 * Runs left by the last daemon: adopted if alive, finished from their files if not; the queue
 * starts. The first client (often the `cctask status` that started this daemon) sees the runs
 * that ended meanwhile as ended: serving waits for them, up to a few seconds for a long backlog.
 */
async function reconcileRuns(d: Daemon): Promise<void> {
  const { ended } = reconcile(d.ctx, d.supervisor);
  await Promise.race([ended, new Promise((r) => setTimeout(r, RECONCILE_WAIT_MS).unref())]);
  kick(d.ctx, d.supervisor);
  cleanupRegistry(d.ctx);
  const cleanupTimer = setInterval(() => cleanupRegistry(d.ctx), 6 * 3600_000);
  cleanupTimer.unref();
  d.timers.push(cleanupTimer);
}

/** SIGTERM and SIGINT stop the daemon cleanly (runs keep running); a stray error is logged, never fatal. */
function handleSignals(d: Daemon): void {
  const log = d.ctx.log;
  process.on("SIGTERM", () => void shutdown(d, "SIGTERM"));
  process.on("SIGINT", () => void shutdown(d, "SIGINT"));
  process.on("SIGHUP", () => {});
  process.on("uncaughtException", (e) => log.error("uncaught exception (daemon keeps running)", e));
  process.on("unhandledRejection", (e) => log.error("unhandled rejection (daemon keeps running)", e));
}

/** The local API on the socket (0600), then a once-a-second housekeeping tick until idle. */
async function serve(d: Daemon): Promise<void> {
  if (d.stopping) return; // a signal came first
  const { ctx } = d;
  const server = createApi({
    ctx,
    supervisor: d.supervisor,
    notifier: d.notifier,
    onActivity: () => {
      d.lastActivity = Date.now();
      reloadConfigIfChanged(d);
    },
    shutdown: () => void shutdown(d, "requested"),
  });
  d.server = server;
  let connections = 0;
  server.on("connection", (sock) => {
    connections++;
    sock.once("close", () => {
      connections--;
      d.lastActivity = Date.now();
    });
  });
  rmSync(d.paths.socket, { force: true }); // we hold the lock: any socket file left here is stale
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(d.paths.socket, resolve);
  });
  chmodSync(d.paths.socket, 0o600);
  ctx.log.info(`daemon ${process.pid} listening on ${d.paths.socket}`);

  let ticks = 0;
  const idleTimer = setInterval(() => {
    if (++ticks % 5 === 0) ctx.reserve?.ensure(); // set space aside again once the disk has room
    if (fileIdentity(d.paths.db) !== d.dbIdentity) void restoreDatabase(d);
    reloadConfigIfChanged(d);
    // Idle means: no run to supervise, no client, and nothing left to deliver.
    const idle =
      connections === 0 &&
      d.supervisor.size === 0 &&
      d.waker.busy === 0 &&
      countActive(ctx.db) === 0 &&
      countUndelivered(ctx.db) === 0;
    if (idle && Date.now() - d.lastActivity >= ctx.config.idleExitSeconds * 1000)
      void shutdown(d, `idle for ${ctx.config.idleExitSeconds}s`);
  }, 1000);
  d.timers.push(idleTimer);
}

/** The database file was deleted under us: write it back from the open copy, then make way for a new daemon. */
async function restoreDatabase(d: Daemon): Promise<void> {
  if (d.restoring || d.stopping) return;
  d.restoring = true;
  const { log } = d.ctx;
  const dbPath = d.paths.db;
  log.error(
    `the database ${dbPath} was deleted or replaced while this daemon ran; writing it back from the copy this daemon holds open, then stopping so that the next daemon continues with it`,
  );
  try {
    if (fileIdentity(dbPath) === null) {
      await d.ctx.db.backup(dbPath);
      log.info(`the database ${dbPath} was restored`);
    } else log.error(`another file is at ${dbPath} now; it is left as it is`);
  } catch (e) {
    log.error(`could not restore the database ${dbPath}`, e);
  }
  await shutdown(d, "its database file was deleted");
}

async function shutdown(d: Daemon, why: string): Promise<void> {
  if (d.stopping) return;
  d.stopping = true;
  d.ctx.log.info(
    `daemon ${process.pid} stopping (${why}); runs keep running and are re-adopted by the next daemon`,
  );
  for (const t of d.timers) clearInterval(t);
  d.server?.close();
  d.server?.closeAllConnections();
  await d.supervisor.detachAll();
  await d.waker.drain(20_000); // a wake cut off here would be reported as uncertain by the next daemon
  await d.notifier.stop();
  rmSync(d.paths.socket, { force: true });
  rmSync(d.paths.pid, { force: true });
  d.ctx.db.close();
  d.lock.close();
  process.exit(0);
}

/** `cctask` on the agent's PATH (for `cctask notify`), whatever way cctask itself was installed. */
function writeCctaskShim(stateDir: string): void {
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  mkdirSync(statePath(stateDir, "bin"), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(statePath(stateDir, "bin"), "cctask"),
    `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(cliPath())} "$@"\n`,
    { mode: 0o700 },
  );
}

/** Reloads config.json5 when its file changed since it was last read. */
function reloadConfigIfChanged(d: Daemon): void {
  const stamp = configStamp(d.ctx.stateDir);
  if (stamp === d.loadedStamp) return;
  d.loadedStamp = stamp;
  reloadConfig(d.ctx);
}
