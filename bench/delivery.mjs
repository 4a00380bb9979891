/**
 * Benchmark 4 (issue "Delivery"): notifications through the real daemon and outbox to a fake
 * Telegram Bot API on 127.0.0.1 (lib/fake-telegram.mjs), pointed at with TELEGRAM_BOT_TOKEN and
 * CCTASK_TELEGRAM_API_ROOT, each run with `--notify telegram:<chat>`.
 *
 * 4a. Final-message latency: from the replay claude writing its result line (the last write to
 *     the run's events.jsonl: its mtime) to the fake receiving the ✅ message. Runs one at a time,
 *     each to its own private chat, heartbeats off. Short runs (the final follows 🚀 and 📝 on the
 *     same chat within ms, so any per-chat pacing shows) and runs of 3 s (those were sent long before).
 * 4b. Outbox throughput during a 429 storm: many runs notifying distinct chats while the fake
 *     answers 429 (retry_after) to every other call for a while, against the same runs without it.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startFakeTelegram } from "./lib/fake-telegram.mjs";
import { CLK_TCK, contextSwitches, cpuTicks } from "./lib/proc.mjs";
import { createSandbox, waitEnded } from "./lib/sandbox.mjs";
import { pool, sleep, summarize } from "./lib/stats.mjs";

const WARMUP = 2;
// Telegram's per-chat rate for a private chat (about one message a second), which cctask paces to:
// a final whose chat got nothing in the second before it is not held back by any such pacing.
const QUIET_MS = 1000;
const FINAL_TIMEOUT_MS = 30_000;
const SLOW_MS = 100; // the target's p95: runs at least this slow are listed with their steps

const mtimeMs = (path) => Number(statSync(path, { bigint: true }).mtimeNs) / 1e6;
const isFinal = (c) => c.method === "sendMessage" && c.status === 200 && c.text?.startsWith("✅");

/** A sandbox whose daemon delivers to the fake Telegram `tg`. */
function telegramSandbox(name, tg, config = {}) {
  const sb = createSandbox(name, { ...config, notify: { heartbeatSeconds: 0 } });
  Object.assign(sb.env, { TELEGRAM_BOT_TOKEN: tg.token, CCTASK_TELEGRAM_API_ROOT: tg.apiRoot });
  return sb;
}

async function until(what, check, timeoutMs, everyMs = 5) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * How far a file's mtime can precede the write that set it, on the file system of `dir`: Linux
 * stamps mtimes from a coarse clock (one scheduler tick) unless it was read since the last change.
 */
function mtimeResolution(dir) {
  const path = join(dir, "mtime-probe");
  const fd = openSync(path, "w");
  const lags = [];
  try {
    for (let i = 0; i < 400; i++) {
      writeSync(fd, "x");
      const after = Date.now();
      lags.push(after - mtimeMs(path));
      const t = Date.now();
      while (Date.now() - t < (i % 7) + 1) {
        // spread the writes over different phases of the clock tick
      }
    }
  } finally {
    closeSync(fd);
  }
  return { p50LagMs: summarize(lags).p50, maxLagMs: Math.max(...lags) };
}

