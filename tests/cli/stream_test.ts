/**
 * `run --stream`: every command's output on the terminal as it arrives,
 * each line behind its task (and shard), masked, unfinished last lines
 * included; the usual event lines still print around them.
 * @module
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

const PLAN = `version: 1
tasks:
  - id: BUILD
    title: Build
    permissions: { env: [API_TOKEN] }
    commands:
      a: "sh -c 'echo compiling; printf \\"no newline\\"'"
      b: "sh -c 'echo token is $API_TOKEN >&2'"
  - id: TEST
    title: Test
    dependencies: [BUILD]
    shards:
      - id: unit
        title: Unit
        commands: { u: "echo unit ok" }
    commands: { t: "sh -c 'echo failing; exit 1'" }
`;

Deno.test("run --stream: every line behind its task or shard, masked, partial lines kept, event lines still there", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  const r = await cli(["run", "--stream"], {
    cwd: dir,
    env: { API_TOKEN: "s3cr3t-token-value" },
  });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split("\n");
  for (
    const want of [
      "BUILD | compiling",
      "BUILD | no newline",
      "BUILD | token is ***",
      "TEST/unit | unit ok",
      "TEST | failing",
    ]
  ) assert.ok(lines.includes(want), `${want}\n${r.stdout}`);
  assert.ok(!r.stdout.includes("s3cr3t-token-value"));
  assert.match(r.stdout, /\[TEST\] ✗ failed/);
  // The output is shown live: not again under the failure.
  assert.ok(!lines.some((l) => l.startsWith("    │ ")), r.stdout);
});

Deno.test("run: without --stream no command output is streamed", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  const r = await cli(["run"], { cwd: dir });
  assert.ok(!r.stdout.includes("BUILD | compiling"), r.stdout);
});
