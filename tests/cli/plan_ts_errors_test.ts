/**
 * Where the real CLI reports a problem of a TypeScript plan: at the value
 * that was written wrong (a shared object, a variable, a spread, a helper
 * file), naming the task(s) it reached when the place alone does not say,
 * at the mutation that made a cycle, and at a misspelled DSL name.
 * @module
 */

import assert from "node:assert/strict";
import { cli, type CliResult, tempProject } from "../_cli.ts";

const DSL = `import { definePlan, defineTask } from "orchestrate";`;
/** Bound on a CLI run that would otherwise hang (not an assertion). */
const KILL_AFTER_MS = 30_000;

async function validate(files: Record<string, string>): Promise<CliResult> {
  const cwd = await tempProject(files);
  const r = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /Internal error|^\s+at /m);
  return r;
}

/** The `file:line:col: message` lines of the output. */
function errors(r: CliResult): string[] {
  return r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
}

Deno.test("plan ts errors: a value shared by several tasks is reported once, where it is written, naming the tasks", async () => {
  const r = await validate({
    "orchestrator.ts": `${DSL}

const limits = {
  timebox: "10 minutes",
};
const shared = { type: "bogus" as const };
const a = defineTask({ id: "A", title: "a", constraints: limits });
const b = defineTask({ id: "B", title: "b", constraints: limits });
const c = defineTask({ ...shared, id: "C", title: "c" } as any);
const d = defineTask({ ...shared, id: "D", title: "d" } as any);
export default definePlan({ version: 1, tasks: [a, b, c, d] });
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:4:12: Invalid duration "10 minutes": use a number with a unit, e.g. "90s", "10m", "1h30m" (tasks "A", "B")`,
    `orchestrator.ts:6:24: Invalid value "bogus": expected one of code_change, docs, test, release, deploy, chore (tasks "C", "D")`,
  ]);
  assert.match(r.stderr, /\n {4}timebox: "10 minutes",\n {13}\^\n/);
});

Deno.test("plan ts errors: a value held in a variable with satisfies is reported there, not at export default", async () => {
  const r = await validate({
    "orchestrator.ts":
      `import { definePlan, type TaskDefinition } from "orchestrate";

const tasks = [
  { id: "A", title: "a" },
  { id: "B", title: "b", type: "bogus" },
] satisfies TaskDefinition[];

export default definePlan({ version: 1, tasks } as any);
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:5:32: Invalid value "bogus": expected one of code_change, docs, test, release, deploy, chore (task "B")`,
  ]);
});

Deno.test("plan ts errors: a task made by a helper file is reported in the helper, with its source line and task id", async () => {
  const r = await validate({
    "orchestrator.ts": `import { definePlan } from "orchestrate";
import { service } from "./lib/service.ts";

export default definePlan({
  version: 1,
  tasks: [service("api", "code_change"), service("web", "servce")],
});
`,
    "lib/service.ts": `import { defineTask } from "orchestrate";

export function service(name: string, type: string) {
  return defineTask({
    id: \`SVC-\${name}\`,
    title: name,
    type: type as any,
  });
}
`,
  });
  assert.deepEqual(errors(r), [
    `lib/service.ts:7:5: Invalid value "servce": expected one of code_change, docs, test, release, deploy, chore (task "SVC-web")`,
  ]);
  assert.match(r.stderr, /\n {6}type: type as any,\n {6}\^\n/);
});

Deno.test("plan ts errors: a throw in a helper file carries its line, column, source line and the plan's calling line", async () => {
  const r = await validate({
    "orchestrator.ts": `import { definePlan } from "orchestrate";
import { service } from "./lib/service.ts";

const names = ["api", ""];
const tasks = names.map((n) => service(n));
export default definePlan({ version: 1, tasks });
`,
    "lib/service.ts": `import { defineTask } from "orchestrate";

export function service(name: string) {
  if (!name) throw new Error("a service needs a name");
  return defineTask({ id: name, title: name });
}
`,
  });
  assert.deepEqual(errors(r), [
    `lib/service.ts:4:14: Plan script threw: Error: a service needs a name (called from orchestrator.ts:5)`,
  ]);
  assert.match(r.stderr, /\n {4}if \(!name\) throw new Error/);
});

