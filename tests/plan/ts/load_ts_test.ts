import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTsPlan } from "../../../src/plan/ts/load_ts.ts";
import { tempProject } from "../../_cli.ts";

async function load(files: Record<string, string>, entry = "orchestrator.ts") {
  const dir = await tempProject(files);
  const file = join(dir, entry);
  return await loadTsPlan(file, await Deno.readTextFile(file));
}

const TASK = `defineTask({ id: "A", title: "a" })`;

Deno.test("loadTsPlan: every DSL specifier maps to the built-in DSL", async () => {
  const mod = new URL("../../../mod.ts", import.meta.url).pathname;
  for (
    const specifier of [
      "orchestrate",
      "./.codex/orchestrate.ts",
      "../.codex/orchestrate.ts",
      "npm:@orchestrate/orchestrate",
      "jsr:@orchestrate/orchestrate@0.1.0",
      mod,
    ]
  ) {
    const r = await load({
      "plans/orchestrator.ts":
        `import { definePlan, defineTask } from "${specifier}";
export default definePlan({ version: 1, tasks: [${TASK}] });
`,
    }, "plans/orchestrator.ts");
    assert.ok(r.ok, `${specifier}: ${JSON.stringify(r)}`);
    assert.deepEqual(r.value, {
      version: 1,
      tasks: [{ id: "A", title: "a", dependencies: [] }],
    });
  }
});

Deno.test("loadTsPlan: relative .ts imports load, transitively, once", async () => {
  const r = await load({
    "orchestrator.ts": `import { definePlan } from "orchestrate";
import { tasks } from "./lib/tasks.ts";
import { count } from "./lib/counter.ts";
export default definePlan({ version: 1, project: { name: String(count) }, tasks });
`,
    "lib/tasks.ts": `import { defineTask } from "orchestrate";
import { bump } from "./counter.ts";
bump();
export const tasks = [defineTask({ id: "A", title: "a" })];
`,
    "lib/counter.ts": `export let count = 0;
export function bump(): void { count++; }
`,
  });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual((r.value as { project: unknown }).project, { name: "1" });
});

Deno.test("loadTsPlan: circular relative imports terminate", async () => {
  const r = await load({
    "orchestrator.ts": `import { definePlan } from "orchestrate";
import { b } from "./b.ts";
export const a = 1;
export default definePlan({ version: 1, tasks: [], project: { name: String(b) } });
`,
    "b.ts": `import * as main from "./orchestrator.ts";
export const b = typeof main;
`,
  });
  assert.ok(r.ok, JSON.stringify(r));
});

Deno.test("loadTsPlan: type-only imports are erased, whatever their specifier", async () => {
  const r = await load({
    "orchestrator.ts": `import type { Plan } from "npm:whatever";
import { definePlan, type DefinedPlan } from "orchestrate";
const p: DefinedPlan = definePlan({ version: 1, tasks: [] });
export default p as unknown as Plan;
`,
  });
  assert.ok(r.ok, JSON.stringify(r));
});

Deno.test("loadTsPlan: top-level await and the `plan` export work", async () => {
  const r = await load({
    "orchestrator.ts": `const title = await Promise.resolve("later");
export const plan = { version: 1, tasks: [{ id: "A", title }] };
`,
  });
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    version: 1,
    tasks: [{ id: "A", title: "later" }],
  });
});

Deno.test("loadTsPlan: other imports are refused at their line, before anything runs", async () => {
  for (
    const [specifier, line] of [
      ["node:fs", 2],
      ["npm:zod", 2],
      ["https://example.com/x.ts", 2],
      ["./data.json", 2],
      ["fs", 2],
    ] as const
  ) {
    const r = await load({
      "orchestrator.ts": `globalThis.ran = true;
import x from "${specifier}";
export default x;
`,
    });
    assert.ok(!r.ok, specifier);
    const [d] = r.diagnostics;
    assert.equal(d!.line, line, specifier);
    assert.match(
      d!.message,
      new RegExp(`^Cannot import "${specifier.replace(/[./]/g, "\\$&")}"`),
    );
    assert.equal((globalThis as { ran?: boolean }).ran, undefined);
  }
});

Deno.test("loadTsPlan: a throw is reported at the throw's line, in the file that threw", async () => {
  const r = await load({
    "orchestrator.ts": `import { x } from "./helper.ts";
export default x;
`,
    "helper.ts": `export const x = 1;

if (x) {
  throw new TypeError("helper failed");
}
`,
  });
  assert.ok(!r.ok);
  const [d] = r.diagnostics;
  assert.ok(d!.file.endsWith("helper.ts"), d!.file);
  assert.deepEqual([d!.line, d!.col], [4, 3]);
  assert.equal(d!.message, "Plan script threw: TypeError: helper failed");
  assert.equal(d!.sourceLine, '  throw new TypeError("helper failed");');
});

Deno.test("loadTsPlan: syntax errors and a missing default export are located", async () => {
  const syntax = await load({ "orchestrator.ts": "const a = ;\n" });
  assert.ok(!syntax.ok);
  assert.deepEqual(
    [syntax.diagnostics[0]!.line, syntax.diagnostics[0]!.col],
    [1, 11],
  );
  assert.match(syntax.diagnostics[0]!.message, /^Cannot parse TypeScript: /);
  const none = await load({ "orchestrator.ts": "export const x = 1;\n" });
  assert.ok(!none.ok);
  assert.match(none.diagnostics[0]!.message, /^No default export/);
});

Deno.test("loadTsPlan: the plan runs in its own worker: its globals do not leak into the CLI", async () => {
  const r = await load({
    "orchestrator.ts": `(globalThis as Record<string, unknown>).leaked = true;
Array.prototype.map = () => { throw new Error("tampered"); };
export default { version: 1, tasks: [] };
`,
  });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal((globalThis as { leaked?: boolean }).leaked, undefined);
  assert.deepEqual([1].map((n) => n + 1), [2]);
});

Deno.test("loadTsPlan: a symlink that leads out of the plan's folder is not imported", async () => {
  const outside = await tempProject({
    "tasks.ts": "export const tasks = [];\n",
  });
  const dir = await tempProject({
    "orchestrator.ts": `import { tasks } from "./lib.ts";
export default { version: 1, tasks };
`,
  });
  await Deno.symlink(join(outside, "tasks.ts"), join(dir, "lib.ts"));
  const file = join(dir, "orchestrator.ts");
  const r = await loadTsPlan(file, await Deno.readTextFile(file));
  assert.ok(!r.ok);
  assert.deepEqual(
    [r.diagnostics[0]!.line, r.diagnostics[0]!.message],
    [
      1,
      `Cannot import "./lib.ts": a plan may import only files inside its own folder`,
    ],
  );
});
