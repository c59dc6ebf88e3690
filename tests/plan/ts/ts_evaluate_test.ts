/**
 * Module semantics of TypeScript plans: what `deno check` accepts evaluates
 * the same way in the plan worker (`import.meta`, namespaces, enums, a
 * default export that is a promise or a function, JSON imports, which
 * specifiers are the DSL).
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTsPlan } from "../../../src/plan/ts/load_ts.ts";
import { tempProject } from "../../_cli.ts";

/** Loads `entry` of a temporary project with the project as working directory. */
async function load(files: Record<string, string>, entry = "orchestrator.ts") {
  const dir = await Deno.realPath(await tempProject(files));
  const before = Deno.cwd();
  Deno.chdir(dir);
  try {
    return { dir, r: await loadTsPlan(entry, files[entry]!) };
  } finally {
    Deno.chdir(before);
  }
}

function value(r: Awaited<ReturnType<typeof load>>["r"]) {
  assert.ok(r.ok, JSON.stringify(r));
  return r.value as { project?: Record<string, unknown>; tasks: unknown[] };
}

const DSL = `import { definePlan, defineTask } from "orchestrate";`;
// A bound on a cold worker start on a busy machine, not an assertion.
Deno.env.set("ORCHESTRATE_PLAN_TIMEOUT", "60s");

Deno.test("ts evaluate: import.meta names each file's real path, in the plan and its helpers", async () => {
  const { dir, r } = await load({
    "plans/orchestrator.ts": `${DSL}
import { where } from "./lib/where.ts";
export default definePlan({
  version: 1,
  project: {
    name: import.meta.filename,
    root: import.meta.dirname,
    language: [import.meta.url, import.meta.resolve("./x.txt"), String(import.meta.main), where].join(" "),
  },
  tasks: [],
});
`,
    "plans/lib/where.ts":
      `export const where = import.meta.dirname + " " + import.meta.main;\n`,
  }, "plans/orchestrator.ts");
  const plans = join(dir, "plans");
  assert.deepEqual(value(r).project, {
    name: join(plans, "orchestrator.ts"),
    root: plans,
    language: [
      `file://${join(plans, "orchestrator.ts")}`,
      `file://${join(plans, "x.txt")}`,
      "true",
      `${join(plans, "lib")} false`,
    ].join(" "),
  });
});

Deno.test("ts evaluate: a read relative to import.meta.dirname finds the plan's folder; a bare path is from the project root", async () => {
  const { r } = await load({
    "plans/orchestrator.ts": `${DSL}
const near = await Deno.readTextFile(\`\${import.meta.dirname}/title.txt\`);
const fromRoot = await Deno.readTextFile("plans/title.txt");
const url = await Deno.readTextFile(new URL("./title.txt", import.meta.url));
export default definePlan({
  version: 1,
  tasks: [defineTask({ id: "A", title: [near, fromRoot, url].map((t) => t.trim()).join("|") })],
});
`,
    "plans/title.txt": "Near\n",
  }, "plans/orchestrator.ts");
  assert.deepEqual(
    (value(r).tasks[0] as { title: string }).title,
    "Near|Near|Near",
  );
});

Deno.test("ts evaluate: namespaces and enums evaluate as TypeScript emits them", async () => {
  const { r } = await load({
    "orchestrator.ts": `${DSL}
enum Kind { Code = "code_change", Docs = "docs" }
const enum Count { Two = 2 }
namespace Naming {
  export const prefix = "SVC";
  export function id(n: number): string { return \`\${prefix}-\${n}\`; }
  export namespace Titles { export const of = (n: number) => "Service " + n; }
  export type Unused = string;
}
export namespace Exported { export const ok = true; }
const tasks = Array.from({ length: Count.Two }, (_, i) =>
  defineTask({ id: Naming.id(i + 1), title: Naming.Titles.of(i + 1), type: i ? Kind.Docs : Kind.Code }));
export default definePlan({ version: 1, project: { name: String(Exported.ok) }, tasks });
`,
  });
  const plan = value(r);
  assert.deepEqual(plan.tasks, [
    {
      id: "SVC-1",
      title: "Service 1",
      type: "code_change",
      dependencies: [],
    },
    { id: "SVC-2", title: "Service 2", type: "docs", dependencies: [] },
  ]);
  assert.equal(plan.project?.name, "true");
});