Deno.test("plan ts errors: a task generated in a loop is named in its error", async () => {
  const r = await validate({
    "orchestrator.ts": `${DSL}

const tasks = [];
for (const n of [1, 2, 3]) {
  tasks.push(defineTask({
    id: \`T-\${n}\`,
    title: \`t\${n}\`,
    constraints: { timebox: n === 2 ? "1.5h" : "1h" },
  }));
}
export default definePlan({ version: 1, tasks });
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:8:39: Invalid duration "1.5h": use a number with a unit, e.g. "90s", "10m", "1h30m" (task "T-2")`,
  ]);
});

Deno.test("plan ts errors: a cycle made by pushing a dependency after definition points at the push", async () => {
  const r = await validate({
    "orchestrator.ts": `${DSL}

const a = defineTask({ id: "A", title: "a" });
const b = defineTask({ id: "B", title: "b", dependencies: [a] });
const c = defineTask({ id: "C", title: "c", dependencies: [b] });
const later = [c.id];



for (const id of later) a.dependencies.push(id);
export default definePlan({ version: 1, tasks: [a, b, c] });
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:10:1: Dependency cycle: A -> C -> B -> A`,
  ]);
  assert.match(
    r.stderr,
    /\n {2}for \(const id of later\) a\.dependencies\.push\(id\);\n/,
  );
});

Deno.test("plan ts errors: a misspelled DSL helper is named at its import with a suggestion", async () => {
  const r = await validate({
    "orchestrator.ts":
      `import { definePlan, defineTask, testPasses } from "orchestrate";

export default definePlan({
  version: 1,
  tasks: [defineTask({ id: "A", title: "a", acceptance: [testPasses("npm test")] })],
});
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:1:34: testPasses is not exported by the DSL; did you mean testsPass?`,
  ]);
  const namespace = await validate({
    "orchestrator.ts": `import * as o from "./.codex/orchestrate.ts";
import type { PlanDefinition } from "orchestrate";

const plan: PlanDefinition = { version: 1, tasks: [] };
export default o.definePlan({ ...plan, tasks: [o.defineTsk({ id: "A", title: "a" })] });
`,
  });
  assert.deepEqual(errors(namespace), [
    `orchestrator.ts:5:48: defineTsk is not exported by the DSL; did you mean defineTask?`,
  ]);
});

