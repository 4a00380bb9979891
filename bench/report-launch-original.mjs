/** Section 5 of bench/RESULTS.md: the launch next to the original run-task.py (bench/launch-original.mjs). */
import { fmt } from "./lib/stats.mjs";

export const LAUNCH_ORIGINAL_HEADING = "## 5. Launch next to the original";
const WARM_RATIO_TARGET = 1.2;
const COLD_RATIO_TARGET = 2;
const CLI_CPU_TARGET_S = 0.08;

function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

const ms2 = (s) => [fmt(s.p50, 0), fmt(s.p95, 0)];
const cpu2 = (s) => `${fmt(s.p50, 3)} / ${fmt(s.p95, 3)}`;
const verdict = (ok) => (ok ? "**met**" : "**not met**");

function agentRows(name, a) {
  const rows = [];
  if (a.original) rows.push([name, "original: 🚀 received", ...ms2(a.original.rocket), "–"]);
  rows.push(
    [name, "cctask warm: 🚀 received", ...ms2(a.warm.rocket), "–"],
    [name, "cctask warm: receipt (CLI exit)", ...ms2(a.warm.receipt), cpu2(a.warm.cpu)],
    ...(a.waitInit
      ? [
          [name, "cctask warm --wait-init: 🚀 received", ...ms2(a.waitInit.rocket), "–"],
          [name, "cctask warm --wait-init: receipt", ...ms2(a.waitInit.receipt), cpu2(a.waitInit.cpu)],
        ]
      : []),
    [name, "cctask cold: 🚀 received", ...ms2(a.cold.rocket), "–"],
    [name, "cctask cold: receipt (CLI exit)", ...ms2(a.cold.receipt), cpu2(a.cold.cpu)],
  );
  if (a.original) rows.push([name, "original: process exit (after the task)", ...ms2(a.original.exit), "–"]);
  return rows;
}

function ratioRows(agents) {
  return Object.entries(agents).map(([name, a]) => {
    name = name === "real" ? "real claude" : name;
    if (!a.original) return [name, "n/a", "n/a"];
    const warm = a.warm.rocket.p50 / a.original.rocket.p50;
    const cold = a.cold.rocket.p50 / a.original.rocket.p50;
    return [name, fmt(warm, 2), fmt(cold, 2)];
  });
}

function conclusion(r) {
  // the targets are about the real CLI; the replay rows show what the agent's own start-up costs
  const real = r.agents.real;
  const cpu = real.warm.cpu.p50;
  const cpuLine = `\`cctask run\` used ${fmt(cpu, 3)} CPU-s (p50, warm, real claude; target < ${CLI_CPU_TARGET_S}): ${verdict(cpu < CLI_CPU_TARGET_S)}
(\`node -e 0\` took ${fmt(r.floors.node.cpu.p50, 3)} CPU-s in the same run).`;
  if (!real.original) return `Conclusion: no ratio to the original, which was not measured. ${cpuLine}`;
  const warm = real.warm.rocket.p50 / real.original.rocket.p50;
  const cold = real.cold.rocket.p50 / real.original.rocket.p50;
  return `Conclusion, with the real claude CLI (what the targets refer to): warm 🚀 at ${fmt(warm, 2)}× the original's (p50, target ≤ ${WARM_RATIO_TARGET}): ${verdict(warm <= WARM_RATIO_TARGET)};
cold 🚀 at ${fmt(cold, 2)}× (target ≤ ${COLD_RATIO_TARGET}): ${verdict(cold <= COLD_RATIO_TARGET)}. ${cpuLine}`;
}

export function launchOriginalSection(r, { machine, load }) {
  const f = r.floors;
  const floorRows = [
    ["`true` (the wrapper alone: bash, `times`)", ...ms2(f.bash.ms), cpu2(f.bash.cpu)],
    ["`node -e 0`", ...ms2(f.node.ms), cpu2(f.node.cpu)],
  ];
  if (f.python) floorRows.push(["`python3 -c pass`", ...ms2(f.python.ms), cpu2(f.python.cpu)]);
  const m = r.many;
  const launches = [
    "cctask cold (the daemon stopped first with `cctask daemon stop`)",
    "cctask warm",
    ...(r.agents.real.waitInit
      ? ["cctask warm with `--wait-init` (the receipt waits for the agent's init line)"]
      : []),
    ...(r.original.script ? ["the original"] : []),
  ];
  const original = r.original.script
    ? `The original: \`${r.original.script}\` (sha256 ${r.original.sha256.slice(0, 12)}…) run by \`${r.original.python}\` (the interpreter \`python3\` resolves to, past
any pyenv shim; it must import \`requests\`), with \`--task T --project DIR --session KEY --output FILE\`.`
    : `The original was **not measured**: ${r.original.skipped}. Its rows and the ratios are left out.`;
  return `${LAUNCH_ORIGINAL_HEADING}

Measured on ${machine.date}, dist/ built from ${machine.commit}; load average ${load.map((l) => fmt(l, 2)).join(" → ")} (start → end of this section).
Run alone with \`npm run build && CCTASK_BENCH_ORIGINAL=/path/to/run-task.py node bench/run.mjs launch-vs-original\`.

Both tools launch the same task on the same route: \`--session ${r.route.key}\`, a WhatsApp group, whose 🚀 both
send through the OpenClaw gateway's \`message\` tool. The gateway is a fake (bench/lib/fake-gateway.mjs) on 127.0.0.1:${r.route.gatewayPort}
(the port run-task.py hard-codes); both find it and its token in a hand-written ~/.openclaw/openclaw.json in a temp HOME.
The agent is the real claude CLI (node_modules/@anthropic-ai/claude-code, pinned) against the fake Anthropic API
(test/fakes/anthropic-api.ts), or the replay claude (test/fakes/replay-claude.mjs): \`claude\` on PATH for the
original, CCTASK_CLAUDE_BIN for cctask, the same environment for both.
${original}

Every command is spawned under \`bash -c '"$@"; times'\`: the time runs from just before the spawn (the invocation)
to the 🚀 request arriving at the fake, or to the wrapper's exit (cctask's receipt); CPU is the command's user + system
time as \`times\` reports it (a daemon started by a cold launch is not included). Each of ${r.iterations} iterations after 2
untimed ones launches, one at a time: ${launches.join(", ")}; each waits until the run has ended and its
notifications are delivered${r.original.script ? " (the original: until it exits; it polls its agent every 5 s, hence its late exit)" : ""} before the next starts.

${table(["floor", "p50 ms", "p95 ms", "CPU-s p50 / p95"], floorRows)}

${table(["agent", "measure", "p50 ms", "p95 ms", "CPU-s p50 / p95"], [...agentRows("real claude", r.agents.real), ...agentRows("replay", r.agents.replay)])}

${table(["agent", "warm 🚀 p50 / original 🚀 p50 (target ≤ 1.2)", "cold 🚀 p50 / original 🚀 p50 (target ≤ 2)"], ratioRows(r.agents))}

${m.launches} warm launches one after another (replay claude, same route): the CLIs used ${fmt(m.cliCpuS, 2)} CPU-s in all
(p50 ${fmt(m.cli.p50, 3)} each); the daemon used ${fmt(m.daemonCpuLaunchingS, 2)} CPU-s while they were launched (${fmt(m.launchedS, 1)} s) and
${fmt(m.daemonCpuS, 2)} CPU-s until every run had ended and its notifications were delivered (${fmt(m.wholeS, 1)} s): the CLIs used
${fmt(m.cliCpuS / m.daemonCpuS, 1)}× the daemon's CPU.

${conclusion(r)}`;
}
