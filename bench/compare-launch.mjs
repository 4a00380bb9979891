/**
 * Two (or more) builds of cctask launched side by side, interleaved, in the same conditions as
 * section 5 (bench/lib/launch-world.mjs): for each iteration and each build, a cold launch (the
 * daemon stopped first) and a warm one, then the original when CCTASK_BENCH_ORIGINAL is set; each
 * settled (run ended, notifications delivered) before the next. Prints p50 and min of the 🚀's
 * arrival, the receipt and the CLI's CPU, with `node -e 0` measured alongside.
 *
 *   node bench/compare-launch.mjs ITERATIONS real|replay ROOT…
 *
 * Each ROOT holds a built dist/ and a package.json (like the snapshot bench/run.mjs makes); the
 * fake's client comes from CCTASK_BENCH_DIST (default: this checkout's dist/).
 */
import { createLaunchWorld, findOriginal, WA_KEY } from "./lib/launch-world.mjs";
import { waitEnded } from "./lib/sandbox.mjs";
import { quantile, sleep } from "./lib/stats.mjs";
import { killTimed, runTimed } from "./lib/timed.mjs";

const TASK = "Reply with the word OK.";
const [iterations, agent, ...roots] = process.argv.slice(2);
if (!(Number(iterations) > 0) || !["real", "replay"].includes(agent) || roots.length === 0) {
  process.stderr.write("usage: node bench/compare-launch.mjs ITERATIONS real|replay ROOT…\n");
  process.exit(2);
}

const world = await createLaunchWorld({ original: findOriginal() });
const { sb, gateway } = world;
const env = world.envs[agent];
const samples = {};
const add = (key, value) => {
  samples[key] ??= [];
  samples[key].push(value);
};

async function rocketSince(from) {
  const end = performance.now() + 60_000;
  for (;;) {
    const hit = gateway.calls
      .slice(from)
      .find((c) => c.tool === "message" && c.args.action === "send" && String(c.args.message).includes("🚀"));
    if (hit) return hit.at;
    if (performance.now() > end) throw new Error("no 🚀 reached the fake gateway within 60 s");
    await sleep(5);
  }
}

async function settle(id) {
  await waitEnded(sb.client, id);
  for (let i = 0; i < 600; i++) {
    const list = await sb.client.call("GET", `/runs/${id}/notifications`);
    if (list.some((n) => n.kind === "final") && list.every((n) => !["pending", "sending"].includes(n.state)))
      return;
    await sleep(50);
  }
  throw new Error(`the notifications of run ${id} did not settle within 30 s`);
}

async function launch(root) {
  const from = gateway.calls.length;
  const cli = `${root}/dist/cli.js`;
  const args = [cli, "run", "--task", TASK, "--project", sb.project, "--session", WA_KEY, "--json"];
  const r = await runTimed(process.execPath, args, { env, cwd: sb.root });
  const v = JSON.parse(r.stdout || "null");
  if (r.code !== 0 || !v || v.pid === null) throw new Error(`${cli}: exit ${r.code}: ${r.stdout}${r.stderr}`);
  const rocket = (await rocketSince(from)) - r.t0;
  await settle(v.id);
  return { rocket, receipt: r.ms, cpu: r.cpuS };
}

async function stopDaemon(root) {
  if (sb.daemonPid() === null) return;
  await runTimed(process.execPath, [`${root}/dist/cli.js`, "daemon", "stop"], { env, cwd: sb.root });
  for (let i = 0; i < 500 && sb.daemonPid() !== null; i++) await sleep(10);
  if (sb.daemonPid() !== null) throw new Error("the daemon did not stop within 5 s");
}

try {
  for (let i = -2; i < Number(iterations); i++) {
    const floor = await runTimed(process.execPath, ["-e", "0"], { env });
    for (const root of roots) {
      await stopDaemon(root);
      const cold = await launch(root);
      const warm = await launch(root);
      if (i < 0) continue;
      for (const [kind, m] of Object.entries({ cold, warm }))
        for (const [what, value] of Object.entries(m)) add(`${root} ${kind} ${what}`, value);
    }
    if (world.original.script) {
      const from = gateway.calls.length;
      const args = [world.original.script, "--task", TASK, "--project", sb.project, "--session", WA_KEY];
      const running = runTimed(world.original.python, [...args, "--output", world.output], {
        env,
        cwd: sb.root,
      });
      const at = await rocketSince(from);
      const r = await running;
      if (i >= 0) add("original rocket", at - r.t0);
    }
    if (i >= 0) {
      add("node -e 0 ms", floor.ms);
      add("node -e 0 cpu", floor.cpuS);
    }
    process.stderr.write(i < 0 ? "warm-up done\n" : `iteration ${i + 1}/${iterations} done\n`);
  }
} finally {
  await stopDaemon(roots[0]);
  killTimed();
  await world.close();
}
for (const [key, values] of Object.entries(samples)) {
  const digits = key.endsWith("cpu") ? 3 : 0;
  const p50 = quantile(values, 0.5).toFixed(digits).padStart(6);
  const min = Math.min(...values)
    .toFixed(digits)
    .padStart(6);
  console.log(`${key.padEnd(60)} p50 ${p50}  min ${min}  n ${values.length}`);
}
