/**
 * `resumeSelection`: a run that left out a dependency of what it selected
 * resumes as it ran: `--only` (the dependency must have completed
 * elsewhere) or a watch re-run (one that did not complete joins), as
 * `run_started` recorded it; a log from before that record is told by the
 * selection's shape.
 * @module
 */

import assert from "node:assert/strict";
import { resumeSelection } from "../../src/engine/selection.ts";
import { foldEvents } from "../../src/events/fold.ts";
import type { RunEvent } from "../../src/events/types.ts";
import type { Plan } from "../../src/plan/ir.ts";

const plan = {
  tasks: [
    { id: "D", dependencies: [] },
    { id: "T", dependencies: ["D"] },
  ],
} as unknown as Plan;
const hashes = { D: "hd", T: "ht" };

/** A run that selected T alone (its dependency D left out), as recorded. */
function state(partial?: "only" | "widen") {
  const started = {
    ts: "2026-12-07T00:00:00.000Z",
    run: "r1",
    type: "run_started",
    task: null,
    shard: null,
    plan_file: "orchestrator.yml",
    plan_hash: "p",
    task_hashes: hashes,
    tool_version: "0",
    deno_version: "0",
    selection: "T",
    selected: ["T"],
    concurrency: 1,
    strategy: "conservative",
    force: false,
    ci: { provider: null },
    ...(partial ? { partial } : {}),
  } as unknown as RunEvent;
  return foldEvents([started]);
}

Deno.test("resume selection: a watch re-run of the target alone resumes widening, as recorded; --only stays --only", () => {
  const widen = resumeSelection(plan, state("widen"), hashes);
  assert.deepEqual([...widen.selected], ["T"]);
  assert.equal(widen.only, true);
  assert.equal(widen.widen, true);
  const only = resumeSelection(plan, state("only"), hashes);
  assert.equal(only.only, true);
  assert.equal(only.widen, false);
});

Deno.test("resume selection: a log from before the record is told by the selection's shape (the target alone: --only)", () => {
  const old = resumeSelection(plan, state(), hashes);
  assert.equal(old.only, true);
  assert.equal(old.widen, false);
});
