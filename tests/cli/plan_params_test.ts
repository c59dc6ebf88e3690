/**
 * Plan parameters: `--param KEY=VALUE` reaches a TypeScript plan's function
 * form on every command that loads the plan; a malformed flag is a usage
 * error. The typed way to vary a plan, where `Deno.env` is refused.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";

const PLAN = `import { definePlan, type PlanParams } from "orchestrate";
export default (params: PlanParams) =>
  definePlan({
    version: 1,
    tasks: [{
      id: "TEST",
      title: \`Test (\${params.mode ?? "local"})\`,
      commands: { test: \`sh -c 'echo \${params.mode ?? "local"} > mode.txt'\` },
    }],
  });
`;

Deno.test("plan params: --param reaches the plan's function form in run and plan compile (the last one wins); list shows what the run recorded; without it the plan's default holds", async () => {
  const dir = await tempProject({ "orchestrator.ts": PLAN });
  const run = await cli(["run", "--param", "mode=ci"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await Deno.readTextFile(join(dir, "mode.txt")), "ci\n");
  const ir = JSON.parse(
    (await cli(["plan", "compile", "--param", "mode=nightly"], { cwd: dir }))
      .stdout,
  );
  assert.equal(ir.tasks[0].title, "Test (nightly)");
  const twice = JSON.parse(
    (await cli(["plan", "compile", "--param", "mode=x", "--param", "mode=y"], {
      cwd: dir,
    })).stdout,
  );
  assert.equal(twice.tasks[0].title, "Test (y)"); // the last one wins
  // status and list show the plan as the run recorded it, with its parameters.
  const list = await cli(["list"], { cwd: dir });
  assert.match(list.stdout, /Test \(ci\) +completed/);
  const plain = JSON.parse(
    (await cli(["plan", "compile"], { cwd: dir })).stdout,
  );
  assert.equal(plain.tasks[0].title, "Test (local)");
});

Deno.test("plan params: a --param without KEY=VALUE, or with a bad name, is a usage error (exit 2)", async () => {
  const dir = await tempProject({ "orchestrator.ts": PLAN });
  for (const bad of ["mode", "1x=2", "=v"]) {
    const r = await cli(["plan", "validate", "--param", bad], { cwd: dir });
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /Invalid --param/);
  }
});
