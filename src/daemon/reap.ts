/**
 * When a run is reported ended, its processes are gone: the wrapper finishes (it has written the
 * exit status), and whatever the agent left in the group (background Bash, MCP servers) gets
 * SIGTERM, then SIGKILL after the grace period.
 */
import { isAlive, signalGroup } from "../platform/process.js";

export async function reapGroup(pgid: number, graceMs: number): Promise<void> {
  const gone = async (test: () => boolean, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      if (test()) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return test();
  };
  await gone(() => !isAlive(pgid), 2000); // the wrapper's last lines, after the exit file
  if (!signalGroup(pgid, "SIGTERM")) return;
  if (await gone(() => !signalGroup(pgid, 0), graceMs)) return;
  signalGroup(pgid, "SIGKILL");
  await gone(() => !signalGroup(pgid, 0), 1000);
}
