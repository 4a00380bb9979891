/**
 * The resources: cctask://runs/{id} (the run's status, JSON) and cctask://runs/{id}/result (its
 * final text). A client may subscribe to either; it is told when that run changes state.
 */
import { NotFoundError, UsageError } from "../errors.js";
import type { RunView } from "../protocol.js";
import { isFinal } from "../run-state.js";
import { getRunView, type McpContext } from "./context.js";
import { readResultText, runSummary } from "./views.js";

export const RUN_URI_TEMPLATE = "cctask://runs/{id}";
export const RESULT_URI_TEMPLATE = "cctask://runs/{id}/result";

/** The runs resources/list names (the most recent; older ones are read by their URI). */
const LISTED_RUNS = 50;

export interface ResourceRef {
  runId: string;
  kind: "status" | "result";
}

export function runUri(id: string): string {
  return `cctask://runs/${encodeURIComponent(id)}`;
}
export function resultUri(id: string): string {
  return `${runUri(id)}/result`;
}

/** The run a URI names (the id may be a unique prefix), or a UsageError with the URIs there are. */
export function parseRunUri(uri: string): ResourceRef {
  const m = /^cctask:\/\/runs\/([^/]+)(\/result)?$/.exec(uri);
  if (!m)
    throw new UsageError(
      `no resource "${uri}": cctask's resources are ${RUN_URI_TEMPLATE} and ${RESULT_URI_TEMPLATE}`,
    );
  return { runId: decodeURIComponent(m[1]!), kind: m[2] ? "result" : "status" };
}

export async function listRunResources(ctx: McpContext) {
  const runs = await (await ctx.connect()).list({ limit: LISTED_RUNS, activeOnly: false });
  return runs.flatMap((v) => [
    {
      uri: runUri(v.id),
      name: `run ${v.id}`,
      title: `run ${v.id} (${v.state}): ${v.task.slice(0, 60)}`,
      mimeType: "application/json",
    },
    ...(isFinal(v.state)
      ? [{ uri: resultUri(v.id), name: `run ${v.id} result`, mimeType: "text/plain" }]
      : []),
  ]);
}

export const RESOURCE_TEMPLATES = [
  {
    uriTemplate: RUN_URI_TEMPLATE,
    name: "run",
    description: "a run's status and progress (the id may be a unique prefix)",
    mimeType: "application/json",
  },
  {
    uriTemplate: RESULT_URI_TEMPLATE,
    name: "run result",
    description: "the final text of a run that has ended",
    mimeType: "text/plain",
  },
];

export async function readRunResource(ctx: McpContext, uri: string) {
  const ref = parseRunUri(uri);
  const v = await getRunView(await ctx.connect(), ref.runId);
  if (ref.kind === "status")
    return [{ uri, mimeType: "application/json", text: JSON.stringify(runSummary(v), null, 2) }];
  return [{ uri, mimeType: "text/plain", text: finalText(v) }];
}

function finalText(v: RunView): string {
  if (!isFinal(v.state))
    throw new NotFoundError(
      `run ${v.id} is still ${v.state}; its result is not there yet (subscribe to ${resultUri(v.id)} to be told when it ends)`,
    );
  return readResultText(v) ?? "";
}