Deno.test("plan ts errors: require(...) inside command lines, checks and comments is text, not an import; a real require of a module is still refused at its place", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": `${DSL}
// require("node:fs") in a comment
export default definePlan({
  version: 1,
  tasks: [defineTask({
    id: "A",
    title: "uses node",
    commands: { x: "node -e \\"require('fs').existsSync('x')\\"", y: 'echo require("child_process")' },
    acceptance: [\`Command: node -e "require('path')"\`],
  })],
});
`,
  });
  const ok = await cli(["plan", "validate"], { cwd });
  assert.equal(ok.code, 0, ok.stderr);
  const refused = await validate({
    "orchestrator.ts": `${DSL}
const fs = require("node:fs");
export default definePlan({ version: 1, tasks: [defineTask({ id: "A", title: String(fs) })] });
`,
  });
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /^orchestrator\.ts:2:20: Cannot import "node:fs"/m,
  );
});

Deno.test("plan ts errors: a name the helper does not export is reported at the import, with did you mean", async () => {
  const r = await validate({
    "helper.ts":
      `export function task(id: string) { return { id, title: id }; }\n`,
    "orchestrator.ts": `${DSL}
import { task, taks2 } from "./helper.ts";
export default definePlan({ version: 1, tasks: [task("A"), taks2("B")] });
`,
  });
  assert.deepEqual(errors(r), [
    'orchestrator.ts:2:16: "./helper.ts" does not export "taks2": did you mean "task"?',
  ]);
  assert.doesNotMatch(r.stderr, /reading 'call'/);
});

Deno.test("plan ts errors: a default export that settles to undefined says so at the export", async () => {
  const promise = await validate({
    "orchestrator.ts": `${DSL}\nexport default Promise.resolve(undefined);\n`,
  });
  assert.deepEqual(errors(promise), [
    "orchestrator.ts:2:1: The default export is a Promise that resolved to undefined: resolve it to definePlan({ ... })",
  ]);
  const fn = await validate({
    "orchestrator.ts":
      `${DSL}\nexport default () => { definePlan({ version: 1, tasks: [] }); };\n`,
  });
  assert.deepEqual(errors(fn), [
    "orchestrator.ts:2:1: The default export is a function that returned undefined: return definePlan({ ... })",
  ]);
});

Deno.test("plan ts errors: a duplicate shard id points at the duplicate; a misspelt check kind with a file gets the kind suggested", async () => {
  const r = await validate({
    "orchestrator.ts": `${DSL}
export default definePlan({ version: 1, tasks: [
  { id: "A", title: "a", shards: [{ id: "S1", title: "s" }, { id: "S1", title: "t" }] },
  { id: "B", title: "b", acceptance: ["Contain in f: x"] },
] });
`,
  });
  assert.deepEqual(errors(r), [
    'orchestrator.ts:3:67: Duplicate id "S1": ids must be unique across tasks and shards (first defined at orchestrator.ts:3:41) (task "A")',
    'orchestrator.ts:4:39: Unknown acceptance check kind "Contain in f": did you mean "Contains in f:"? (task "B")',
  ]);
});

Deno.test("plan ts errors: one mistake in a loop that gives each task its own bad value is one error naming the tasks, not one per task", async () => {
  const r = await validate({
    "orchestrator.ts": `${DSL}

const tasks = [];
for (const n of [1, 2, 3]) {
  tasks.push(defineTask({
    id: \`T-\${n}\`,
    title: \`t\${n}\`,
    constraints: { timebox: \`\${n}.5h\` as any },
    type: \`kind\${n}\` as any,
    dependencies: [\`T-\${n + 10}\`],
  }));
}
export default definePlan({ version: 1, tasks });
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:8:20: Invalid duration "1.5h": use a number with a unit, e.g. "90s", "10m", "1h30m" (tasks "T-1", "T-2", "T-3")`,
    `orchestrator.ts:9:5: Invalid value "kind1": expected one of code_change, docs, test, release, deploy, chore (tasks "T-1", "T-2", "T-3")`,
    `orchestrator.ts:10:5: Unknown dependency "T-11": did you mean "T-1"? (tasks "T-1", "T-2", "T-3")`,
  ]);
  assert.match(r.stderr, /\n3 errors in orchestrator\.ts\n$/);
});

Deno.test("plan ts errors: shards made in a loop with one bad check are one error at the check, naming the shards and their task", async () => {
  const r = await validate({
    "orchestrator.ts": `${DSL}

const shards = [1, 2].map((i) => ({
  id: \`S-\${i}\`,
  title: "s",
  acceptance: [\`Contain: \${i}\` as any],
}));
export default definePlan({
  version: 1,
  tasks: [defineTask({ id: "WITH", title: "w", shards })],
});
`,
  });
  assert.deepEqual(errors(r), [
    `orchestrator.ts:6:3: Unknown acceptance check kind "Contain": did you mean "Contains:"? (shards "S-1", "S-2" of task "WITH")`,
  ]);
});

Deno.test("plan ts errors: a value passed to a helper that builds the task is located where the caller wrote it, not in the helper", async () => {
  const r = await validate({
    "orchestrator.ts": `import { definePlan } from "orchestrate";
import { task } from "./lib/task.ts";

export default definePlan({
  version: 1,
  tasks: [
    task("A", { retry: "x" as any }),
    task("B", { type: "bogus" as any }),
    task("C", {}),
  ],
});
`,
    "lib/task.ts":
      `import { defineTask, type TaskDefinition } from "orchestrate";

export function task(id: string, extra: Partial<TaskDefinition>) {
  return defineTask({
    id,
    title: id,
    retry: 1,
    type: "chore",
    ...extra,
  });
}
`,
  });
  const lines = errors(r);
  assert.equal(lines.length, 2, r.stderr);
  assert.match(
    lines[0]!,
    /^orchestrator\.ts:7:24: .*got string "x" \(task "A"\)$/,
  );
  assert.match(
    lines[1]!,
    /^orchestrator\.ts:8:23: Invalid value "bogus": .* \(task "B"\)$/,
  );
  assert.match(
    r.stderr,
    /\n {6}task\("A", \{ retry: "x" as any \}\),\n {25}\^\n/,
  );
});
