/**
 * `run --dry-run` shows an agent task as the real run does it: an agent
 * edits the code in a worktree, the task's commands and checks judge the
 * patch, and the run pauses at `apply_patch` before the patch lands.
 * @module
 */

import assert from "node:assert/strict";
import { cli, repoPath, tempProject } from "../_cli.ts";

async function agentExample(): Promise<string> {
  const files: Record<string, string> = {};
  for (const name of ["orchestrator.yml", "agent.sh", "greet.sh", "test.sh"]) {
    files[name] = await Deno.readTextFile(repoPath(`examples/agent/${name}`));
  }
  return await tempProject(files);
}

Deno.test("run --dry-run: an agent task shows its agent, attempts and apply_patch gate, in text and JSON", async () => {
  const dir = await agentExample();
  const r = await cli(["run", "--dry-run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^ {8}agent sh agent\.sh edits the code in a git worktree \(up to 2 attempts\); the commands and checks below judge its patch there$/m,
  );
  assert.match(
    r.stdout,
    /^ {8}gate apply_patch: the run pauses before the validated patch touches the project$/m,
  );
  const json = await cli(["run", "--dry-run", "--json"], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  const task = JSON.parse(json.stdout).tasks[0];
  assert.deepEqual(task.agent, {
    command: "sh agent.sh",
    preset: null,
    attempts: 2,
    patch_gate: "apply_patch",
  });
});

Deno.test("run --dry-run: a task without an agent has agent null and no agent line", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      'version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "true" } }\n',
  });
  const json = await cli(["run", "--dry-run", "--json"], { cwd: dir });
  assert.equal(JSON.parse(json.stdout).tasks[0].agent, null);
  const text = await cli(["run", "--dry-run"], { cwd: dir });
  assert.doesNotMatch(text.stdout, /agent/);
});