/** One run to its own chat; the moments that make up its final message's delay. */
async function timeOneRun(sb, tg, task, chat, pid) {
  const r = await sb.json(["run", "--task", task, "--project", sb.project, "--notify", `telegram:${chat}`]);
  if (r.code !== 0) throw new Error(`cctask run exited ${r.code}: ${r.stdout}${r.stderr}`);
  const cs0 = contextSwitches(pid);
  const ticks0 = cpuTicks(pid);
  const t0 = Date.now();
  const final = await until(
    `the final message of ${r.value.id}`,
    () => tg.calls.find((c) => c.chatId === chat && isFinal(c)),
    FINAL_TIMEOUT_MS,
  );
  const waitS = (Date.now() - t0) / 1000;
  const wakeups = contextSwitches(pid) - cs0;
  const cpuS = (cpuTicks(pid) - ticks0) / CLK_TCK;
  const v = await waitEnded(sb.client, r.value.id);
  const notes = await sb.client.notifications(v.id);
  const lines = readFileSync(v.files.events, "utf8").trimEnd().split("\n");
  if (!lines.at(-1).startsWith('{"type":"result"'))
    throw new Error(`run ${v.id}: the last line of events.jsonl is not the result`);
  const mine = tg.calls.filter((c) => c.chatId === chat);
  const before = mine.filter((c) => c.time <= final.time && c !== final);
  const n = notes.find((x) => x.kind === "final");
  const written = mtimeMs(v.files.events);
  const exited = mtimeMs(join(v.files.dir, "exit"));
  const enqueued = Date.parse(n.createdAt);
  return {
    id: v.id,
    state: v.state,
    totalMs: final.time - written,
    writeToExitMs: exited - written,
    exitToEnqueueMs: enqueued - exited,
    enqueueToReceiveMs: final.time - enqueued,
    // nothing went to the chat in the second before the final was enqueued: no pacing can hold it
    slotFree: before.every((c) => c.time + QUIET_MS <= enqueued),
    gapAfterPreviousMs: before.length ? final.time - before.at(-1).time : null,
    calls: mine.length,
    non200: mine.filter((c) => c.status !== 200).length,
    finalAttempts: n.attempts,
    delivered: notes.filter((x) => x.state === "delivered").length,
    notifications: notes.length,
    // null when the final arrived before (or just after) the receipt: nothing to rate
    wakeupsPerS: waitS >= 0.1 ? wakeups / waitS : null,
    cpuPct: waitS >= 0.1 ? (cpuS / waitS) * 100 : null,
  };
}

const steps = (r) =>
  [r.totalMs, r.writeToExitMs, r.exitToEnqueueMs, r.enqueueToReceiveMs].map((x) => Math.round(x * 10) / 10);

async function timeRuns(sb, tg, { task, runs, chatBase, pid }) {
  const out = [];
  for (let i = -WARMUP; i < runs; i++) {
    const r = await timeOneRun(sb, tg, task, String(chatBase + i + WARMUP), pid);
    if (i >= 0) out.push(r);
  }
  return out;
}

function summarizeRuns(task, rs) {
  const pick = (k) => summarize(rs.map((r) => r[k]));
  return {
    task,
    runs: rs.length,
    total: pick("totalMs"),
    writeToExit: pick("writeToExitMs"),
    exitToEnqueue: pick("exitToEnqueueMs"),
    enqueueToReceive: pick("enqueueToReceiveMs"),
    gapAfterPrevious: summarize(rs.map((r) => r.gapAfterPreviousMs).filter((x) => x !== null)),
    slotFree: rs.filter((r) => r.slotFree).length,
    slotFreeTotal: summarize(rs.filter((r) => r.slotFree).map((r) => r.totalMs)),
    non200: rs.reduce((a, r) => a + r.non200, 0),
    retried: rs.filter((r) => r.finalAttempts !== 1).length,
    allDelivered: rs.filter((r) => r.state === "succeeded" && r.delivered === 3 && r.notifications === 3)
      .length,
    waited: rs.filter((r) => r.wakeupsPerS !== null).length,
    wakeupsPerS: summarize(rs.map((r) => r.wakeupsPerS).filter((x) => x !== null)),
    cpuPct: summarize(rs.map((r) => r.cpuPct).filter((x) => x !== null)),
    slow: rs.filter((r) => r.slotFree && r.totalMs >= SLOW_MS).map(steps),
  };
}

