/**
 * Polls one run through the daemon API every `everyMs` and records, for each new stamp seen in
 * lastActivity (`t=<ms>`, written by the replay claude with REPLAY_STAMP=1), receive time − stamp:
 * `seen` is [receive time, latency] pairs.
 */
import { sleep } from "./lib/stats.mjs";

export async function probeRun(client, id, everyMs = 10) {
  const seen = [];
  const intervals = [];
  let lastStamp = null;
  let prevT = null;
  for (;;) {
    const sent = Date.now();
    const v = await client.get(id);
    const t = Date.now();
    if (prevT !== null) intervals.push(t - prevT);
    prevT = t;
    const stamp = /t=(\d+)/.exec(v.lastActivity ?? "")?.[1] ?? null;
    if (stamp !== null && stamp !== lastStamp) {
      // The first stamp seen may predate the probe: only changes seen while polling count.
      if (lastStamp !== null || intervals.length > 0) seen.push([t, t - Number(stamp)]);
      lastStamp = stamp;
    }
    if (v.endedAt !== null) return { id, seen, intervals, toolCalls: v.toolCalls };
    await sleep(Math.max(0, everyMs - (Date.now() - sent)));
  }
}

/** The same polling against runs that have ended, for `ms`: what the probes alone cost. */
export async function pollFor(client, ids, ms, everyMs = 10) {
  const end = Date.now() + ms;
  let requests = 0;
  await Promise.all(
    ids.map(async (id) => {
      while (Date.now() < end) {
        const sent = Date.now();
        await client.get(id);
        requests++;
        await sleep(Math.max(0, everyMs - (Date.now() - sent)));
      }
    }),
  );
  return requests;
}
