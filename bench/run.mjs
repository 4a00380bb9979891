/**
 * `npm run bench`: snapshots dist/ (just built) so concurrent builds cannot change it mid-run,
 * checks that the snapshot loads, then runs the suite against it. See suite.mjs.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { snapshotDist } from "./lib/dist.mjs";

const snap = snapshotDist();
process.on("exit", snap.remove);
const check = spawnSync(process.execPath, [join(snap.dist, "cli.js"), "--help"], { encoding: "utf8" });
if (check.status !== 0) {
  process.stderr.write(
    `the built CLI does not load (was dist/ rebuilt mid-copy? run again):\n${check.stderr}`,
  );
  process.exit(1);
}
const { runSuite } = await import("./suite.mjs");
await runSuite();
