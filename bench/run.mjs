/**
 * `npm run bench`: snapshots dist/ (just built) so concurrent builds cannot change it mid-run,
 * checks that the snapshot loads, then runs the suite against it. See suite.mjs.
 * `node bench/run.mjs SECTION` (or `npm run bench -- SECTION`) runs one section alone, e.g.
 * launch-vs-original, and replaces only that section of RESULTS.md.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { snapshotDist } from "./lib/dist.mjs";

const section = process.argv[2];
const snap = snapshotDist();
process.on("exit", snap.remove);
const check = spawnSync(process.execPath, [join(snap.dist, "cli.js"), "--help"], { encoding: "utf8" });
if (check.status !== 0) {
  process.stderr.write(
    `the built CLI does not load (was dist/ rebuilt mid-copy? run again):\n${check.stderr}`,
  );
  process.exit(1);
}
// only now: the suite's modules load the CLI and client from the snapshot
const { runSection, runSuite, sectionNames } = await import("./suite.mjs");
if (section !== undefined && !sectionNames.includes(section)) {
  process.stderr.write(
    `unknown benchmark section "${section}". Run one of: ${sectionNames.join(", ")}; or no argument for all of them.\n`,
  );
  process.exit(2);
}
if (section === undefined) await runSuite();
else await runSection(section);
