import assert from "node:assert/strict";
import { MAX_SHOWN } from "../../src/cli/plan_source.ts";
import { cli, tempProject } from "../_cli.ts";

Deno.test("plan validate: past MAX_SHOWN diagnostics only the first are printed, and the total is said", async () => {
  const tasks = Array.from(
    { length: MAX_SHOWN + 50 },
    (_, i) => `  - { id: T${i}, title: t, dependencies: [NOPE${i}] }`,
  );
  const cwd = await tempProject({
    "orchestrator.yml": `version: 1\ntasks:\n${tasks.join("\n")}\n`,
  });
  const r = await cli(["plan", "validate"], { cwd });
  assert.equal(r.code, 2);
  const lines = r.stderr.split("\n").filter((l) =>
    /^orchestrator\.yml:\d+:\d+: /.test(l)
  );
  assert.equal(lines.length, MAX_SHOWN);
  assert.match(
    r.stderr,
    new RegExp(
      `${
        MAX_SHOWN + 50
      } errors in orchestrator\\.yml \\(the first ${MAX_SHOWN} shown\\)`,
    ),
  );
});
