/**
 * TypeScript plans are cached like YAML plans when their modules can see
 * nothing but their own text and `--param` values: an unchanged plan is
 * not evaluated again; a changed module or other parameters are; a plan
 * that reads the clock (or the environment, files, the network) is
 * evaluated every time and `plan validate --why-not-cached` says why.
 * (Each evaluation prints "evaluated" on stderr: that is how the test sees it.)
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";

const HELPER = `export const title = (id: string) => "Task " + id;\n`;

const PLAN = `import { definePlan, type PlanParams } from "orchestrate";
import { title } from "./helper.ts";
console.error("evaluated");
export default (params: PlanParams) =>
  definePlan({ version: 1, tasks: [{ id: "A", title: title(params.n ?? "a") }] });
`;

async function validate(dir: string, ...args: string[]) {
  const r = await cli(["plan", "validate", ...args], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return { evaluated: r.stderr.includes("evaluated"), stdout: r.stdout };
}

Deno.test("TS plan cache: an unchanged plan is not evaluated again; a changed helper or other --param values are", async () => {
  const dir = await tempProject({
    "orchestrator.ts": PLAN,
    "helper.ts": HELPER,
    ".codex/keep": "",
  });
  assert.equal((await validate(dir)).evaluated, true);
  assert.equal((await validate(dir)).evaluated, false);
  const compiled = await cli(["plan", "compile"], { cwd: dir });
  assert.equal(JSON.parse(compiled.stdout).tasks[0].title, "Task a");
  assert.ok(!compiled.stderr.includes("evaluated"));

  await Deno.writeTextFile(
    join(dir, "helper.ts"),
    HELPER.replace("Task ", "Job "),
  );
  assert.equal((await validate(dir)).evaluated, true);
  const again = await cli(["plan", "compile"], { cwd: dir });
  assert.equal(JSON.parse(again.stdout).tasks[0].title, "Job a");

  assert.equal((await validate(dir, "--param", "n=b")).evaluated, true);
  assert.equal((await validate(dir, "--param", "n=b")).evaluated, false);
  const b = await cli(["plan", "compile", "--param", "n=b"], { cwd: dir });
  assert.equal(JSON.parse(b.stdout).tasks[0].title, "Job b");
  const a = await cli(["plan", "compile"], { cwd: dir });
  assert.equal(JSON.parse(a.stdout).tasks[0].title, "Job a");

  const why = await validate(dir, "--why-not-cached");
  assert.match(why.stdout, /^cache: this plan is served from the cache/m);
});

Deno.test("TS plan cache: a plan that reads the clock is evaluated every time, and --why-not-cached says where", async () => {
  const dir = await tempProject({
    "orchestrator.ts": PLAN.replace(
      'console.error("evaluated");',
      'console.error("evaluated");\nconst stamp = Date.now();',
    ),
    "helper.ts": HELPER,
    ".codex/keep": "",
  });
  assert.equal((await validate(dir)).evaluated, true);
  assert.equal((await validate(dir)).evaluated, true);
  const why = await validate(dir, "--why-not-cached");
  assert.match(
    why.stdout,
    /^cache: not cached: orchestrator\.ts:4 uses Date, whose answer is not in the plan's text/m,
  );
});

Deno.test("TS plan cache: a project without .codex/ is not cached yet, and --why-not-cached says so", async () => {
  const dir = await tempProject({
    "orchestrator.ts": PLAN,
    "helper.ts": HELPER,
  });
  assert.equal((await validate(dir)).evaluated, true);
  assert.equal((await validate(dir)).evaluated, true);
  assert.match(
    (await validate(dir, "--why-not-cached")).stdout,
    /cache: not cached: the project has no \.codex\/ folder yet/,
  );
});
