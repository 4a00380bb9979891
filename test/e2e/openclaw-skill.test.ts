/** The skill folder for OpenClaw agents, and `cctask openclaw install-skill` as a user runs it. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSandbox, ROOT, type Sandbox } from "../helpers/cctask.js";

const SKILL_DIR = join(ROOT, "openclaw-skill");

/** The frontmatter rules OpenClaw's skill loader applies: single-line keys, metadata as one-line JSON. */
function frontmatter(md: string): Record<string, string> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(md);
  if (!m) throw new Error("SKILL.md has no frontmatter block");
  const out: Record<string, string> = {};
  for (const line of m[1]!.split("\n")) {
    const kv = /^([a-z][a-z-]*): (.+)$/.exec(line);
    if (!kv) throw new Error(`frontmatter line is not a single-line "key: value": ${JSON.stringify(line)}`);
    out[kv[1]!] = kv[2]!;
  }
  return out;
}

describe("openclaw-skill/SKILL.md", () => {
  const md = readFileSync(join(SKILL_DIR, "SKILL.md"), "utf8");

  it("has valid OpenClaw frontmatter with single-line JSON metadata", () => {
    const fm = frontmatter(md);
    expect(fm.name).toBe("claude-code-task");
    expect(fm.description?.length).toBeGreaterThan(20);
    const meta = JSON.parse(fm.metadata ?? "") as { openclaw: { requires: { bins: string[] } } };
    expect(meta.openclaw.requires.bins).toEqual(["cctask", "claude"]);
  });

  it("refers to files in its own folder through {baseDir}, and they exist", () => {
    const refs = [...md.matchAll(/\{baseDir\}\/([\w.-]+)/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const f of refs) expect(existsSync(join(SKILL_DIR, f)), f).toBe(true);
  });

  it("launches with cctask's own flags and never with nohup or inline task text", () => {
    const commands = [...md.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!).join("\n");
    expect(commands).toContain("cctask run --validate-only --session");
    expect(commands).toContain("--task-file");
    expect(commands).not.toMatch(/nohup|run-task\.py|--task "\$\(cat/);
  });
});

describe("cctask openclaw install-skill", () => {
  let sb: Sandbox;
  afterEach(async () => sb.cleanup());

  it("copies the skill into OPENCLAW_STATE_DIR/skills, once, and refuses to overwrite an edited copy", async () => {
    sb = createSandbox();
    const state = join(sb.root, "openclaw-state");
    const env = { OPENCLAW_STATE_DIR: state };
    const target = join(state, "skills", "claude-code-task");

    const first = await sb.cli(["openclaw", "install-skill", "--json"], { env });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ installed: target, changed: true });
    expect(readdirSync(target).sort()).toEqual(readdirSync(SKILL_DIR).sort());
    expect(readFileSync(join(target, "SKILL.md"), "utf8")).toBe(
      readFileSync(join(SKILL_DIR, "SKILL.md"), "utf8"),
    );

    const again = await sb.cli(["openclaw", "install-skill"], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already installed and up to date");

    writeFileSync(join(target, "SKILL.md"), "edited by hand\n");
    writeFileSync(join(target, "stale.txt"), "left by an older version\n");
    const refused = await sb.cli(["openclaw", "install-skill"], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${target} already exists and differs`);
    expect(refused.stderr).toContain("--force");
    expect(readFileSync(join(target, "SKILL.md"), "utf8")).toBe("edited by hand\n");

    const forced = await sb.cli(["openclaw", "install-skill", "--force"], { env });
    expect(forced.code).toBe(0);
    expect(readdirSync(target).sort()).toEqual(readdirSync(SKILL_DIR).sort());
  });

  it("uses OPENCLAW_HOME/.openclaw/skills when no state dir is set, and --dir when given", async () => {
    sb = createSandbox();
    const ocHome = join(sb.root, "oc-home");
    const viaHome = await sb.cli(["openclaw", "install-skill", "--json"], { env: { OPENCLAW_HOME: ocHome } });
    expect(JSON.parse(viaHome.stdout).installed).toBe(
      join(ocHome, ".openclaw", "skills", "claude-code-task"),
    );

    const viaDir = await sb.cli(["openclaw", "install-skill", "--dir", "custom-skills", "--json"]);
    expect(JSON.parse(viaDir.stdout).installed).toBe(join(sb.root, "custom-skills", "claude-code-task"));
  });

  it("explains an unknown subcommand", async () => {
    sb = createSandbox();
    const r = await sb.cli(["openclaw", "install"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown subcommand "install"');
    expect(r.stderr).toContain("install-skill");
  });
});
