/**
 * A run keeps its plan's definition hashes sealed for the next run; the
 * next run uses them only when they are this user's, for this very IR:
 * run_started always records the hashes the plan gives.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { DEFINITIONS_FILE } from "../../src/engine/definition_cache.ts";
import { definitionHashes } from "../../src/engine/fingerprint.ts";
import { loadPlan } from "../../src/plan/load.ts";

const plan = (command: string) =>
  `version: 1
tasks:
  - { id: A, title: a, commands: { x: "${command}" } }
  - { id: B, title: b, dependencies: [A], commands: { x: "true" } }
  - { id: constructor, title: c, dependencies: [B], commands: { x: "true" } }
`;

/** The hashes the plan on disk gives, computed here. */
async function expected(dir: string): Promise<Record<string, string>> {
  const loaded = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(loaded.ok);
  return { ...definitionHashes(loaded.value.plan) };
}

/** Runs, and gives the hashes its run_started recorded. */
async function recorded(dir: string): Promise<Record<string, string>> {
  const r = await cli(["run", "--sandbox", "off"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const started = (await latestEvents(dir)).find((e) =>
    e.type === "run_started"
  );
  assert.ok(started?.type === "run_started");
  return { ...started.task_hashes };
}

const kept = (dir: string) => Deno.readTextFile(join(dir, DEFINITIONS_FILE));

Deno.test("definition hashes: kept sealed by a run, used by the next for the same plan only, never when edited or from another plan", async () => {
  const dir = await tempProject({ "orchestrator.yml": plan("true") });
  const first = await recorded(dir);
  assert.deepEqual(first, await expected(dir));
  const file = await kept(dir);
  assert.match(file, /^[0-9a-f]{64}\n\{/, "sealed: the seal, then the body");

  // The same plan: the kept hashes are used (the file is not written again).
  const before = await Deno.stat(join(dir, DEFINITIONS_FILE));
  assert.deepEqual(await recorded(dir), first);
  const after = await Deno.stat(join(dir, DEFINITIONS_FILE));
  assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  assert.equal(after.ino, before.ino, "not rewritten");

  // Edited: another hash for A, seal kept. Not used; the right ones are recorded and kept again.
  const forged = file.replace(first.A!, "0".repeat(first.A!.length));
  assert.notEqual(forged, file);
  await Deno.writeTextFile(join(dir, DEFINITIONS_FILE), forged);
  assert.deepEqual(await recorded(dir), first);
  assert.equal(await kept(dir), file, "sealed again as computed");

  // Another plan (A's command changed): the kept copy is for another IR.
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), plan("echo hi"));
  const changed = await recorded(dir);
  assert.deepEqual(changed, await expected(dir));
  assert.notEqual(changed.A, first.A);
  assert.notEqual(changed.constructor, first.constructor, "downstream too");

  // A sealed copy of the first plan's hashes put back: not this plan's.
  await Deno.writeTextFile(join(dir, DEFINITIONS_FILE), file);
  assert.deepEqual(await recorded(dir), changed);
});
