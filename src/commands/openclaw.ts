/**
 * `cctask openclaw install-skill`: copies the skill folder shipped with cctask into OpenClaw's
 * managed skills directory, where every agent of that OpenClaw finds it.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { skillDir } from "../install-paths.js";
import { resolveOpenClawHome, resolveOpenClawStateDir } from "../openclaw/paths.js";
import { parseCommandArgs, str } from "./args.js";
import { type CommandIo, printHelp } from "./io.js";

export const SKILL_NAME = "claude-code-task";

export const OPENCLAW_HELP = `Usage: cctask openclaw install-skill [--dir SKILLS_DIR] [--force] [--json]

Copies the "${SKILL_NAME}" skill into OpenClaw's skills directory, so that OpenClaw agents know
how to launch tasks with cctask and continue when woken.

  --dir DIR   the skills directory (default: $OPENCLAW_STATE_DIR/skills, else ~/.openclaw/skills,
              with OPENCLAW_HOME in place of the home directory when set)
  --force     replace an installed copy that differs from this version's
  --json      print {"installed": PATH, "changed": true|false}
`;

export function defaultSkillsDir(env: NodeJS.ProcessEnv): string {
  return join(resolveOpenClawStateDir(env), "skills");
}

export async function openclawCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseCommandArgs(
    "openclaw",
    argv,
    {
      dir: { type: "string" },
      force: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    { maxPositionals: 1 },
  );
  if (args.values.help) return printHelp(io, OPENCLAW_HELP);
  const sub = args.positionals[0];
  if (sub !== "install-skill") {
    io.err(
      sub === undefined ? OPENCLAW_HELP : `cctask openclaw: unknown subcommand "${sub}"\n\n${OPENCLAW_HELP}`,
    );
    return 2;
  }
  const dirArg = str(args.values.dir);
  if (dirArg !== undefined && dirArg.trim() === "")
    throw new UsageError("--dir is empty; pass OpenClaw's skills directory, e.g. --dir ~/.openclaw/skills");
  const skillsDir = dirArg
    ? resolve(io.cwd, dirArg.replace(/^~(?=$|\/)/, resolveOpenClawHome(io.env)))
    : defaultSkillsDir(io.env);
  const result = installSkill(skillDir(), join(skillsDir, SKILL_NAME), Boolean(args.values.force));
  if (args.values.json) io.out(JSON.stringify(result));
  else if (!result.changed)
    io.out(`The ${SKILL_NAME} skill is already installed and up to date: ${result.installed}`);
  else
    io.out(
      `Installed the ${SKILL_NAME} skill: ${result.installed}\n` +
        "OpenClaw picks it up on the next agent turn; check with: openclaw skills info claude-code-task",
    );
  return 0;
}

function sameContents(a: string, b: string): boolean {
  const names = readdirSync(a).sort();
  if (names.join("\0") !== readdirSync(b).sort().join("\0")) return false;
  return names.every((n) => readFileSync(join(a, n)).equals(readFileSync(join(b, n))));
}

export function installSkill(
  from: string,
  to: string,
  force: boolean,
): { installed: string; changed: boolean } {
  if (!existsSync(join(from, "SKILL.md")))
    throw new Error(`the skill folder shipped with cctask is missing: ${from}/SKILL.md`);
  if (existsSync(to)) {
    if (sameContents(from, to)) return { installed: to, changed: false };
    if (!force)
      throw new UsageError(
        `${to} already exists and differs from this version's skill (edited by hand, or another version). ` +
          "Pass --force to replace it, or --dir to install elsewhere.",
      );
    rmSync(to, { recursive: true, force: true }); // no file of another version stays behind
  }
  mkdirSync(to, { recursive: true });
  cpSync(from, to, { recursive: true });
  return { installed: to, changed: true };
}
