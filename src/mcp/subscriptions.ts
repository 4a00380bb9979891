/**
 * Resource subscriptions: while a client is subscribed to a run's URI, that run's events are
 * followed (one stream per run, from its first event) and each change of state is announced
 * with notifications/resources/updated. States only move forward (queued → starting → running
 * → an end), so an event is a change exactly when it moves the state past the one last known:
 * the replayed history is skipped, and a change between subscribing and connecting is not lost.
 */
import { errorMessage } from "../errors.js";
import type { RunState } from "../run-state.js";
import { isFinal } from "../run-state.js";
import { getRunView, type McpContext } from "./context.js";
import { parseRunUri, type ResourceRef, resultUri, runUri } from "./resources.js";

function fullUri(ref: ResourceRef, id: string): string {
  return ref.kind === "result" ? resultUri(id) : runUri(id);
}

function rank(state: RunState): number {
  if (isFinal(state)) return 3;
  return state === "queued" ? 0 : state === "starting" ? 1 : 2;
}

interface Watched {
  /** Each URI as the client subscribed with it (and is told about), to the URI with the run's full id. */
  uris: Map<string, string>;
  state: RunState;
  stop: AbortController;
}

export class RunSubscriptions {
  private readonly runs = new Map<string, Watched>();

  constructor(
    private readonly ctx: McpContext,
    private readonly updated: (uri: string) => Promise<void>,
    private readonly log: (text: string) => void,
  ) {}

  /** Subscribes to a run's URI; an unknown run or URI is refused (NotFoundError, UsageError). */
  async subscribe(uri: string): Promise<void> {
    const ref = parseRunUri(uri);
    const client = await this.ctx.connect();
    const v = await getRunView(client, ref.runId);
    const known = this.runs.get(v.id);
    if (known) {
      known.uris.set(uri, fullUri(ref, v.id));
      return;
    }
    if (isFinal(v.state)) return; // it will not change again
    const watched: Watched = {
      uris: new Map([[uri, fullUri(ref, v.id)]]),
      state: v.state,
      stop: new AbortController(),
    };
    this.runs.set(v.id, watched);
    void this.follow(v.id, watched);
  }

  /** Unsubscribes from a resource however its run is spelt (full id or a prefix of it). */
  unsubscribe(uri: string): void {
    let ref: ResourceRef;
    try {
      ref = parseRunUri(uri);
    } catch {
      return; // never subscribed: nothing to stop
    }
    const ids = [...this.runs.keys()];
    const matching = ids.includes(ref.runId) ? [ref.runId] : ids.filter((id) => id.startsWith(ref.runId));
    if (matching.length !== 1) return;
    const id = matching[0]!;
    const w = this.runs.get(id)!;
    const target = fullUri(ref, id);
    for (const [given, full] of w.uris) if (full === target) w.uris.delete(given);
    if (w.uris.size === 0) this.drop(id, w);
  }

  close(): void {
    for (const [id, w] of this.runs) this.drop(id, w);
  }

  private drop(id: string, w: Watched): void {
    w.stop.abort();
    if (this.runs.get(id) === w) this.runs.delete(id);
  }

  private async follow(id: string, w: Watched): Promise<void> {
    try {
      const client = await this.ctx.connect();
      for await (const e of client.events({ runId: id, after: 0, signal: w.stop.signal })) {
        if (e.type !== "run.state" && e.type !== "run.ended") continue;
        if (rank(e.state) <= rank(w.state)) continue;
        w.state = e.state;
        for (const uri of w.uris.keys()) await this.updated(uri);
        if (e.type === "run.ended") break;
      }
    } catch (e) {
      if (!w.stop.signal.aborted) this.log(`cctask mcp: stopped following run ${id}: ${errorMessage(e)}`);
    } finally {
      this.drop(id, w);
    }
  }
}
