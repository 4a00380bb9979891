/**
 * The state directory's disk failing under cctask: full (a small tmpfs filled up), the database
 * read-only (a read-only bind mount), the database deleted. These mount file systems: they need
 * root, which CI has; anywhere else they fail, never skip.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NotificationView, RunView } from "../../src/protocol.js";
import { createSandbox, isAlive, type Sandbox, waitFor } from "../helpers/cctask.js";

let sb: Sandbox | undefined;
const mounts: string[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error("the disk-fault tests mount a tmpfs and must run as root (CI runs them as root)");
});

afterEach(async () => {
  if (sb) killAll(sb);
  for (const m of mounts.splice(0).reverse()) execFileSync("umount", ["-l", m]);
  await sb?.cleanup();
  sb = undefined;
});

/** The daemon and every run's process group, by PID, before the file system goes away. */
function killAll(s: Sandbox): void {
  const pid = s.daemonPid();
  if (pid && isAlive(pid)) process.kill(pid, "SIGKILL");
  let ids: string[] = [];
  try {
    ids = readdirSync(join(s.home, "runs"));
  } catch {
    return;
  }
  for (const id of ids) {
    try {
      process.kill(-Number(readFileSync(join(s.home, "runs", id, "pid"), "utf8").split(" ")[0]), "SIGKILL");
    } catch {
      // gone already
    }
  }
}

function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir]);
  mounts.push(dir);
}

/** Fills the file system holding `dir` to the last byte. */
function fillDisk(dir: string): string {
  const filler = join(dir, "filler");
  try {
    execFileSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k"], { stdio: "ignore" });
  } catch {
    // dd stops with "No space left on device": that is the point
  }
  return filler;
}

const notificationsOf = (s: Sandbox, id: string) => s.json<NotificationView[]>(["notifications", id]);

describe("a full disk", () => {
  it("a run whose processes die ends interrupted within seconds, sends settle, launches are refused with the fix", async () => {
    sb = createSandbox();
    mountTmpfs(sb.home, "16m");
    const receipt = await sb.json([
      "run",
      "-t",
      "work REPLAY_EMIT_FOR_S=120 REPLAY_INTERVAL_MS=100",
      "-p",
      sb.project,
      "--notify",
      "console",
    ]);
    const group = Number(readFileSync(join(sb.home, "runs", receipt.id, "pid"), "utf8").split(" ")[0]);
    const filler = fillDisk(sb.home);
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-group, "SIGKILL"); // the wrapper dies: no exit file can be written anyway
    } catch {
      // the agent may have died of the full disk already, and its wrapper with it
    }
    const killedAt = Date.now();
    let end: RunView | undefined;
    await waitFor(
      async () => {
        const v: RunView = await sb!.json(["status", receipt.id]);
        end = v;
        return v.state !== "running";
      },
      15_000,
      "the run to end",
    );
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(end!.state).toBe("interrupted");
    expect(end!.detail).toContain(`(the disk holding ${sb.home} is full; free space there)`);

    // no send is left "sending" (it would block its lane)
    await new Promise((r) => setTimeout(r, 3000));
    const sends = await notificationsOf(sb, receipt.id);
    expect(sends.map((n) => n.kind)).toContain("final");
    expect(sends.filter((n) => n.state === "sending")).toEqual([]);

    const launch = await sb.cli(["run", "-t", "more REPLAY_RESULT=x", "-p", sb.project]);
    expect(launch.code).toBe(3);
    expect(launch.stdout).toBe("");
    expect(launch.stderr).toMatch(
      new RegExp(
        `^cctask run: cannot start a run: the disk holding ${sb.home} is full \\(only \\d+ KB free\\)\\. Free some space on it, or set CCTASK_HOME to a directory on a disk with room, then launch again\\. Nothing was started\\.\\n$`,
      ),
    );

    // space again: everything owed goes out, and launches work
    rmSync(filler);
    await waitFor(
      async () => (await notificationsOf(sb!, receipt.id)).every((n) => n.state === "delivered"),
      45_000,
      "every notification of the run to be delivered",
    );
    await waitFor(
      async () => (await sb!.cli(["run", "-t", "again REPLAY_RESULT=x", "-p", sb!.project])).code === 0,
      20_000,
      "a launch to be accepted once the disk has room",
    );
  }, 150_000);

  it("a daemon that cannot start on a read-only database says so, without a stack trace", async () => {
    sb = createSandbox();
    const first = await sb.cli(["run", "-t", "REPLAY_RESULT=ok", "-p", sb.project, "--wait"]);
    expect(first.code).toBe(0);
    const pid = sb.daemonPid()!;
    await sb.cli(["daemon", "stop"]);
    await waitFor(() => !isAlive(pid), 15_000, "the daemon to stop");
    const db = join(sb.home, "cctask.db");
    execFileSync("mount", ["--bind", db, db]);
    mounts.push(db);
    execFileSync("mount", ["-o", "remount,ro,bind", db]);
    for (const args of [["list"], ["run", "-t", "x", "-p", sb.project]]) {
      const r = await sb.cli(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `cctask ${args[0]}: the cctask daemon cannot start: cctask cannot write ${db}: it is read-only (EROFS). ` +
          `Make it writable for this user (check the mount and the permissions of ${sb.home} and of cctask.db, cctask.db-wal, cctask.db-shm in it), or set CCTASK_HOME to a writable directory\n`,
      );
    }
  }, 90_000);
});

