import { describe, expect, it } from "vitest";
import { parseLine } from "../../../../src/agents/claude/parse.js";

const j = (o: unknown) => JSON.stringify(o);

describe("parseLine", () => {
  it.each([
    ["init", { type: "system", subtype: "init", session_id: "s" }],
    ["status", { type: "system", subtype: "status", status: "requesting" }],
    ["api_retry", { type: "system", subtype: "api_retry", attempt: 1, error_status: 500 }],
    ["task_started", { type: "system", subtype: "task_started", task_id: "t", task_type: "local_agent" }],
    ["task_progress", { type: "system", subtype: "task_progress", task_id: "t", last_tool_name: "Bash" }],
    [
      "task_updated",
      { type: "system", subtype: "task_updated", task_id: "t", patch: { status: "completed" } },
    ],
    [
      "task_notification",
      { type: "system", subtype: "task_notification", task_id: "t", status: "completed" },
    ],
    ["background_tasks_changed", { type: "system", subtype: "background_tasks_changed", tasks: [] }],
  ])("types system/%s as itself", (subtype, line) => {
    const e = parseLine(j(line));
    expect(e.type).toBe("system");
    expect(e.type === "system" && e.subtype).toBe(subtype);
    expect(e).toEqual(line);
  });

  it("re-tags other system subtypes as system_other, keeping the raw line", () => {
    const line = { type: "system", subtype: "compact_boundary", trigger: "auto" };
    expect(parseLine(j(line))).toEqual({ type: "system_other", subtype: "compact_boundary", raw: line });
  });

  it("treats a task event without task_id as system_other, not as a task", () => {
    const e = parseLine(j({ type: "system", subtype: "task_started", task_type: "local_agent" }));
    expect(e.type).toBe("system_other");
  });

  it("treats background_tasks_changed without a tasks array as system_other", () => {
    expect(parseLine(j({ type: "system", subtype: "background_tasks_changed" })).type).toBe("system_other");
  });

  it("passes assistant, user (array or string content), stream_event, result and rate_limit_event through", () => {
    const assistant = { type: "assistant", message: { id: "m", content: [{ type: "text", text: "hi" }] } };
    const userArray = { type: "user", message: { role: "user", content: [] } };
    const userString = { type: "user", message: { role: "user", content: "prompt" } };
    const stream = { type: "stream_event", event: { type: "ping" } };
    const res = { type: "result", subtype: "success", is_error: false, result: "ok" };
    const rate = { type: "rate_limit_event", status: "allowed" };
    for (const line of [assistant, userArray, userString, stream, res, rate]) {
      expect(parseLine(j(line))).toEqual(line);
    }
  });

  it("returns the parsed object itself (no copy) for known types", () => {
    const e = parseLine(j({ type: "result", subtype: "success", extra: { deep: [1, 2] } }));
    expect((e as unknown as { extra: unknown }).extra).toEqual({ deep: [1, 2] });
  });

  it("keeps unknown fields on a known line", () => {
    const line = { type: "system", subtype: "init", session_id: "s", brand_new_field: { x: 1 } };
    expect(parseLine(j(line))).toEqual(line);
  });

  it("makes an unknown top-level type an unknown event with its type", () => {
    const line = { type: "tool_progress", tool_use_id: "toolu_1-heartbeat-1", elapsed_time_seconds: 31 };
    expect(parseLine(j(line))).toEqual({ type: "unknown", upstreamType: "tool_progress", raw: line });
  });

  it("makes an object without a type unknown with a null type", () => {
    expect(parseLine(j({ hello: 1 }))).toEqual({ type: "unknown", upstreamType: null, raw: { hello: 1 } });
  });

  it("makes a known type with a broken shape unknown instead of crashing fold later", () => {
    expect(parseLine(j({ type: "assistant", message: null })).type).toBe("unknown");
    expect(parseLine(j({ type: "assistant", message: { content: "text" } })).type).toBe("unknown");
    expect(parseLine(j({ type: "user" })).type).toBe("unknown");
    expect(parseLine(j({ type: "stream_event", event: 3 })).type).toBe("unknown");
  });

  it.each([
    ['{"type":"assistant","message":{"id":', "invalid_json"],
    ["not json at all", "invalid_json"],
    ["", "invalid_json"],
    ["[1,2]", "not_object"],
    ["null", "not_object"],
    ['"a string"', "not_object"],
    ["42", "not_object"],
  ])("makes %j malformed (%s)", (line, reason) => {
    expect(parseLine(line)).toEqual({ type: "malformed", line, reason });
  });
});
