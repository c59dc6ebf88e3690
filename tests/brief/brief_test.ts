/** `orchestrate brief` through the real CLI on a small Rust project with a plan and a run. */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

const PLAN = `version: 1
project: { name: demo }
tasks:
  - id: SETUP
    title: Set up
    commands: { build: "true" }
  - id: EXC-001
    title: Map AppError to exit codes
    description: Extend exit_code so each AppError variant has its own code.
    dependencies: [SETUP]
    paths: { preferred: [src/error.rs, src/codes.rs], forbidden: [Cargo.lock] }
    constraints: { style: "thiserror, no unwrap", timebox: 30m }
    commands: { test: "true" }
    acceptance: ["Tests pass: true", "Contains in src/error.rs: fn exit_code"]
`;

function project() {
  return tempProject({
    "orchestrator.yml": PLAN,
    "Cargo.toml": '[package]\nname = "demo"\nedition = "2021"\n',
    ".gitignore": "target/\n",
    "target/junk.rs": "pub enum AppError {}",
    "src/error.rs":
      "pub enum AppError {\n    Io,\n}\n\npub fn exit_code(e: &AppError) -> i32 {\n    1\n}\n",
    "src/main.rs": "fn main() {}\n",
    "src/util/deep.rs": "pub fn unrelated() {}\n",
  });
}

Deno.test("brief: JSON holds what the Interaction Model lists, with dependencies from the latest run", async () => {
  const dir = await project();
  assert.equal((await cli(["run", "--task", "SETUP"], { cwd: dir })).code, 0);
  const r = await cli(["brief", "EXC-001", "--format", "json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const brief = JSON.parse(r.stdout);
  assert.equal(brief.task.id, "EXC-001");
  assert.deepEqual(brief.where, [
    { path: "src/error.rs", status: "existing", scope: "EXC-001" },
    { path: "src/codes.rs", status: "new", scope: "EXC-001" },
  ]);
  assert.deepEqual(brief.toolchain, [{
    language: "rust",
    detail: "edition 2021",
    source: "Cargo.toml",
  }]);
  assert.equal(brief.constraints.style, "thiserror, no unwrap");
  assert.deepEqual(brief.constraints.forbidden_paths, ["Cargo.lock"]);
  assert.equal(brief.constraints.timebox_ms, 1_800_000);
  assert.deepEqual(brief.commands, [{
    name: "test",
    run: "true",
    scope: "EXC-001",
  }]);
  assert.deepEqual(brief.acceptance.map((a: { check: string }) => a.check), [
    "Tests pass: true",
    "Contains in src/error.rs: fn exit_code",
  ]);
  assert.match(brief.acceptance[0].judged, /exits 0/);
  assert.equal(brief.dependencies[0].id, "SETUP");
  assert.equal(brief.dependencies[0].state, "completed");
  assert.match(brief.dependencies[0].run, /^\d{4}/);
  // The ignored target/ copy is not offered; the file declaring the named symbols comes first.
  assert.deepEqual(brief.code.map((c: { path: string }) => c.path), [
    "src/error.rs",
    "src/main.rs",
  ]);
  assert.deepEqual(brief.code[0].reasons.slice(0, 3), [
    "in src/error.rs",
    "declares AppError",
    "declares exit_code",
  ]);
  // Each named symbol's own body.
  assert.deepEqual(
    brief.code[0].excerpts.map((e: { text: string }) => e.text.split("\n")[0]),
    ["pub enum AppError {", "pub fn exit_code(e: &AppError) -> i32 {"],
  );
  assert.equal(brief.tokens.method, "characters / 4, rounded up");
  // Deterministic.
  assert.equal(
    (await cli(["brief", "EXC-001", "--format", "json"], { cwd: dir })).stdout,
    r.stdout,
  );
});

Deno.test("brief: Markdown, trimmed to the token budget", async () => {
  const dir = await project();
  const full = await cli(["brief", "EXC-001"], { cwd: dir });
  assert.equal(full.code, 0, full.stderr);
  for (
    const heading of [
      "# Task EXC-001: Map AppError to exit codes",
      "## Where to edit",
      "## Languages and versions",
      "## Style and constraints",
      "## Commands",
      "## Acceptance",
      "## Dependencies",
      "## Relevant code",
    ]
  ) assert.ok(full.stdout.includes(heading), heading);
  assert.match(full.stdout, /- `src\/codes\.rs` \(new; EXC-001\)/);
  assert.match(full.stdout, /- SETUP \(Set up\): not run/);
  assert.match(full.stdout, /### src\/error\.rs/);
  const fullTokens = Number(/Tokens: ~(\d+) of 4000/.exec(full.stdout)![1]);
  const budget = fullTokens - 1;
  const small = await cli(
    ["brief", "EXC-001", "--max-tokens", String(budget)],
    { cwd: dir },
  );
  assert.equal(small.code, 0, small.stderr);
  // The least relevant code goes first; the best file stays.
  assert.match(full.stdout, /### src\/main\.rs/);
  assert.doesNotMatch(small.stdout, /### src\/main\.rs/);
  assert.match(small.stdout, /### src\/error\.rs/);
  const tokens = new RegExp(`Tokens: ~(\\d+) of ${budget}`).exec(small.stdout);
  assert.ok(tokens && Number(tokens[1]) <= budget, small.stdout);
  const tiny = await cli(["brief", "EXC-001", "--max-tokens", "200"], {
    cwd: dir,
  });
  assert.match(tiny.stdout, /2 relevant file\(s\) left out for the budget/);
});

Deno.test("brief: an unknown task is a usage error with a suggestion", async () => {
  const dir = await project();
  const r = await cli(["brief", "EXC-01"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Unknown task "EXC-01": did you mean "EXC-001"\?/);
  const f = await cli(["brief", "EXC-001", "--format", "xml"], { cwd: dir });
  assert.equal(f.code, 2);
});

Deno.test("brief: a file name with terminal codes is escaped in the brief (printed, and given to agents alike)", async () => {
  const dir = await tempProject({
    "ev\x1b[31mil.go": "package x\n\nfunc Hello() {\n\treturn\n}\n",
    "orchestrator.yml":
      'version: 1\ntasks: [{id: A, title: "Hello", paths: {preferred: ["*.go"]}, commands: {c: "true"}}]\n',
  });
  const r = await cli(["brief", "A"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /ev\\x1b\[31mil\.go/);
  assert.ok(!r.stdout.includes("\x1b"));
});
