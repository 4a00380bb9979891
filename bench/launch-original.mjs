/**
 * Benchmark 5: launching a task with cctask next to the original run-task.py, on the same route:
 * a WhatsApp group session key, whose 🚀 both send through the gateway's `message` tool to the
 * fake gateway (bench/lib/launch-world.mjs). For each agent (the real claude CLI against the fake
 * Anthropic API, and the replay claude) and each iteration: a cold cctask launch (daemon stopped
 * first), a warm one, and the original, one at a time, each settled (run ended, notifications
 * delivered, the original exited) before the next. Then the CPU of 100 warm launches: the CLIs'
 * total against the daemon's.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createLaunchWorld, findOriginal, WA_JID, WA_KEY } from "./lib/launch-world.mjs";
import { CLK_TCK, cpuTicks } from "./lib/proc.mjs";
import { CLI, waitEnded } from "./lib/sandbox.mjs";
import { sleep, summarize } from "./lib/stats.mjs";
import { killTimed, runTimed } from "./lib/timed.mjs";

const WARMUP = 2;
const sha256Of = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");
const TASK = "Reply with the word OK.";
const UNSETTLED = new Set(["pending", "sending"]);

/** The arrival time of the first 🚀 sent (`message`, action send) from index `from` of the fake's log. */
async function rocketAt(gateway, from, timeoutMs = 60_000) {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const hit = gateway.calls
      .slice(from)
      .find((c) => c.tool === "message" && c.args.action === "send" && String(c.args.message).includes("🚀"));
    if (hit) {
      if (hit.args.channel !== "whatsapp" || hit.args.target !== WA_JID)
        throw new Error(`the 🚀 went to ${hit.args.channel}:${hit.args.target}, not whatsapp:${WA_JID}`);
      return hit.at;
    }
    if (performance.now() > end) throw new Error(`no 🚀 reached the fake gateway within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Waits until the run has ended and none of its notifications is still pending or being sent. */
async function settleRun(sb, id) {
  await waitEnded(sb.client, id);
  for (let i = 0; i < 600; i++) {
    const list = await sb.client.notifications(id);
    if (list.some((n) => n.kind === "final") && list.every((n) => !UNSETTLED.has(n.state))) return list;
    await sleep(50);
  }
  throw new Error(`the notifications of run ${id} did not settle within 30 s`);
}

async function launchCctask(world, env, extra = []) {
  const { sb, gateway } = world;
  const from = gateway.calls.length;
  const args = [CLI, "run", "--task", TASK, "--project", sb.project, "--session", WA_KEY, ...extra, "--json"];
  const r = await runTimed(process.execPath, args, { env, cwd: sb.root });
  let v;
  try {
    v = JSON.parse(r.stdout);
  } catch {
    throw new Error(`cctask run printed no receipt (exit ${r.code}): ${r.stdout}${r.stderr}`);
  }
  if (r.code !== 0 || v.pid === null || v.state === "queued")
    throw new Error(`unexpected receipt (exit ${r.code}): ${r.stdout}${r.stderr}`);
  const rocket = (await rocketAt(gateway, from)) - r.t0;
  const notes = await settleRun(sb, v.id);
  const undelivered = notes
    .filter((n) => n.state === "failed" || n.state === "uncertain")
    .map((n) => `${n.kind} ${n.state}`);
  if (undelivered.length) throw new Error(`run ${v.id}: ${undelivered.join(", ")}`);
  return { rocket, receipt: r.ms, cpu: r.cpuS };
}

async function launchOriginal(world, env) {
  const { sb, gateway, original } = world;
  const from = gateway.calls.length;
  const args = [original.script, "--task", TASK, "--project", sb.project, "--session", WA_KEY];
  const running = runTimed(original.python, [...args, "--output", world.output], { env, cwd: sb.root });
  const at = await rocketAt(gateway, from);
  const r = await running;
  const sent = gateway.calls
    .slice(from)
    .filter((c) => c.tool === "message")
    .map((c) => String(c.args.message));
  if (r.code !== 0 || !sent.some((m) => m.includes("✅")))
    throw new Error(
      `the original exited ${r.code} without a ✅ (sent: ${sent.length}): ${r.stderr.slice(-2000)}`,
    );
  return { rocket: at - r.t0, exit: r.ms };
}

/** A command's wall time and CPU, under the same wrapper as the launches. */
async function timeFloor(cmd, args, env, n) {
  const ms = [];
  const cpu = [];
  for (let i = -WARMUP; i < n; i++) {
    const r = await runTimed(cmd, args, { env });
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
    if (i >= 0) {
      ms.push(r.ms);
      cpu.push(r.cpuS);
    }
  }
  return { ms: summarize(ms), cpu: summarize(cpu) };
}

async function measureAgent(world, agent, n, log) {
  const env = world.envs[agent];
  const rows = { cold: [], warm: [], waitInit: [], original: [] };
  for (let i = -WARMUP; i < n; i++) {
    if (world.sb.daemonPid() !== null) await world.sb.stopDaemon();
    const cold = await launchCctask(world, env);
    const warm = await launchCctask(world, env);
    const waitInit = world.waitInit ? await launchCctask(world, env, ["--wait-init"]) : null;
    const orig = world.original.script ? await launchOriginal(world, env) : null;
    if (i < 0) continue;
    rows.cold.push(cold);
    rows.warm.push(warm);
    if (waitInit) rows.waitInit.push(waitInit);
    if (orig) rows.original.push(orig);
  }
  const pick = (list, k) => summarize(list.map((x) => x[k]));
  const cctask = (list) => ({
    rocket: pick(list, "rocket"),
    receipt: pick(list, "receipt"),
    cpu: pick(list, "cpu"),
  });
  log(`  ${agent} claude: ${n} iterations`);
  return {
    cold: cctask(rows.cold),
    warm: cctask(rows.warm),
    waitInit: rows.waitInit.length ? cctask(rows.waitInit) : null,
    original: rows.original.length
      ? { rocket: pick(rows.original, "rocket"), exit: pick(rows.original, "exit") }
      : null,
  };
}

/** `launches` warm launches, one after another, with the replay claude; CPU of the CLIs and of the daemon. */
async function measureManyLaunches(world, launches) {
  const { sb } = world;
  const env = world.envs.replay;
  if (sb.daemonPid() === null) await sb.startDaemon();
  const pid = sb.daemonPid();
  const ticks0 = cpuTicks(pid);
  const t0 = performance.now();
  const cpu = [];
  const ids = [];
  for (let i = 0; i < launches; i++) {
    const args = [CLI, "run", "--task", TASK, "--project", sb.project, "--session", WA_KEY, "--json"];
    const r = await runTimed(process.execPath, args, { env, cwd: sb.root });
    if (r.code !== 0) throw new Error(`cctask run exited ${r.code}: ${r.stdout}${r.stderr}`);
    ids.push(JSON.parse(r.stdout).id);
    cpu.push(r.cpuS);
  }
  const launchedS = (performance.now() - t0) / 1000;
  const ticksLaunched = cpuTicks(pid);
  for (const id of ids) await settleRun(sb, id);
  const ticks1 = cpuTicks(pid);
  if (ticks0 === null || ticks1 === null || sb.daemonPid() !== pid)
    throw new Error(`the daemon ${pid} did not stay up through the ${launches} launches`);
  return {
    launches,
    launchedS,
    wholeS: (performance.now() - t0) / 1000,
    cliCpuS: cpu.reduce((a, b) => a + b, 0),
    cli: summarize(cpu),
    daemonCpuLaunchingS: (ticksLaunched - ticks0) / CLK_TCK,
    daemonCpuS: (ticks1 - ticks0) / CLK_TCK,
  };
}

export async function benchLaunchOriginal({ iterations = 20, launches = 100, log }) {
  const world = await createLaunchWorld({ original: findOriginal() });
  try {
    // `cctask run --wait-init` (the receipt waits for the agent's init line), where the CLI has it
    const help = await runTimed(process.execPath, [CLI, "run", "--help"], { env: world.envs.replay });
    world.waitInit = help.stdout.includes("--wait-init");
    const { original } = world;
    log(
      original.script
        ? `  original: ${original.python} ${original.script}`
        : `  original skipped: ${original.skipped}`,
    );
    const env = world.envs.replay;
    const floors = {
      bash: await timeFloor("true", [], env, iterations),
      node: await timeFloor(process.execPath, ["-e", "0"], env, iterations),
      python: original.python ? await timeFloor(original.python, ["-c", "pass"], env, iterations) : null,
    };
    log("  floors timed");
    const real = await measureAgent(world, "real", iterations, log);
    const replay = await measureAgent(world, "replay", iterations, log);
    const many = await measureManyLaunches(world, launches);
    log(
      `  ${launches} launches: CLIs ${many.cliCpuS.toFixed(2)} CPU-s, daemon ${many.daemonCpuS.toFixed(2)} CPU-s`,
    );
    return {
      iterations,
      route: { key: WA_KEY, gatewayPort: world.gateway.port },
      original: original.script
        ? { script: original.script, python: original.python, sha256: sha256Of(original.script) }
        : { skipped: original.skipped },
      floors,
      agents: { real, replay },
      many,
    };
  } finally {
    killTimed();
    await world.close();
  }
}
