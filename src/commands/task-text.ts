/** The task as bytes from a file or standard input, checked: text (UTF-8, no NUL) and within the size limit. */

import { UsageError } from "../errors.js";
import { describeBytes, TASK_MAX_BYTES } from "../limits.js";

const LIMIT_FIX =
  "Put large material in a file in the project directory and name that file in the task instead";

/** Refuses a task past the size limit before it is read whole, from its size alone. */
export function checkTaskSize(bytes: number, from: string): void {
  if (bytes > TASK_MAX_BYTES)
    throw new UsageError(
      `the task from ${from} is ${formatSize(bytes)}, over the limit of ${describeBytes(TASK_MAX_BYTES)}. ${LIMIT_FIX}.`,
    );
}

/** The task's text, or a UsageError saying why these bytes are not a task. */
export function decodeTask(bytes: Buffer, from: string): string {
  checkTaskSize(bytes.length, from);
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new UsageError(
      `the task from ${from} is binary, not text (a NUL byte at offset ${nul}). Pass a UTF-8 text file.`,
    );
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(
      `the task from ${from} is not valid UTF-8 text (bytes that are not UTF-8 at offset ${firstInvalidUtf8(bytes)}). Save it as UTF-8, or pass a text file.`,
    );
  }
}

function formatSize(bytes: number): string {
  return `${bytes} bytes (${(bytes / (1024 * 1024)).toFixed(1)} MB)`;
}

/** Offset of the first byte that is not well-formed UTF-8: where the lenient round trip first differs. */
function firstInvalidUtf8(b: Buffer): number {
  const again = Buffer.from(b.toString("utf8"), "utf8");
  let i = 0;
  while (i < b.length && b[i] === again[i]) i++;
  return i;
}

/** The task must say something: blank text is refused, naming where it came from. */
export function refuseEmptyTask(text: string, from: string): void {
  if (text.trim() === "") throw new UsageError(`the task is empty (from ${from}); say what Claude should do`);
}
