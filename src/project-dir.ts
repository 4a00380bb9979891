/** The project-directory check, the same for the CLI (before it submits) and the daemon (which trusts no body). */
import { statSync } from "node:fs";
import { escapeControl } from "./text.js";

/** What is wrong with `dir` as a run's project directory, or null when a run can use it; `names` spell the caller's inputs. */
export function projectDirProblem(
  dir: string,
  create: boolean,
  names: { project: string; createProject: string } = {
    project: "--project",
    createProject: "--create-project",
  },
): string | null {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return create
      ? null
      : `the project directory ${escapeControl(dir)} does not exist; create it, or pass ${names.createProject} to have cctask create it`;
  }
  return isDirectory
    ? null
    : `the project path ${escapeControl(dir)} is a file, not a directory; pass a directory with ${names.project}`;
}
