/** The files a plan is made of (src/plan/plan_files.ts): what confined tasks may not write. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { planFiles } from "../../src/plan/plan_files.ts";

Deno.test("plan files: a YAML plan, its includes and the other plan files beside it", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(join(dir, "tasks"));
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    "version: 1\ninclude: [tasks/*.yml]\ntasks: []\n",
  );
  await Deno.writeTextFile(join(dir, "tasks/a.yml"), "tasks: []\n");
  await Deno.writeTextFile(join(dir, "tasks/b.yml"), "tasks: []\n");
  await Deno.writeTextFile(join(dir, "orchestrator.json"), "{}");
  assert.deepEqual((await planFiles(join(dir, "orchestrator.yml"))).sort(), [
    join(dir, "orchestrator.json"),
    join(dir, "orchestrator.yml"),
    join(dir, "tasks/a.yml"),
    join(dir, "tasks/b.yml"),
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("plan files: a TS plan and the local modules it imports, transitively, inside its folder only", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(join(dir, "plan"));
  await Deno.writeTextFile(
    join(dir, "orchestrator.ts"),
    'import { a } from "./plan/a.ts";\nimport { x } from "jsr:@std/x";\nexport default a;\n',
  );
  await Deno.writeTextFile(
    join(dir, "plan/a.ts"),
    'export { b } from "./b.ts";\nexport const a = await import("../../outside.ts");\n',
  );
  await Deno.writeTextFile(join(dir, "plan/b.ts"), "export const b = 1;\n");
  assert.deepEqual((await planFiles(join(dir, "orchestrator.ts"))).sort(), [
    join(dir, "orchestrator.ts"),
    join(dir, "plan/a.ts"),
    join(dir, "plan/b.ts"),
  ]);
  await Deno.remove(dir, { recursive: true });
});
