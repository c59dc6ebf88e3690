import assert from "node:assert/strict";
import { compileArgs } from "../../scripts/compile.ts";

Deno.test("compile: the binary never prompts for a permission, and gets no blanket -A", () => {
  const args = compileArgs("dist/orchestrate");
  assert.ok(args.includes("--no-prompt"));
  assert.ok(!args.some((a) => a === "-A" || a === "--allow-all"));
});
