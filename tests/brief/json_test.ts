/** `brief --json` is accepted, and the JSON brief counts (and keeps to) the tokens it emits. */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

function project() {
  const files: Record<string, string> = {
    "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: "Tune \`connect_pool\`"
    description: "\`connect_pool\` should reuse sockets."
    commands: { test: "true" }
`,
  };
  for (let i = 0; i < 12; i++) {
    files[`src/m${i}.ts`] = `import { connect_pool } from "./pool.ts";\n` +
      `export function user${i}(): number {\n  return connect_pool(${i});\n}\n`;
  }
  files["src/pool.ts"] =
    `export function connect_pool(n: number): number {\n  return n;\n}\n`;
  return tempProject(files);
}

Deno.test("brief --json: the same as --format json, its token count that of the text emitted", async () => {
  const dir = await project();
  const a = await cli(["brief", "T", "--json"], { cwd: dir });
  assert.equal(a.code, 0, a.stderr);
  const b = await cli(["brief", "T", "--format", "json"], { cwd: dir });
  assert.equal(a.stdout, b.stdout);
  const brief = JSON.parse(a.stdout);
  assert.equal(brief.tokens.estimate, Math.ceil(a.stdout.length / 4));
  assert.equal(brief.code[0].path, "src/pool.ts");
  // A budget smaller than the whole: the JSON emitted keeps to it.
  const budget = Math.floor(brief.tokens.estimate * 0.7);
  const small = await cli(
    ["brief", "T", "--json", "--max-tokens", String(budget)],
    { cwd: dir },
  );
  assert.equal(small.code, 0, small.stderr);
  const trimmed = JSON.parse(small.stdout);
  assert.ok(small.stdout.length / 4 <= budget, `${small.stdout.length / 4}`);
  assert.equal(trimmed.tokens.estimate, Math.ceil(small.stdout.length / 4));
  assert.ok(trimmed.tokens.omitted > 0 || trimmed.code.length > 0);
  const clash = await cli(["brief", "T", "--json", "--format", "md"], {
    cwd: dir,
  });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--json and --format md disagree/);
});
