/**
 * A failing command's own words on screen: the last lines of its output
 * under the failure, in `run` (plain view) and in `status`, with the path
 * of the whole output relative to where the user stands.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";

function plan(extra = "") {
  return `version: 1
${extra}tasks:
  - id: BUILD
    title: Build
    # stdout and stderr are two pipes: the pause orders the last line, as a test needs
    commands:
      build: "sh -c 'for i in $(seq 1 30); do echo line $i; done; sleep 0.3; echo oops >&2; exit 3'"
  - id: LATER
    title: Later
    dependencies: [BUILD]
    commands: { ok: "true" }
`;
}

/** The lines behind the gutter, in order. */
function gutter(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("    │ ")).map((l) =>
    l.slice("    │ ".length)
  );
}

Deno.test("run: a failing command's last 20 lines are printed under its failure, stderr included, with the whole output's path", async () => {
  const dir = await tempProject({ "orchestrator.yml": plan() });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const shown = gutter(r.stdout);
  assert.deepEqual(shown, [
    ...Array.from({ length: 19 }, (_, i) => `line ${i + 12}`),
    "oops",
  ]);
  const footer = r.stdout.match(
    /^ {4}└ last 20 lines shown; all of it in (\S+)$/m,
  );
  assert.ok(footer, r.stdout);
  const whole = await Deno.readTextFile(join(dir, footer[1]!));
  assert.match(whole, /^line 1\n/);
  // Under the failure line, not elsewhere.
  const lines = r.stdout.split("\n");
  const failed = lines.findIndex((l) => /BUILD.*✗ failed/.test(l));
  assert.ok(failed >= 0, r.stdout);
  assert.ok(lines.slice(failed + 1).some((l) => l === "    │ oops"));
});

Deno.test("run: from a subfolder the output's path opens from there; --failure-lines and the plan's failure_lines set the count", async () => {
  const dir = await tempProject({
    "orchestrator.yml": plan(),
    "sub/keep.txt": "",
  });
  const sub = join(dir, "sub");
  const r = await cli(["run", "--failure-lines", "3"], { cwd: sub });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(gutter(r.stdout), ["line 29", "line 30", "oops"]);
  const footer = r.stdout.match(/all of it in (\S+)$/m);
  assert.ok(footer && footer[1]!.startsWith("../.codex/runs/"), r.stdout);
  await Deno.stat(join(sub, footer[1]!)); // opens from where the user stands

  const quiet = await tempProject({
    "orchestrator.yml": plan("orchestrator:\n  failure_lines: 0\n"),
  });
  const none = await cli(["run"], { cwd: quiet });
  assert.equal(none.code, 1);
  assert.deepEqual(gutter(none.stdout), []);
  const flagWins = await cli(["run", "--failure-lines", "1"], { cwd: quiet });
  assert.deepEqual(gutter(flagWins.stdout), ["oops"]);
});

Deno.test("run: granted secrets are masked in the lines shown", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: PUSH
    title: Push
    permissions:
      env: [API_TOKEN]
    commands:
      push: "sh -c 'echo using $API_TOKEN; exit 1'"
`,
  });
  const r = await cli(["run"], {
    cwd: dir,
    env: { API_TOKEN: "s3cr3t-value-123" },
  });
  assert.equal(r.code, 1);
  assert.deepEqual(gutter(r.stdout), ["using ***"]);
  assert.ok(!r.stdout.includes("s3cr3t-value-123"));
});

Deno.test("status: a failed task's last output lines follow the table", async () => {
  const dir = await tempProject({ "orchestrator.yml": plan() });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const r = await cli(["status"], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^BUILD failed; its output ends:$/m);
  assert.deepEqual(gutter(r.stdout).slice(-2), ["line 30", "oops"]);
  assert.equal(gutter(r.stdout).length, 20);
});
