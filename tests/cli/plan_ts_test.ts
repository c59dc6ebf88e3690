/**
 * Hostile TypeScript plans through the real CLI: a plan runs in a worker
 * that may only read its own folder, within a time limit, and hands back
 * plain data. Each case ends in `file:line:col: message` and exit 2, never
 * a hang, a stack trace or an effect outside the plan. Waits are bounded
 * (`killAfterMs`) only so that a regression fails instead of hanging; no
 * time is asserted.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, type CliResult, exists, tempProject } from "../_cli.ts";

const DSL = `import { definePlan, defineTask } from "orchestrate";`;
const VALID =
  `export default definePlan({ version: 1, tasks: [defineTask({ id: "A", title: "a" })] });`;
/** Bound on a CLI run that would otherwise hang (not an assertion). */
const KILL_AFTER_MS = 30_000;

async function validate(
  plan: string,
  options: { env?: Record<string, string>; files?: Record<string, string> } =
    {},
): Promise<CliResult & { cwd: string }> {
  const cwd = await tempProject({ "orchestrator.ts": plan, ...options.files });
  const r = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
    env: options.env,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.doesNotMatch(r.stdout + r.stderr, /Internal error|^\s+at /m);
  return { ...r, cwd };
}

/** The first line of the first diagnostic. */
function firstError(r: CliResult): string {
  return r.stderr.split("\n")[0]!;
}

const SHORT = { ORCHESTRATE_PLAN_TIMEOUT: "2s" };

