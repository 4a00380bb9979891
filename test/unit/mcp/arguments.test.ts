import { describe, expect, it } from "vitest";
import {
  optionalNumberText,
  optionalString,
  optionalStringList,
  refuseUnknown,
  runIdArg,
} from "../../../src/mcp/arguments.js";
import { parseRunUri, resultUri, runUri } from "../../../src/mcp/resources.js";

describe("MCP tool arguments", () => {
  it("passes numbers on as the text the shared checks read, and refuses other types", () => {
    expect(optionalNumberText({ t: 900 }, "t", 900)).toBe("900");
    expect(optionalNumberText({ t: 1.5 }, "t", 900)).toBe("1.5");
    expect(optionalNumberText({ t: "2h" }, "t", 900)).toBe("2h");
    expect(optionalNumberText({ t: null }, "t", 900)).toBeUndefined();
    expect(() => optionalNumberText({ t: [1] }, "t", 900)).toThrow(
      't must be a number, got [1]. Example: "t": 900',
    );
  });

  it("names the argument, the value and the fix", () => {
    expect(() => optionalString({ model: { a: 1 } }, "model", "sonnet")).toThrow(
      'model must be a string, got {"a":1}. Example: "model": "sonnet"',
    );
    expect(() => optionalStringList({ notify: ["console", 3] }, "notify", ["console"])).toThrow(
      'notify must be an array of strings, got ["console",3]. Example: "notify": ["console"]',
    );
    expect(() => runIdArg({ runId: "  " })).toThrow(
      "runId is empty; pass a run id or a unique prefix of one (list_runs shows them)",
    );
    expect(() => refuseUnknown("get_run", { runId: "a", id: "b" }, ["runId"])).toThrow(
      'get_run takes no argument "id"; its arguments are: runId',
    );
    expect(() => refuseUnknown("list_runs", {}, ["limit", "state"])).not.toThrow();
  });

  it("cuts a long value short in a message", () => {
    const long = "x".repeat(500);
    expect(() => optionalString({ label: [long] }, "label", "a")).toThrow(`got ["${"x".repeat(198)}…`);
  });
});

describe("run resource URIs", () => {
  it("round-trips an id, and refuses what is not a run's URI", () => {
    expect(parseRunUri(runUri("ab12cd34"))).toEqual({ runId: "ab12cd34", kind: "status" });
    expect(parseRunUri(resultUri("ab12"))).toEqual({ runId: "ab12", kind: "result" });
    expect(() => parseRunUri("cctask://runs/ab12/logs")).toThrow(
      'no resource "cctask://runs/ab12/logs": cctask\'s resources are cctask://runs/{id} and cctask://runs/{id}/result',
    );
  });
});
