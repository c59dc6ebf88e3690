/** Forbidden paths (task, shard, constraints) never appear in a brief's code. */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

const PLAN = `version: 1
tasks:
  - id: T
    title: Flush the cache on exit
    description: >
      \`flush_cache\` is never called; "cache not flushed" is logged instead.
    paths: { preferred: [src/cache.ts], forbidden: [examples/] }
    constraints: { forbidden_paths: ["docs/**"] }
    commands: { test: "true" }
    shards:
      - id: T-1
        title: Part one, also about flush_cache
        paths: { forbidden: [vendor/] }
        commands: { test: "true" }
`;

function project() {
  const uses =
    'import { flush_cache } from "../src/cache.ts";\nexport function demo() {\n  flush_cache();\n  console.log("cache not flushed");\n}\n';
  return tempProject({
    "orchestrator.yml": PLAN,
    "src/cache.ts":
      'export function flush_cache(): void {\n  console.log("cache not flushed");\n}\n',
    "src/main.ts":
      'import { flush_cache } from "./cache.ts";\nflush_cache();\n',
    "examples/one.ts": uses,
    "examples/deep/two.ts": uses,
    "docs/guide/flush.ts": uses,
    "vendor/lib.ts": uses,
  });
}

for (const format of ["md", "json"]) {
  Deno.test(`brief forbidden: no examples/, docs/** or shard vendor/ file in the ${format} brief`, async () => {
    const dir = await project();
    for (const id of ["T", "T-1"]) {
      const r = await cli(["brief", id, "--format", format], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const code = format === "json"
        ? JSON.stringify(JSON.parse(r.stdout).code)
        : r.stdout.slice(r.stdout.indexOf("## Relevant code"));
      assert.match(code, /src\/cache\.ts/);
      assert.match(code, /src\/main\.ts/);
      for (const bad of ["examples/", "docs/", "vendor/", "orchestrator.yml"]) {
        assert.ok(!code.includes(bad), `${id} ${format}: ${bad} in\n${code}`);
      }
    }
  });
}
