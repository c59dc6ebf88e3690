/**
 * `plan check` on plans whose task list mixes generated tasks and written
 * ones (`[...generated, a, b, ...more]`): an unknown dependency, a gate
 * `orchestrator.approvals.required` does not list, and a misspelt field are
 * type errors whatever the shape of the list, each read as one short line
 * naming the mistake, never blamed on a task that is right.
 * @module
 */

import assert from "node:assert/strict";
import { cli, type CliResult, tempProject } from "../_cli.ts";

/** Bound on a CLI run that would otherwise hang (not an assertion). */
const KILL_AFTER_MS = 60_000;

/** A monorepo's plan: packages generated in loops, two tasks written out. */
function plan(tasks: string, extra = ""): string {
  return `import { definePlan, defineTask } from "orchestrate";

const generated = ["core", "api"].map((p) =>
  defineTask({ id: \`GEN-\${p}\`, title: p, approvals: ["review"] })
);
const more = ["web"].map((p) => defineTask({ id: \`APP-\${p}\`, title: p }));
const utils = defineTask({ id: "PKG-utils", title: "utils" });
const docs = defineTask({
  id: "DOCS",
  title: "docs",
  dependencies: ["PKG-utlis"],
});
const release = defineTask({ id: "REL", title: "release", approvals: ["deplyo"] });
const ok = defineTask({
  id: "OK",
  title: "ok",
  dependencies: [utils, "GEN-core"],
  approvals: ["deploy"],
});
${extra}
export default definePlan({
  version: 1,
  orchestrator: { approvals: { required: ["deploy", "review"] } },
  tasks: ${tasks},
});
`;
}

async function check(source: string): Promise<CliResult> {
  const cwd = await tempProject({ "orchestrator.ts": source });
  return await cli(["plan", "check"], { cwd, killAfterMs: KILL_AFTER_MS });
}

/** The `file:line:col: message` lines of the output. */
function errors(r: CliResult): string[] {
  return r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
}

Deno.test("plan ts types: an unknown dependency among spreads of generated tasks is one short error naming it", async () => {
  const r = await check(plan("[...generated, utils, docs, ok, ...more]"));
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errors(r), [
    'orchestrator.ts:24:3: unknown dependency "PKG-utlis" (TS2322)',
  ]);
});

Deno.test("plan ts types: a gate approvals.required does not list, among spreads, is one short error naming it", async () => {
  const r = await check(plan("[...generated, utils, release, ok, ...more]"));
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errors(r), [
    'orchestrator.ts:24:3: gate "deplyo" is not in orchestrator.approvals.required (TS2322)',
  ]);
});

Deno.test("plan ts types: with one spread before the written tasks, the mistakes are named at the plan, the tasks that are right are not blamed", async () => {
  const r = await check(plan("[...generated, utils, docs, release, ok]"));
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errors(r), [
    'orchestrator.ts:21:27: unknown dependency "PKG-utlis"; gate "deplyo" is not in orchestrator.approvals.required (TS2345)',
  ]);
});

Deno.test("plan ts types: a list written task by task blames the task at fault, in the DSL's words", async () => {
  const r = await check(plan("[utils, docs, release]"));
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errors(r), [
    'orchestrator.ts:24:18: unknown dependency "PKG-utlis" (TS2322)',
    'orchestrator.ts:24:24: gate "deplyo" is not in orchestrator.approvals.required (TS2322)',
  ]);
});

Deno.test("plan ts types: a list in a variable and a misspelt field among spreads are caught too; the same plan without mistakes passes", async () => {
  const listed = await check(
    plan("all", "const all = [...generated, utils, docs, ok];"),
  );
  assert.equal(listed.code, 2, listed.stderr);
  assert.deepEqual(errors(listed), [
    'orchestrator.ts:24:3: unknown dependency "PKG-utlis" (TS2322)',
  ]);
  const field = await check(
    plan(
      '[...generated, utils, { id: "X", title: "x", dependecies: ["OK"] }, ok, ...more]',
    ),
  );
  assert.equal(field.code, 2, field.stderr);
  assert.match(errors(field).join("\n"), /unknown task field "dependecies"/);
  const good = await check(plan("[...generated, utils, ok, ...more]"));
  assert.equal(good.code, 0, good.stderr);
});

Deno.test("plan ts types: a count written as a fraction is a type error at its value, in the DSL's words; a plain number passes", async () => {
  const r = await check(`import { definePlan, defineTask } from "orchestrate";

const n: number = 3;
export default definePlan({
  version: 1,
  orchestrator: { concurrency: n, failure_lines: 20 },
  tasks: [defineTask({ id: "A", title: "a", retry: 2.5, agent: { attempts: n } })],
});
`);
  assert.equal(r.code, 2, r.stderr);
  assert.deepEqual(errors(r), [
    "orchestrator.ts:7:45: expected a whole number, not 2.5 (TS2322)",
  ]);
});