describe("a deleted database", () => {
  it("deleted while the daemon runs: written back from the open copy; the run goes on and ends", async () => {
    sb = createSandbox();
    const receipt = await sb.json([
      "run",
      "-t",
      "REPLAY_EMIT_FOR_S=4 REPLAY_INTERVAL_MS=200 REPLAY_RESULT=kept",
      "-p",
      sb.project,
    ]);
    const pid = sb.daemonPid()!;
    for (const f of ["cctask.db", "cctask.db-wal", "cctask.db-shm"])
      rmSync(join(sb.home, f), { force: true });
    await waitFor(() => !isAlive(pid), 10_000, "the daemon to restore the database and stop");
    const log = readFileSync(join(sb.home, "daemon.log"), "utf8");
    expect(log).toContain(
      `error the database ${join(sb.home, "cctask.db")} was deleted or replaced while this daemon ran; writing it back`,
    );
    expect(log).toContain(`info the database ${join(sb.home, "cctask.db")} was restored`);
    const w = await sb.cli(["wait", receipt.id, "--json"]);
    expect(w.code, w.stderr).toBe(0);
    expect((JSON.parse(w.stdout) as RunView).state).toBe("succeeded");
    expect(w.stderr).toBe("");
  }, 90_000);

  it("deleted while no daemon runs: every command says so instead of 'no runs yet'", async () => {
    sb = createSandbox();
    expect((await sb.cli(["run", "-t", "REPLAY_RESULT=ok", "-p", sb.project, "--wait"])).code).toBe(0);
    const pid = sb.daemonPid()!;
    await sb.cli(["daemon", "stop"]);
    await waitFor(() => !isAlive(pid), 15_000, "the daemon to stop");
    for (const f of ["cctask.db", "cctask.db-wal", "cctask.db-shm"])
      rmSync(join(sb.home, f), { force: true });
    const r = await sb.cli(["list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no runs in the database (it was deleted: see the warning above)\n");
    expect(r.stdout).not.toMatch(/no runs yet/);
    const runs = join(sb.home, "runs");
    expect(r.stderr).toBe(
      `cctask: warning: the database ${join(sb.home, "cctask.db")} was missing when this daemon started, though ${runs} holds 1 run directory: ` +
        `it was deleted, and with it the run history and any notifications not yet sent. A new, empty database was created; new runs work, and the old runs' files are still in ${runs}.\n`,
    );
    expect((await sb.cli(["status"])).stderr).toBe(r.stderr);
  }, 90_000);
});
