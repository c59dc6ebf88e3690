/**
 * Hostile plans through the real CLI: each ends with a clear diagnostic (or a
 * valid result), exit code 2 for errors, never a stack trace. No time limits
 * are asserted (shared machines are noisy); finishing at all is the point.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cli,
  type CliResult,
  FIFO_BOUND_MS,
  mkfifo,
  tempProject,
} from "../_cli.ts";
import { bigScalarPlan, billionLaughs, chainPlan } from "../_plans.ts";

const N = 10_000;

function assertClean(r: CliResult): void {
  const output = r.stdout + r.stderr;
  assert.doesNotMatch(output, /Internal error/);
  assert.doesNotMatch(output, /^\s+at /m, "stack trace in the output");
}

async function validate(files: Record<string, string>, file: string) {
  const cwd = await tempProject(files);
  const r = await cli(["plan", "validate", "--file", file], { cwd });
  assertClean(r);
  return r;
}

Deno.test("hostile: a billion-laughs alias bomb ends in a clear error", async () => {
  const r = await validate(
    { "bomb.yml": billionLaughs() },
    "bomb.yml",
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^bomb\.yml:3:\d+: .*alias bomb/m);
});

Deno.test("hostile: 10,000-deep nesting (YAML flow, YAML block, JSON) ends in a clear error", async () => {
  const files = {
    "flow.yml": "version: 1\ntasks: " + "[".repeat(N) + "]".repeat(N) + "\n",
    "block.yml": "version: 1\ntasks:\n" + "- ".repeat(N) + "x\n",
    "deep.json": '{"version": 1, "tasks": ' + "[".repeat(N) + "]".repeat(N) +
      "}",
  };
  for (const file of Object.keys(files)) {
    const r = await validate(files, file);
    assert.equal(r.code, 2, file);
    assert.match(
      r.stderr,
      new RegExp(
        `^${
          file.replace(".", "\\.")
        }:\\d+:\\d+: Nesting deeper than 100 levels`,
        "m",
      ),
    );
  }
});

Deno.test("hostile: a 10 MB valid plan validates", async () => {
  const plan = chainPlan(30_000);
  assert.ok(plan.length > 10_000_000);
  const r = await validate({ "orchestrator.yml": plan }, "orchestrator.yml");
  assert.equal(r.code, 0, r.stderr.slice(0, 2000));
  assert.match(r.stdout, /30000 tasks/);
});

Deno.test("hostile: a 10 MB plan with errors reports each one, located", async () => {
  const r = await validate(
    { "orchestrator.yml": chainPlan(30_000, { typoEvery: 1000 }) },
    "orchestrator.yml",
  );
  assert.equal(r.code, 2);
  const lines = r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
  assert.equal(lines.length, 30);
  assert.equal(
    lines[1],
    'orchestrator.yml:3004:5: Unknown key "titel": did you mean "title"?',
  );
  assert.match(r.stderr, /\n30 errors in orchestrator\.yml/);
});

Deno.test("hostile: a 10 MB single-line JSON plan with an error shows a short excerpt", async () => {
  const text = chainPlan(30_000, { json: true }).replace(/\}\]\}$/, "},]}");
  const r = await validate({ "plan.json": text }, "plan.json");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^plan\.json:1:\d+: Invalid JSON: trailing comma/m);
  assert.ok(r.stderr.length < 2000, `${r.stderr.length} bytes of output`);
});

Deno.test("hostile: a 60 MB plan with errors is placed by a text scan instead of a second parse, and says where", async () => {
  for (
    const [file, json] of [["big.yml", false], ["big.json", true]] as const
  ) {
    const r = await validate(
      { [file]: bigScalarPlan(60_000_000, { json }) },
      file,
    );
    assert.equal(r.code, 2, r.stderr.slice(0, 2000));
    const lines = r.stderr.split("\n").filter((l) => /^\S+:\d+:\d+: /.test(l));
    // The budget path names each path; keys written once keep their line.
    assert.deepEqual(
      lines,
      json
        ? [
          `${file}:1:1: Duplicate id "A": ids must be unique across tasks and shards (at tasks[2].id) (first defined at ${file} at tasks[0].id)`,
          `${file}:2:60000046: Unknown key "titel": did you mean "title"? (at tasks[0].titel)`,
          `${file}:3:27: Unknown dependency "Z" (at tasks[1].dependencies[0])`,
        ]
        : [
          `${file}:1:1: Duplicate id "A": ids must be unique across tasks and shards (at tasks[2].id) (first defined at ${file} at tasks[0].id)`,
          `${file}:6:5: Unknown key "titel": did you mean "title"? (at tasks[0].titel)`,
          `${file}:9:5: Unknown dependency "Z" (at tasks[1].dependencies[0])`,
        ],
    );
    assert.match(
      r.stderr,
      new RegExp(`\\n3 errors in ${file.replace(".", "\\.")}`),
    );
  }
});

Deno.test("hostile: a plan file over 64 MiB is refused by its size before it is read (run and validate alike), exit 2", async () => {
  const cwd = await tempProject({
    "orchestrator.yml": bigScalarPlan(65 * 1024 * 1024),
  });
  for (const args of [["plan", "validate"], ["run"]]) {
    const r = await cli(args, { cwd });
    assertClean(r);
    assert.equal(r.code, 2, r.stderr.slice(0, 2000));
    assert.equal(
      r.stderr,
      "orchestrator.yml:1:1: Cannot read plan: it is 65.1 MiB; a plan file may be at most 64 MiB\n\n1 error in orchestrator.yml\n",
    );
  }
});

Deno.test("hostile: a FIFO where a plan imports a helper or includes a file is a located error, never waited on", async () => {
  const ts = await tempProject({
    "orchestrator.ts": `import { definePlan } from "orchestrate";
import { name } from "./helper.ts";
export default definePlan({ version: 1, project: { name }, tasks: [] });
`,
  });
  await mkfifo(join(ts, "helper.ts"));
  const r = await cli(["plan", "validate"], {
    cwd: ts,
    killAfterMs: FIFO_BOUND_MS,
  });
  assertClean(r);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^orchestrator\.ts:2:22: Cannot import "\.\/helper\.ts": it is not a regular file \(a pipe, socket or device\)$/m,
  );
  const yml = await tempProject({
    "orchestrator.yml":
      "version: 1\ninclude: [tasks/*.yml]\ntasks:\n  - { id: A, title: a }\n",
  });
  await Deno.mkdir(join(yml, "tasks"));
  await mkfifo(join(yml, "tasks/b.yml"));
  const y = await cli(["plan", "validate"], {
    cwd: yml,
    killAfterMs: FIFO_BOUND_MS,
  });
  assertClean(y);
  assert.equal(y.code, 2, y.stderr);
  assert.match(y.stderr, /^orchestrator\.yml:\d+:\d+: /m);
});
