/**
 * A write the sandbox refused is named: the failure says which path and
 * the permission that would allow it, not only "exited 1".
 * @module
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";

const bwrap = (await new Deno.Command("sh", {
  args: ["-c", "command -v bwrap"],
  stdout: "null",
}).output()).success;

for (
  const [what, command, said] of [
    [
      "touch",
      "touch notes.txt",
      /sandbox refused a write to notes\.txt \(read-only for this task: add it to permissions\.write to allow it\)/,
    ],
    [
      "a shell redirection",
      "sh -c 'echo x > sub/log.txt'",
      /sandbox refused a write to sub\/log\.txt/,
    ],
    [
      "a file outside the project",
      "touch /var/tmp/orchestrate-refused-$$",
      /sandbox refused a write to \/var\/tmp\/orchestrate-refused-\d+, outside the project/,
    ],
  ] as const
) {
  Deno.test({
    name:
      `sandbox: a refused write (${what}) is named with the permission that allows it`,
    ignore: !bwrap,
    async fn() {
      const dir = await tempProject({
        "sub/keep": "",
        "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: writes where it may not
    permissions: { write: [out/] }
    commands:
      w: ${JSON.stringify(command)}
`,
      });
      const r = await cli(["run", "--sandbox", "bwrap"], { cwd: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, said);
      const failed = (await latestEvents(dir)).find((e) =>
        e.type === "task_failed"
      );
      assert.ok(failed && failed.type === "task_failed");
      assert.match(failed.detail, said);
    },
  });
}

Deno.test({
  name: "sandbox: a command that fails for another reason gets no sandbox note",
  ignore: !bwrap,
  async fn() {
    const dir = await tempProject({
      "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: fails
    permissions: { write: [out/] }
    commands: { w: "sh -c 'echo plain failure; exit 1'" }
`,
    });
    const r = await cli(["run", "--sandbox", "bwrap"], { cwd: dir });
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, /sandbox refused/);
  },
});
