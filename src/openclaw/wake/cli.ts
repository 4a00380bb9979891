/**
 * The installed `openclaw` CLI: where it is and which version it reports (`openclaw --version`,
 * openclaw.md intro). The version decides whether `openclaw agent` can wake from under OpenClaw's
 * exec tool (§8.3). Versions are compared as year.month.patch numbers.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { errorMessage } from "../../errors.js";

export type OpenClawCli =
  | { found: true; bin: string; version: string | null; versionProblem: string | null }
  | { found: false; problem: string };

/** The first version that refuses `openclaw agent` under OPENCLAW_SHELL=exec. */
export const EXEC_REFUSAL_SINCE = "2026.9.6";

export function parseVersion(text: string): [number, number, number] | null {
  const m = /(\d{4})\.(\d{1,2})\.(\d{1,3})/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** a < b: negative; equal: 0; a > b: positive. Unparseable versions sort first. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a) ?? [0, 0, 0];
  const y = parseVersion(b) ?? [0, 0, 0];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The configured binary (openclaw.bin), or `openclaw` on the given PATH. */
export function locateOpenClaw(configured: string | undefined, path: string | undefined): string | null {
  if (configured) return isExecutable(configured) ? configured : null;
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, "openclaw");
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function runVersion(bin: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      bin,
      ["--version"],
      { env, timeout: timeoutMs, killSignal: "SIGKILL" },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${errorMessage(err).split("\n")[0]} ${String(stderr).trim()}`.trim()));
        else resolve(String(stdout));
      },
    );
  });
}

const cache = new Map<string, { at: number; cli: OpenClawCli }>();
const CACHE_MS = 5 * 60_000;

/** Finds the CLI and asks its version (cached for a few minutes per binary). */
export async function detectOpenClaw(opts: {
  configured: string | undefined;
  env: NodeJS.ProcessEnv;
  configFile: string;
  timeoutMs?: number;
}): Promise<OpenClawCli> {
  const bin = locateOpenClaw(opts.configured, opts.env.PATH);
  if (!bin) {
    return {
      found: false,
      problem: opts.configured
        ? `openclaw.bin in ${opts.configFile} is "${opts.configured}", which is not an executable file; fix the path`
        : `no openclaw CLI on PATH; install OpenClaw or set openclaw.bin in ${opts.configFile}`,
    };
  }
  const hit = cache.get(bin);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.cli;
  let cli: OpenClawCli;
  try {
    const out = await runVersion(bin, opts.env, opts.timeoutMs ?? 15_000);
    const v = parseVersion(out);
    cli = v
      ? { found: true, bin, version: v.join("."), versionProblem: null }
      : {
          found: true,
          bin,
          version: null,
          versionProblem: `\`${bin} --version\` printed no version: ${out.trim().slice(0, 120)}`,
        };
  } catch (e) {
    cli = {
      found: true,
      bin,
      version: null,
      versionProblem: `\`${bin} --version\` failed: ${errorMessage(e)}`,
    };
  }
  cache.set(bin, { at: Date.now(), cli });
  return cli;
}

/** For tests: forget cached versions. */
export function forgetDetectedVersions(): void {
  cache.clear();
}
