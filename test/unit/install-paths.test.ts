import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliPath, packageRoot, skillDir } from "../../src/install-paths.js";
import { ROOT } from "../helpers/cctask.js";

describe("install paths", () => {
  it("are found from the package root, above the module wherever it sits", () => {
    expect(packageRoot()).toBe(ROOT);
    expect(cliPath()).toBe(join(ROOT, "dist", "cli.js"));
    expect(skillDir()).toBe(join(ROOT, "openclaw-skill"));
    expect(existsSync(join(skillDir(), "SKILL.md"))).toBe(true);
  });
});