export async function benchFinalLatency({ runs = 100, longRunS = 3, log }) {
  const tg = await startFakeTelegram();
  const sb = telegramSandbox("latency", tg);
  try {
    const clock = mtimeResolution(sb.root);
    const pid = await sb.startDaemon();
    await sleep(1000);
    const cs0 = contextSwitches(pid);
    const ticks0 = cpuTicks(pid);
    await sleep(3000);
    const idle = {
      wakeupsPerS: (contextSwitches(pid) - cs0) / 3,
      cpuPct: ((cpuTicks(pid) - ticks0) / CLK_TCK / 3) * 100,
    };
    const shortTask = "REPLAY_RESULT=done";
    const short = await timeRuns(sb, tg, { task: shortTask, runs, chatBase: 100_000, pid });
    log(`  ${runs} short runs timed`);
    const longTask = `REPLAY_EMIT_FOR_S=${longRunS} REPLAY_RESULT=done`;
    const long = await timeRuns(sb, tg, { task: longTask, runs, chatBase: 200_000, pid });
    log(`  ${runs} runs of ${longRunS} s timed`);
    return {
      runs,
      longRunS,
      quietMs: QUIET_MS,
      clock,
      idle,
      short: summarizeRuns(shortTask, short),
      long: summarizeRuns(longTask, long),
      // per run, ms: [result written → ✅ received, → exit file, → enqueued, → received]
      raw: { short: short.map(steps), long: long.map(steps) },
    };
  } finally {
    await sb.cleanup();
    await tg.close();
  }
}

/** Accepted calls per second within [from, to]. */
function rate(accepted, from, to) {
  const n = accepted.filter((c) => c.time >= from && c.time < to).length;
  return {
    messages: n,
    seconds: (to - from) / 1000,
    perS: to > from ? n / ((to - from) / 1000) : Number.NaN,
  };
}

/** Per chat: the most calls within any 1 s, and for each 429 the wait until the next call there. */
function chatPacing(calls) {
  const byChat = new Map();
  for (const c of calls) byChat.set(c.chatId, [...(byChat.get(c.chatId) ?? []), c]);
  let busiestSecond = 0;
  const after429 = [];
  for (const list of byChat.values()) {
    for (let i = 0; i < list.length; i++) {
      const inSecond = list.filter((c) => c.time >= list[i].time && c.time < list[i].time + 1000).length;
      busiestSecond = Math.max(busiestSecond, inSecond);
      if (i > 0 && list[i - 1].status === 429)
        after429.push({ gap: list[i].time - list[i - 1].time, asked: list[i - 1].retryAfter * 1000 });
    }
  }
  return { busiestSecond, after429 };
}

