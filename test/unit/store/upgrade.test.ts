import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate } from "../../../src/store/db.js";
import { MIGRATIONS } from "../../../src/store/migrations.js";
import { getRun } from "../../../src/store/runs.js";

describe("upgrading a database from the first schema", () => {
  it("keeps runs written by schema 1 readable, with defaults for what was added since", () => {
    const db = new Database(":memory:");
    db.exec(MIGRATIONS[0]!);
    db.pragma("user_version = 1");
    const spec = {
      projectDir: "/srv/app",
      timeoutSeconds: 900,
      resume: null,
      sessionLabel: "old",
      model: null,
      outputFile: null,
      maxBudgetUsd: null,
      permissionMode: "bypassPermissions",
      extraArgs: [],
      claudeBin: "/usr/bin/claude",
      includePartialMessages: true,
    };
    db.prepare(
      `INSERT INTO runs (id, state, created_at, updated_at, project_dir, task_summary, spec) VALUES ('old00001', 'succeeded', 1, 2, '/srv/app', 'task', ?)`,
    ).run(JSON.stringify(spec));
    migrate(db);
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    const row = getRun(db, "old00001")!;
    expect(row.spec).toMatchObject({
      ...spec,
      notify: [],
      completionMode: "single",
      heartbeatMode: "edit",
      umask: 0o022,
    });
    expect(row.notifyTokenHash).toBeNull();
    db.close();
  });

  it("refuses a database newer than this cctask", () => {
    const db = new Database(":memory:");
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db)).toThrow(
      /newer than this cctask knows .* Upgrade cctask, or point CCTASK_HOME elsewhere/,
    );
    db.close();
  });
});
