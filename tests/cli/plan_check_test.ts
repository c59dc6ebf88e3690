/**
 * `plan check` / `plan validate --types`: the TypeScript compiler built
 * into orchestrate type-checks a TS plan, its helper files and its JSON
 * imports, and reports each error at its `file:line:col` (exit 2); the
 * compiler is never loaded by other commands.
 * @module
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";
import { denoInfo } from "../_deno_info.ts";

const HELPER = `import { defineTask, type DefinedTask } from "orchestrate";

/** One task per name, as a plan would generate them. */
export function lintTasks(names: readonly string[]): DefinedTask[] {
  return names.map((name, i) =>
    defineTask({
      id: \`LINT-00\${i + 1}\`,
      title: \`Lint \${name}\`,
      commands: { lint: \`echo \${name}\` },
    })
  );
}
`;

const PLAN = `import { definePlan, defineTask, testsPass } from "orchestrate";
import { lintTasks } from "./lib/tasks.ts";

const lint = lintTasks(["a", "b"]);

/** Deno's globals type-check as with deno check (this is never called). */
function notes(): string {
  return Deno.readTextFileSync("notes.txt");
}
console.error(typeof notes);

export default definePlan({
  version: 1,
  tasks: [
    ...lint,
    defineTask({
      id: "TEST-001",
      title: "Tests pass",
      dependencies: lint,
      acceptance: [testsPass("true")],
    }),
  ],
});
`;

Deno.test("plan check: a correct plan with a helper module and Deno globals passes, as does plan validate --types", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": PLAN,
    "lib/tasks.ts": HELPER,
  });
  for (const args of [["plan", "check"], ["plan", "validate", "--types"]]) {
    const r = await cli(args, { cwd });
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.match(
      r.stdout,
      /^orchestrator\.ts: valid plan "[^"]+" — 3 tasks, 0 shards, types checked\n$/,
    );
  }
});

Deno.test("plan check: a type error in the plan is reported at its file:line:col, exit 2, and the plan is not run", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": `import { definePlan, defineTask } from "orchestrate";

const build = defineTask({
  id: "BUILD-001",
  title: 42,
});
export default definePlan({ version: 1, tasks: [build] });
`,
  });
  const r = await cli(["plan", "check"], { cwd });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    `orchestrator.ts:5:3: Type 'number' is not assignable to type 'string'. (TS2322)
    title: 42,
    ^

1 error in orchestrator.ts
`,
  );
  // Without --types the same plan is only validated (the error is the validator's).
  const plain = await cli(["plan", "validate"], { cwd });
  assert.equal(plain.code, 2);
  assert.doesNotMatch(plain.stderr, /TS2322/);
});

Deno.test("plan check: a type error in a helper module is located in the helper", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": PLAN,
    "lib/tasks.ts": HELPER.replace(
      "commands: { lint: `echo ${name}` },",
      "commands: { lint: name.length },",
    ),
  });
  const r = await cli(["plan", "validate", "--types"], { cwd });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^lib\/tasks\.ts:9:19: Type 'number' is not assignable to type '[^']+'\. \(TS2322\)\n {8}commands: \{ lint: name\.length \},\n {20}\^\n/,
  );
  assert.match(r.stderr, /\n1 error in lib\/tasks\.ts\n$/);
});

Deno.test("plan check: JSON imports get their types; other imports are not found; the DSL copy's path is the built-in DSL", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": `import { definePlan } from "./.codex/orchestrate.ts";
import config from "./config.json" with { type: "json" };
import { readFileSync } from "node:fs";

export default definePlan({
  version: 1,
  project: { name: config.nmae },
  tasks: [],
});
`,
    "config.json": `{ "name": "demo" }\n`,
  });
  const r = await cli(["plan", "check"], { cwd });
  assert.equal(r.code, 2, r.stderr);
  const located = r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
  assert.deepEqual(located, [
    `orchestrator.ts:3:30: Cannot find module "node:fs": a plan may import the DSL ("orchestrate"), relative .ts files and JSON files (TS2591)`,
    `orchestrator.ts:7:27: Property 'nmae' does not exist on type '{ name: string; }'. (TS2339)`,
  ]);
});

Deno.test("plan validate --types on a YAML plan: a note, then the usual validation", async () => {
  const cwd = await tempProject({
    "orchestrator.yml":
      "version: 1\ntasks:\n  - id: A-001\n    title: A\n    commands: { test: 'true' }\n",
  });
  const r = await cli(["plan", "validate", "--types"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stderr,
    "note: --types checks TypeScript plans; orchestrator.yml is checked against the schema\n",
  );
  assert.match(r.stdout, /^orchestrator\.yml: valid plan /);
});

Deno.test("the TypeScript compiler is imported only by plan/ts/type_check.ts, and that module only dynamically", async () => {
  const modules = await denoInfo("src/main.ts");
  const src = new URL("../../src/", import.meta.url).href;
  const importers = new Map<string, boolean[]>();
  const compilerUsers: string[] = [];
  for (const m of modules) {
    for (const d of m.dependencies ?? []) {
      const target = d.code?.specifier ?? "";
      if (/^npm:\/?typescript@/.test(target)) {
        compilerUsers.push(m.specifier.slice(src.length));
      }
      if (target === `${src}plan/ts/type_check.ts`) {
        importers.set(m.specifier.slice(src.length), [
          ...(importers.get(m.specifier.slice(src.length)) ?? []),
          d.isDynamic === true,
        ]);
      }
    }
  }
  assert.deepEqual(compilerUsers, ["plan/ts/type_check.ts"]);
  assert.ok(importers.size > 0);
  for (const [module, dynamic] of importers) {
    assert.ok(dynamic.every((d) => d), `${module} imports it statically`);
  }
});