Deno.test("plan ts: a plan that loops forever ends in a located time-out", async () => {
  const r = await validate(`${DSL}\nwhile (true) {}\n${VALID}\n`, {
    env: SHORT,
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    firstError(r),
    /^orchestrator\.ts:1:1: Plan script did not finish within 2s .*ORCHESTRATE_PLAN_TIMEOUT/,
  );
});

Deno.test("plan ts: a plan that awaits forever ends in a located time-out", async () => {
  const r = await validate(
    `${DSL}\nawait new Promise(() => {});\n${VALID}\n`,
    { env: SHORT },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    firstError(r),
    /^orchestrator\.ts:1:1: Plan script did not finish within 2s/,
  );
});

Deno.test("plan ts: an unusable ORCHESTRATE_PLAN_TIMEOUT is an error, not ignored", async () => {
  for (const value of ["soon", "0s", "1000h"]) {
    const r = await validate(`${DSL}\n${VALID}\n`, {
      env: { ORCHESTRATE_PLAN_TIMEOUT: value },
    });
    assert.equal(r.code, 2, value);
    assert.match(
      firstError(r),
      /^orchestrator\.ts:1:1: ORCHESTRATE_PLAN_TIMEOUT=".*" is not a usable time limit/,
    );
  }
});

Deno.test("plan ts: throwing a non-Error is a located error that names the value", async () => {
  for (
    const [thrown, shown] of [
      ["42", "42"],
      ["null", "null"],
      ["{}", "an object"],
      ["Object.create(null)", "an object"],
      ["new Proxy({}, { getPrototypeOf() { throw 1; } })", "a Proxy"],
    ]
  ) {
    const r = await validate(`${DSL}\nthrow ${thrown};\n`);
    assert.equal(r.code, 2, thrown);
    assert.equal(
      firstError(r),
      `orchestrator.ts:1:1: Plan script threw ${shown}, not an Error, so its line is unknown: throw new Error("...") to see where`,
    );
  }
});

Deno.test("plan ts: exporting a Proxy is a located error and its traps never run", async () => {
  for (
    const trap of [
      "get() { throw new Error('trap'); }",
      "ownKeys() { while (true) {} }",
      "getPrototypeOf() { while (true) {} }",
    ]
  ) {
    const r = await validate(
      `${DSL}\nexport default new Proxy({}, { ${trap} });\n`,
    );
    assert.equal(r.code, 2, trap);
    assert.match(
      firstError(r),
      /^orchestrator\.ts:2:1: The plan's export is a Proxy: a plan must be plain data/,
    );
  }
});

Deno.test("plan ts: a Proxy or a function inside the export is located at its task", async () => {
  const proxy = await validate(`${DSL}
const a = defineTask({
  id: "A",
  title: "a",
  commands: new Proxy({}, { ownKeys() { throw 1; } }) as any,
});
export default definePlan({ version: 1, tasks: [a] });
`);
  assert.equal(proxy.code, 2);
  assert.match(
    firstError(proxy),
    /^orchestrator\.ts:5:3: The plan's export holds a Proxy at tasks\[0\]\.commands: /,
  );
  const fn = await validate(`${DSL}
const a = defineTask({ id: "A", title: "a" });
Object.assign(a, { title: () => "a" });
export default definePlan({ version: 1, tasks: [a] });
`);
  assert.equal(fn.code, 2);
  assert.match(
    firstError(fn),
    /^orchestrator\.ts:2:33: The plan's export holds a function at tasks\[0\]\.title: /,
  );
});

Deno.test("plan ts: a getter that throws or a cycle in the export is located", async () => {
  const getter = await validate(`${DSL}
export default { version: 1, get tasks() { throw new TypeError("nope"); } };
`);
  assert.equal(getter.code, 2);
  assert.match(
    firstError(getter),
    /^orchestrator\.ts:2:1: The plan's export holds a property that threw TypeError: nope at tasks: /,
  );
  const cycle = await validate(`${DSL}
const plan: Record<string, unknown> = { version: 1, tasks: [] };
plan.project = { name: "x", self: plan };
export default plan;
`);
  assert.equal(cycle.code, 2);
  assert.match(
    firstError(cycle),
    /: The plan's export holds a reference to an object that contains it at project\.self: /,
  );
});

Deno.test("plan ts: Deno.Command in a plan is refused at its line and runs nothing", async () => {
  const r = await validate(`${DSL}
new Deno.Command("touch", { args: ["pwned"] }).outputSync();
${VALID}
`);
  assert.equal(r.code, 2);
  assert.match(
    firstError(r),
    /^orchestrator\.ts:2:\d+: Plan script was refused run access to "touch": a plan may only read the files in its own folder$/,
  );
  assert.equal(await exists(join(r.cwd, "pwned")), false);
});

Deno.test("plan ts: fetch in a plan is refused at its line", async () => {
  const r = await validate(`${DSL}
await fetch("http://127.0.0.1:65535/");
${VALID}
`);
  assert.equal(r.code, 2);
  assert.match(
    firstError(r),
    /^orchestrator\.ts:2:\d+: Plan script was refused net access to "127\.0\.0\.1:65535": /,
  );
});

Deno.test("plan ts: writing a file, even in the plan's folder, is refused", async () => {
  const r = await validate(`${DSL}
await Deno.writeTextFile("pwned", "x");
${VALID}
`);
  assert.equal(r.code, 2);
  assert.match(
    firstError(r),
    /^orchestrator\.ts:2:\d+: Plan script was refused write access to "pwned": /,
  );
  assert.equal(await exists(join(r.cwd, "pwned")), false);
});

Deno.test("plan ts: reading the environment is refused; reading the plan's folder is not", async () => {
  const env = await validate(`${DSL}
const home = Deno.env.get("HOME");
${VALID}
`);
  assert.equal(env.code, 2);
  assert.match(
    firstError(env),
    /^orchestrator\.ts:2:\d+: Plan script was refused env access to "HOME": /,
  );
  const read = await validate(
    `${DSL}
const title = (await Deno.readTextFile("title.txt")).trim();
export default definePlan({ version: 1, tasks: [defineTask({ id: "A", title })] });
`,
    { files: { "title.txt": "From a file\n" } },
  );
  assert.equal(read.code, 0, read.stderr);
});

Deno.test("plan ts: imports built with eval or new Function are refused outside the plan's folder", async () => {
  const outside = await tempProject();
  await Deno.writeTextFile(
    join(outside, "evil.ts"),
    `await Deno.writeTextFile(${
      JSON.stringify(join(outside, "ran"))
    }, "x");\nexport const ran = true;\n`,
  );
  const url = `file://${join(outside, "evil.ts")}`;
  const fn = await validate(`${DSL}
const evil = await new Function("u", "return import(u)")(${
    JSON.stringify(url)
  });
${VALID}
`);
  assert.equal(fn.code, 2);
  assert.match(
    firstError(fn),
    /^orchestrator\.ts:2:\d+: Plan script was refused read access to ".*evil\.ts": /,
  );
  assert.equal(await exists(join(outside, "ran")), false);
  const node = await validate(`${DSL}
const cp = await (0, eval)('import("node:child_process")');
cp.execFileSync("touch", ["pwned"]);
${VALID}
`);
  assert.equal(node.code, 2);
  assert.match(
    firstError(node),
    /^orchestrator\.ts:3:\d+: Plan script was refused /,
  );
  assert.equal(await exists(join(node.cwd, "pwned")), false);
});

Deno.test("plan ts: a relative import outside the plan's folder is refused at its line", async () => {
  const cwd = await tempProject({
    "plans/orchestrator.ts":
      `${DSL}\nimport { a } from "../shared/tasks.ts";\n${VALID}\n`,
    "shared/tasks.ts": `export const a = 1;\n`,
  });
  const r = await cli(["plan", "validate", "--file", "plans/orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 2);
  assert.equal(
    firstError(r),
    `plans/orchestrator.ts:2:19: Cannot import "../shared/tasks.ts": a plan may import only files inside its own folder`,
  );
});

Deno.test("plan ts: console output of a plan goes to stderr; plan compile prints only JSON", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": `${DSL}
console.log("LOG LINE");
console.info("INFO LINE");
console.table([{ a: 1 }]);
console.count("counted");
Deno.stdout.writeSync(new TextEncoder().encode("RAW LINE\\n"));
${VALID}
`,
  });
  const r = await cli(["plan", "compile", "--file", "orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 0, r.stderr);
  const ir = JSON.parse(r.stdout);
  assert.equal(ir.tasks[0].id, "A");
  for (const line of ["LOG LINE", "INFO LINE", "counted: 1", "RAW LINE"]) {
    assert.ok(r.stderr.includes(line), `${line} in ${r.stderr}`);
  }
});

Deno.test("plan ts: Deno.exit or a late throw in a plan is a located error, not a silent end", async () => {
  const exit = await validate(`${DSL}\nDeno.exit(0);\n`);
  assert.equal(exit.code, 2);
  assert.match(
    firstError(exit),
    /^orchestrator\.ts:2:\d+: Plan script threw: Error: Deno\.exit\(\) is not allowed in a plan$/,
  );
  const late = await validate(`${DSL}
setTimeout(() => { throw new RangeError("late"); }, 1);
await new Promise((done) => setTimeout(done, 200));
${VALID}
`);
  assert.equal(late.code, 2);
  assert.match(
    firstError(late),
    /^orchestrator\.ts:2:20: Plan script threw: RangeError: late$/,
  );
});

Deno.test("plan ts: a plan that tampers with built-ins does not change the CLI's output", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": `${DSL}
JSON.stringify = () => '"tampered"';
${VALID}
`,
  });
  const r = await cli(["plan", "compile", "--file", "orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).tasks[0].id, "A");
});