async function oneStorm({ runs, storm, emitSeconds, concurrency, chatBase, log }) {
  const tg = await startFakeTelegram();
  const sb = telegramSandbox(storm ? "storm" : "calm", tg, { maxConcurrent: runs });
  try {
    const pid = await sb.startDaemon();
    await sleep(500);
    if (storm) tg.storm(storm);
    const task = (i) => `REPLAY_EMIT_FOR_S=${emitSeconds} REPLAY_RESULT=storm-${i}`;
    const chat = (i) => String(chatBase + i);
    const cs0 = contextSwitches(pid);
    const ticks0 = cpuTicks(pid);
    const t0 = Date.now();
    const ids = [];
    await pool(runs, concurrency, async (i) => {
      const r = await sb.json([
        "run",
        "--task",
        task(i),
        "--project",
        sb.project,
        "--notify",
        `telegram:${chat(i)}`,
      ]);
      if (r.code !== 0) throw new Error(`cctask run #${i} exited ${r.code}: ${r.stdout}${r.stderr}`);
      ids[i] = r.value.id;
    });
    const tLaunched = Date.now();
    const expected = runs * 3;
    const accepted = () => tg.calls.filter((c) => c.method === "sendMessage" && c.status === 200);
    await until(`${expected} accepted messages`, () => accepted().length >= expected, 180_000, 20);
    const tDrained = Date.now();
    const cpuS = (cpuTicks(pid) - ticks0) / CLK_TCK;
    const wakeups = contextSwitches(pid) - cs0;
    await sleep(3000); // anything sent twice would come now
    const finals = await Promise.all(ids.map((id) => waitEnded(sb.client, id)));
    const lists = [];
    await pool(runs, 5, async (i) => {
      lists[i] = (await sb.json(["notifications", ids[i]])).value;
    });

    const calls = tg.calls.filter((c) => c.method === "sendMessage");
    const ok = accepted();
    const first = calls[0].time;
    const last = ok.at(-1).time;
    const window = tg.stormWindow();
    const texts = new Map();
    for (const c of ok) texts.set(`${c.chatId}\n${c.text}`, (texts.get(`${c.chatId}\n${c.text}`) ?? 0) + 1);
    const perRun = ids.map((id, i) => {
      const mine = calls.filter((c) => c.chatId === chat(i));
      const got = mine.filter((c) => c.status === 200);
      const notes = lists[i];
      const inOrder = got.map((c) => Array.from(c.text)[0]).join("") === "🚀📝✅";
      return {
        id,
        inOrder,
        rows: notes.length,
        delivered: notes.filter((n) => n.state === "delivered").length,
        attempts: notes.reduce((a, n) => a + n.attempts, 0),
        calls: mine.length,
        // each notification (launch, session, final: in id order) with the call that delivered it
        messages: inOrder
          ? notes.map((n, k) => ({ kind: n.kind, created: Date.parse(n.createdAt), accepted: got[k].time }))
          : [],
      };
    });
    const messages = perRun.flatMap((r) => r.messages);
    const delay = (kind) =>
      summarize(messages.filter((m) => !kind || m.kind === kind).map((m) => m.accepted - m.created));
    const { busiestSecond, after429 } = chatPacing(calls);
    const lastCreated = Math.max(...messages.map((m) => m.created));
    const result = {
      runs,
      storm,
      emitSeconds,
      concurrency,
      launchS: (tLaunched - t0) / 1000,
      states: finals.filter((v) => v.state === "succeeded").length,
      calls: calls.length,
      accepted: ok.length,
      expected,
      tooMany: calls.filter((c) => c.status === 429).length,
      otherErrors: calls.filter((c) => c.status !== 200 && c.status !== 429).length,
      duplicates: [...texts.values()].filter((n) => n > 1).length,
      runsInOrder: perRun.filter((r) => r.inOrder).length,
      runsAllDelivered: perRun.filter((r) => r.rows === 3 && r.delivered === 3).length,
      attemptsMatchCalls: perRun.filter((r) => r.attempts === r.calls).length,
      retried: perRun.reduce((a, r) => a + r.attempts - r.rows, 0),
      drainS: (last - first) / 1000,
      afterLastEnqueuedS: (last - lastCreated) / 1000,
      overall: rate(ok, first, last + 1),
      window: window && { start: window.start - first, end: window.end - first },
      during: window && rate(ok, window.start, window.end),
      after: window && rate(ok, window.end, last + 1),
      afterStormS: window && (last - window.end) / 1000,
      backlogAtStormEnd:
        window && messages.filter((m) => m.created < window.end && m.accepted >= window.end).length,
      enqueuedAfterStorm: window && messages.filter((m) => m.created >= window.end).length,
      busiestChatSecond: busiestSecond,
      after429: after429.length ? summarize(after429.map((x) => x.gap)) : null,
      retryAfterViolations: after429.filter((x) => x.gap < x.asked).length,
      delay: delay(null),
      finalDelay: delay("final"),
      cpuPct: (cpuS / ((tDrained - t0) / 1000)) * 100,
      wakeupsPerS: wakeups / ((tDrained - t0) / 1000),
    };
    log(
      `  ${storm ? "storm" : "calm"}: ${result.accepted}/${expected} delivered in ${result.drainS.toFixed(1)} s, ${result.tooMany} × 429, ${result.duplicates} duplicates`,
    );
    return result;
  } finally {
    await sb.cleanup();
    await tg.close();
  }
}

export async function benchStorm({
  runs = 50,
  stormMs = 10_000,
  every = 2,
  retryAfter = 1,
  emitSeconds = 2,
  concurrency = 10,
  log,
}) {
  const common = { runs, emitSeconds, concurrency, log };
  const calm = await oneStorm({ ...common, storm: null, chatBase: 300_000 });
  const storm = await oneStorm({ ...common, storm: { ms: stormMs, every, retryAfter }, chatBase: 400_000 });
  return { calm, storm };
}
