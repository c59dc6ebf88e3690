/**
 * The schedule gives the event loop a turn while it decides up-to-date
 * tasks with a task in flight: that task's I/O (here its command, ended by
 * a timer) goes on meanwhile instead of waiting for the last skip. The
 * skips are decided by the stat cache, from memory (no I/O), as in a
 * re-run.
 * @module
 */

import assert from "node:assert/strict";
import { schedule } from "../../src/engine/scheduler.ts";
import { definitionHashes, fingerprint } from "../../src/engine/fingerprint.ts";
import { projectWorkspaces } from "../../src/engine/workspace.ts";
import { saveStatCache, useStatCache } from "../../src/engine/stat_cache.ts";
import "../../src/engine/steps/record.ts";
import type {
  ProcessRunner,
  RunRequest,
  RunResult,
} from "../../src/exec/runner.ts";
import type { NewEvent } from "../../src/events/types.ts";
import { normalizePlan } from "../../src/plan/normalize.ts";

/** A command that ends on a timer: only a turn of the event loop ends it. */
class TimerRunner implements ProcessRunner {
  run(_request: RunRequest): Promise<RunResult> {
    return new Promise((resolve) =>
      setTimeout(() =>
        resolve({
          status: 0,
          signal: null,
          durationMs: 1,
          timedOut: false,
          aborted: false,
          wroteOutput: false,
        }), 0)
    );
  }
  killAll(): void {}
}

const UP_TO_DATE = 3000;

Deno.test("schedule: a task in flight is not held back until every up-to-date task is decided", async () => {
  const root = await Deno.makeTempDir();
  try {
    const ids = Array.from(
      { length: UP_TO_DATE },
      (_, i) => `t${String(i).padStart(4, "0")}`,
    );
    const plan = normalizePlan(
      {
        version: 1,
        tasks: [
          { id: "x", title: "x", commands: { wait: "wait" } },
          ...ids.map((id) => ({
            id,
            title: id,
            inputs: [`in/${id}`],
            commands: { copy: `cp in/${id} out/${id}` },
          })),
        ],
      },
      [],
      "test",
    );
    await Deno.mkdir(`${root}/in`);
    await Promise.all(
      ids.map((id) => Deno.writeTextFile(`${root}/in/${id}`, id)),
    );
    // Older than the stat cache's racy window (ctime has whole seconds).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    useStatCache(root);
    const hashes = definitionHashes(plan);
    const previous = new Map<string, string>();
    for (const task of plan.tasks.slice(1)) {
      previous.set(
        task.id,
        (await fingerprint(root, task, hashes[task.id]!, []))!,
      );
    }
    const events: NewEvent[] = [];
    const runner = new TimerRunner();
    await schedule({
      plan,
      toRun: new Set(plan.tasks.map((t) => t.id)),
      done: new Map(),
      concurrency: 2,
      strategy: "conservative",
      force: false,
      definitionHashes: hashes,
      previousFingerprints: previous,
      gates: () => [],
      workspaces: projectWorkspaces(root, "test", runner),
      context: {
        runId: "test",
        artifacts: `${root}/artifacts`,
        artifactsRelative: "artifacts",
        emit: (e) => events.push(e),
        interrupt: new AbortController().signal,
        sleep: () => Promise.resolve(),
      },
      emitAll: (batch) => events.push(...batch),
    });
    const skipped = events.filter((e) => e.type === "skipped").length;
    assert.equal(skipped, UP_TO_DATE);
    const done = events.findIndex((e) =>
      e.type === "task_completed" && e.task === "x"
    );
    assert.ok(done >= 0);
    const after = events.slice(done).filter((e) => e.type === "skipped");
    assert.ok(
      after.length > 0,
      "x completed only after every up-to-date task was decided",
    );
  } finally {
    await saveStatCache(root);
    await Deno.remove(root, { recursive: true });
  }
});
