import assert from "node:assert/strict";
import { NO_BWRAP } from "../exec/sandbox/_sandbox.ts";

const SCRIPT = new URL("../../scripts/bench/sandbox_cost.ts", import.meta.url)
  .pathname;

Deno.test("bench: the sandbox section measures bare and bwrap commands, each per command", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", SCRIPT, "2"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const cost = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(typeof cost.off, "number");
  assert.ok(cost.off > 0);
  if (NO_BWRAP === null) assert.equal(typeof cost.bwrap, "number");
  else assert.equal(cost.bwrap, NO_BWRAP);
  assert.ok(
    typeof cost.runtime === "number" || typeof cost.runtime === "string",
  );
});
