/**
 * Bad input: a clear message naming the value and the fix, a non-zero exit, nothing started,
 * state unchanged (no run recorded, no run directory).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../helpers/cctask.js";

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

function runDirs(): string[] {
  const d = join(sb.home, "runs");
  return existsSync(d) ? readdirSync(d) : [];
}

async function refused(
  args: string[],
  message: RegExp,
  opts: { stdin?: string; env?: Record<string, string> } = {},
) {
  const before = runDirs().length;
  const r = await sb.cli(["run", ...args], opts);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(runDirs().length).toBe(before);
  return r;
}

describe("cctask run refuses bad input before anything starts", () => {
  it("empty task", async () => {
    await refused(
      ["--task", "   ", "-p", sb.project],
      /the task is empty \(from --task\); say what Claude should do/,
    );
    await refused(["--task", "-", "-p", sb.project], /the task is empty \(from standard input\)/, {
      stdin: "\n\n",
    });
  });

  it("no task at all", async () => {
    await refused(
      ["-p", sb.project],
      /no task given; pass it with --task "…", --task-file FILE, or --task -/,
    );
  });

  it("task file missing or unreadable", async () => {
    await refused(
      ["--task-file", "/nonexistent/task.txt", "-p", sb.project],
      /cannot read the task file "\/nonexistent\/task.txt": ENOENT/,
    );
    await refused(
      ["--task-file", sb.project, "-p", sb.project],
      /cannot read the task file ".*project": EISDIR/,
    );
  });

  it("project path missing, or a regular file", async () => {
    const missing = join(sb.root, "nope");
    await refused(
      ["-t", "x", "-p", missing],
      new RegExp(`the project directory ${missing} does not exist; create it, or pass --create-project`),
    );
    expect(existsSync(missing)).toBe(false);
    const file = join(sb.root, "a-file");
    writeFileSync(file, "x");
    await refused(["-t", "x", "-p", file], /is a file, not a directory; pass a directory with --project/);
  });

  it("unknown flag and stray words", async () => {
    await refused(["-t", "x", "--frobnicate"], /Unknown option '--frobnicate'[\s\S]*See: cctask run --help/);
    await refused(
      ["do this please", "-p", sb.project],
      /unexpected argument "do this please" for cctask run\. Pass the task with --task/,
    );
  });

  it("a timeout that is not whole seconds within 1..604800, however it is spelled", async () => {
    const range = "--timeout must be a whole number of seconds from 1 to 604800 \\(7 days\\)";
    const example = "\\. Example: --timeout 900 \\(15 minutes\\)$";
    const cases: [string[], string, string][] = [
      [["--timeout", "-5"], "-5", "it is below 1"],
      [["--timeout=-5"], "-5", "it is below 1"],
      [["--timeout", "0"], "0", "it is below 1"],
      [
        ["--timeout", "0x10"],
        "0x10",
        "only plain decimal digits are accepted \\(no units, hex or exponent\\)",
      ],
      [
        ["--timeout", "1e-9"],
        "1e-9",
        "only plain decimal digits are accepted \\(no units, hex or exponent\\)",
      ],
      [
        ["--timeout", "1e308"],
        "1e308",
        "only plain decimal digits are accepted \\(no units, hex or exponent\\)",
      ],
      [["--timeout", "5.5"], "5\\.5", "it is not a whole number of seconds"],
      [["--timeout", "604801"], "604801", "it is above 604800 \\(7 days\\)"],
      [["--timeout", "99999999999999999999999"], "9+", "it is above 604800 \\(7 days\\)"],
      [["--timeout="], "", "it is empty"],
      [["--timeout", "abc"], "abc", "only plain decimal digits are accepted \\(no units, hex or exponent\\)"],
    ];
    for (const [flag, value, why] of cases) {
      const r = await refused(
        ["-t", "x", "-p", sb.project, ...flag],
        new RegExp(`^cctask run: ${range}, got "${value}": ${why}${example}`, "m"),
      );
      expect(r.stderr).not.toMatch(/ambiguous/);
    }
  });

  it("an option whose value is missing or looks like an option, in cctask's words", async () => {
    const r = await refused(
      ["-t", "x", "-p", sb.project, "--timeout", "--model", "m"],
      /^cctask run: --timeout needs a value, but the next word starts with "-" like an option\. Put the value right after --timeout; a value that starts with "-" is written --timeout=VALUE\nSee: cctask run --help$/m,
    );
    expect(r.stderr).not.toMatch(/ambiguous/);
    await refused(
      ["-t", "x", "-p", sb.project, "--timeout"],
      /^cctask run: --timeout needs a value, and none was given\nSee: cctask run --help$/m,
    );
  });

  it("the largest timeout is accepted (the next check speaks)", async () => {
    await refused(
      ["-t", "x", "-p", sb.project, "--timeout", "604800", "--permission-mode", "yolo"],
      /--permission-mode must be one of/,
    );
  });

  it("a Telegram topic 0 (topic ids start at 1)", async () => {
    await refused(
      ["-t", "x", "-p", sb.project, "--notify", "telegram:-100:topic:0"],
      /--notify "telegram:-100:topic:0": "0" is not a topic id \(a whole number from 1: topic ids start at 1; leave out :topic: for the main chat\)/,
    );
  });

  it("a binary task file, a task file that is not UTF-8, and binary standard input", async () => {
    const bin = join(sb.root, "task.bin");
    writeFileSync(bin, Buffer.from([0x66, 0x69, 0x78, 0x00, 0x01, 0x02]));
    await refused(
      ["--task-file", bin, "-p", sb.project],
      /^cctask run: the task from the task file ".*task\.bin" is binary, not text \(a NUL byte at offset 3\)\. Pass a UTF-8 text file\.$/m,
    );
    const latin1 = join(sb.root, "task-latin1.txt");
    writeFileSync(latin1, Buffer.from("caf\xe9 au lait", "latin1"));
    await refused(
      ["--task-file", latin1, "-p", sb.project],
      /^cctask run: the task from the task file ".*task-latin1\.txt" is not valid UTF-8 text \(bytes that are not UTF-8 at offset 3\)\. Save it as UTF-8, or pass a text file\.$/m,
    );
    await refused(["--task", "-", "-p", sb.project], /the task from standard input is binary, not text/, {
      stdin: "do this\u0000",
    });
  });

  it("a task larger than 10 MB, from a file or standard input", async () => {
    const big = join(sb.root, "big.txt");
    writeFileSync(big, "");
    truncateSync(big, 50 * 1024 * 1024);
    await refused(
      ["--task-file", big, "-p", sb.project],
      /^cctask run: the task from the task file ".*big\.txt" is 52428800 bytes \(50\.0 MB\), over the limit of 10 MB\. Put large material in a file in the project directory and name that file in the task instead\.$/m,
    );
    await refused(
      ["--task", "-", "-p", sb.project],
      /the task from standard input is 10485761 bytes \(10\.0 MB\), over the limit of 10 MB/,
      { stdin: "y".repeat(10 * 1024 * 1024 + 1) },
    );
  });

  it("claude not found or not executable", async () => {
    await refused(
      ["-t", "x", "-p", sb.project],
      /claude was not found or is not executable: "\/nope\/claude" \(from CCTASK_CLAUDE_BIN\)\. Install Claude Code/,
      {
        env: { CCTASK_CLAUDE_BIN: "/nope/claude" },
      },
    );
    const notExec = join(sb.root, "claude-not-exec");
    writeFileSync(notExec, "#!/bin/sh\n");
    chmodSync(notExec, 0o644);
    await refused(["-t", "x", "-p", sb.project], /claude was not found or is not executable/, {
      env: { CCTASK_CLAUDE_BIN: notExec },
    });
    await refused(["-t", "x", "-p", sb.project], /"claude" on PATH/, {
      env: { CCTASK_CLAUDE_BIN: "", PATH: "/nonexistent" },
    });
  });

  it("an empty model or session label", async () => {
    await refused(
      ["-t", "x", "-p", sb.project, "--model", ""],
      /^cctask run: --model is empty; pass a model name, e.g. --model sonnet, or leave it out for claude's default\n$/,
    );
    await refused(
      ["-t", "x", "-p", sb.project, "--session-label", " "],
      /^cctask run: --session-label is empty; pass a label to resume the session by later, e.g. --session-label "auth refactor", or leave it out\n$/,
    );
  });

  it("an invalid permission mode", async () => {
    await refused(
      ["-t", "x", "-p", sb.project, "--permission-mode", "yolo"],
      /--permission-mode must be one of bypassPermissions, .*; got "yolo"/,
    );
  });

  it("skipping permissions as root without IS_SANDBOX is explained with the fix", async () => {
    const r = await sb.cli(["run", "-t", "x REPLAY_RESULT=ok", "-p", sb.project], {
      env: { IS_SANDBOX: "" },
    });
    if (process.getuid?.() === 0) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /claude refuses to skip permission prompts when run as root[\s\S]*set IS_SANDBOX=1/,
      );
    } else {
      expect(r.code).toBe(0); // not root: claude accepts --dangerously-skip-permissions
    }
  });

  it("an invalid config file names the key and the fix", async () => {
    const other = createSandbox();
    try {
      other.writeConfig({ maxConcurrent: "many" });
      const r = await other.cli(["run", "-t", "x", "-p", other.project]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/config\.json5 has invalid settings:\n {2}maxConcurrent: .*number/);
      writeFileSync(join(other.home, "config.json5"), "{ oops ");
      const r2 = await other.cli(["run", "-t", "x", "-p", other.project]);
      expect(r2.stderr).toMatch(/is not valid JSON5/);
    } finally {
      await other.cleanup();
    }
  });

  it("a state directory that is not writable", async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; a path under a regular file can never be created
      const file = join(sb.root, "plainfile");
      writeFileSync(file, "x");
      const r = await sb.cli(["run", "-t", "x", "-p", sb.project], {
        env: { CCTASK_HOME: join(file, "state") },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /the state directory .*plainfile\/state is not writable \(ENOTDIR\)\. Fix its permissions, or set CCTASK_HOME/,
      );
    } else {
      const ro = join(sb.root, "ro");
      mkdirSync(ro, { mode: 0o500 });
      const r = await sb.cli(["run", "-t", "x", "-p", sb.project], {
        env: { CCTASK_HOME: join(ro, "state") },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/is not writable/);
    }
  });

  it("unknown run ids and commands", async () => {
    const s = await sb.cli(["status", "zzzzzzzz"]);
    expect(s.code).toBe(4);
    expect(s.stderr).toMatch(/no run with id "zzzzzzzz"; see cctask list/);
    const bad = await sb.cli(["wait", "../etc"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/"\.\.\/etc" is not a run id/);
    // Dot segments are ids like any other, not paths that URL rules resolve to another route.
    for (const [cmd, id] of [
      ["status", "."],
      ["result", ".."],
      ["cancel", "."],
    ]) {
      const r = await sb.cli([cmd!, id!]);
      expect(r.stderr).toBe(
        `cctask ${cmd}: "${id}" is not a run id; run ids look like 3f9a1c2b (see cctask list)\n`,
      );
      expect(r.code).toBe(2);
    }
    const long = await sb.cli(["status", "a".repeat(100_000)]);
    expect(long.stderr).toBe(
      `cctask status: "${"a".repeat(40)}…" (100000 characters) is not an id, key or label cctask knows: those are at most 1000 characters. cctask list and cctask sessions show them.\n`,
    );
    expect(long.code).toBe(2);
    const cmd = await sb.cli(["frob"]);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/unknown command "frob"/);
  });

  it("nothing was recorded by any refused call", async () => {
    const list = await sb.cli(["list", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});