Deno.test("ts evaluate: the default export may be a promise of a plan, or a sync or async function returning one", async () => {
  for (
    const exported of [
      `Promise.resolve(plan)`,
      `() => plan`,
      `async () => { await null; return plan; }`,
      `async function () { return Promise.resolve(plan); }`,
    ]
  ) {
    const { r } = await load({
      "orchestrator.ts": `${DSL}
const plan = definePlan({ version: 1, tasks: [defineTask({ id: "A", title: "a" })] });
export default ${exported};
`,
    });
    assert.deepEqual(value(r).tasks, [
      { id: "A", title: "a", dependencies: [] },
    ], exported);
  }
  const { r } = await load({
    "orchestrator.ts": `${DSL}
export default async () => {
  throw new RangeError("no plan today");
};
`,
  });
  assert.ok(!r.ok);
  assert.deepEqual(
    [r.diagnostics[0]!.line, r.diagnostics[0]!.col, r.diagnostics[0]!.message],
    [3, 3, "Plan script threw: RangeError: no plan today"],
  );
});

Deno.test("ts evaluate: JSON files inside the plan's folder import with the json attribute", async () => {
  const { r } = await load({
    "orchestrator.ts": `${DSL}
import services from "./data/services.json" with { type: "json" };
import { more } from "./lib/more.ts";
export default definePlan({
  version: 1,
  tasks: [...services, ...more].map((s: { id: string; title: string }) => defineTask(s)),
});
`,
    "data/services.json": `[{ "id": "API", "title": "Api" }]`,
    "lib/more.ts":
      `import data from "../data/services.json" with { type: "json" };\nexport const more = data.map((s: { id: string }) => ({ id: s.id + "-2", title: "again" }));\n`,
  });
  assert.deepEqual(value(r).tasks.map((t) => (t as { id: string }).id), [
    "API",
    "API-2",
  ]);
});

Deno.test("ts evaluate: a JSON import without the attribute, outside the folder or malformed is refused at its place", async () => {
  const bare = await load({
    "orchestrator.ts":
      `${DSL}\nimport data from "./data.json";\nexport default data;\n`,
    "data.json": "{}",
  });
  assert.ok(!bare.r.ok);
  assert.deepEqual(
    [bare.r.diagnostics[0]!.line, bare.r.diagnostics[0]!.message],
    [
      2,
      `Cannot import "./data.json" without 'with { type: "json" }': add it after the specifier`,
    ],
  );
  const outside = await load({
    "plans/orchestrator.ts":
      `${DSL}\nimport data from "../data.json" with { type: "json" };\nexport default data;\n`,
    "data.json": "{}",
  }, "plans/orchestrator.ts");
  assert.ok(!outside.r.ok);
  assert.equal(
    outside.r.diagnostics[0]!.message,
    `Cannot import "../data.json": a plan may import only files inside its own folder`,
  );
  const broken = await load({
    "orchestrator.ts":
      `${DSL}\nimport data from "./data.json" with { type: "json" };\nexport default data;\n`,
    "data.json": `{\n  "version": 1,\n}\n`,
  });
  assert.ok(!broken.r.ok);
  const [d] = broken.r.diagnostics;
  assert.deepEqual([d!.file, d!.line], ["data.json", 2]); // the trailing comma
});

Deno.test("ts evaluate: a user's own orchestrate.ts is an ordinary import, not the DSL", async () => {
  const { r } = await load({
    "orchestrator.ts": `${DSL}
import { team } from "./lib/orchestrate.ts";
export default definePlan({ version: 1, tasks: [defineTask({ id: "A", title: team })] });
`,
    "lib/orchestrate.ts": `export const team = "platform";\n`,
  });
  assert.equal((value(r).tasks[0] as { title: string }).title, "platform");
});
