/**
 * The outputs a merged run names are copied from the jobs' artifact
 * folders, and nothing else: no path out of the run's folder, no link on
 * either side, nothing in the project replaced.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { mergedOutputFiles } from "../../src/cli/merge_outputs.ts";
import { RunStore } from "../../src/events/store.ts";
import type { MergedRun } from "../../src/events/merge_fragments.ts";
import type { RunEvent } from "../../src/events/types.ts";
import { tempDir } from "../_cli.ts";

const output = (path: string): RunEvent => ({
  ts: "2026-01-01T00:00:00.000Z",
  run: "M",
  type: "command_run",
  task: "A",
  shard: null,
  name: "x",
  cmd: "x",
  status: 0,
  signal: null,
  duration_ms: 1,
  output: path,
  attempt: 1,
  attempts: 1,
  timed_out: false,
});

Deno.test("merge outputs: named files of the job's run are copied; escapes, links and files already there are not", async () => {
  const art = await tempDir("merge-outputs-art-");
  const root = await tempDir("merge-outputs-root-");
  const outside = await tempDir("merge-outputs-outside-");
  await Deno.mkdir(join(art, "r1/sub"), { recursive: true });
  await Deno.writeTextFile(join(art, "r1.jsonl"), "");
  await Deno.writeTextFile(join(art, "r1/A.log"), "a output\n");
  await Deno.writeTextFile(join(art, "r1/sub/B.log"), "b output\n");
  await Deno.writeTextFile(join(art, "secret"), "not a run's file\n");
  await Deno.symlink(join(art, "secret"), join(art, "r1/link.log"));
  await Deno.writeTextFile(join(art, "r1/kept.log"), "from the job\n");
  // The project already has one; and a planted link where a folder goes.
  await Deno.mkdir(join(root, ".codex/runs/r1"), { recursive: true });
  await Deno.writeTextFile(join(root, ".codex/runs/r1/kept.log"), "mine\n");
  await Deno.symlink(outside, join(root, ".codex/runs/r1/sub"));

  const start = {
    ts: "2026-01-01T00:00:00.000Z",
    run: "r1",
    type: "run_started",
  } as unknown as RunEvent;
  const merged = {
    run: "M",
    fragments: [{ path: join(art, "r1.jsonl"), digest: "d", events: [start] }],
    events: [
      output(".codex/runs/r1/A.log"),
      output(".codex/runs/r1/sub/B.log"),
      output(".codex/runs/r1/link.log"),
      output(".codex/runs/r1/kept.log"),
      output(".codex/runs/r1/../../../secret"),
      output(".codex/runs/r2/A.log"),
      output("elsewhere/A.log"),
    ],
  } as unknown as MergedRun;
  const { copied, warnings } = await new RunStore(root).copyRunFiles(
    mergedOutputFiles(merged),
  );
  assert.deepEqual(warnings, []);
  assert.equal(copied, 2);
  const runs = join(root, ".codex/runs");
  assert.equal(await Deno.readTextFile(join(runs, "r1/A.log")), "a output\n");
  assert.equal(
    await Deno.readTextFile(join(runs, "r1/sub/B.log")),
    "b output\n",
  );
  assert.ok((await Deno.lstat(join(runs, "r1/sub"))).isDirectory);
  assert.deepEqual([...Deno.readDirSync(outside)], []);
  assert.equal(await Deno.readTextFile(join(runs, "r1/kept.log")), "mine\n");
  await assert.rejects(Deno.lstat(join(runs, "r1/link.log")));
  await assert.rejects(Deno.lstat(join(root, "secret")));
});

Deno.test("merge outputs: a job's run folder that is a link is not read through; a log where a run's folder goes stays; no partial file is left", async () => {
  const art = await tempDir("merge-outputs-art-");
  const root = await tempDir("merge-outputs-root-");
  const outside = await tempDir("merge-outputs-outside-");
  await Deno.writeTextFile(join(outside, "id_key"), "private\n");
  // The job's run folder r1 is a link to a private folder.
  await Deno.symlink(outside, join(art, "r1"));
  await Deno.writeTextFile(join(art, "r1.jsonl"), "");
  // r2's outputs would go where the project keeps a log (a file).
  await Deno.mkdir(join(art, "r2"));
  await Deno.writeTextFile(join(art, "r2.jsonl"), "");
  await Deno.writeTextFile(join(art, "r2/A.log"), "a output\n");
  const runs = join(root, ".codex/runs");
  await Deno.mkdir(runs, { recursive: true });
  await Deno.writeTextFile(join(runs, "r2"), "a record\n");
  const start = (run: string) =>
    ({
      ts: "2026-01-01T00:00:00.000Z",
      run,
      type: "run_started",
    }) as unknown as RunEvent;
  const merged = {
    run: "M",
    fragments: ["r1", "r2"].map((run) => ({
      path: join(art, `${run}.jsonl`),
      digest: "d",
      events: [start(run)],
    })),
    events: [output(".codex/runs/r1/id_key"), output(".codex/runs/r2/A.log")],
  } as unknown as MergedRun;
  const { copied, warnings } = await new RunStore(root).copyRunFiles(
    mergedOutputFiles(merged),
  );
  assert.equal(copied, 0);
  await assert.rejects(Deno.lstat(join(runs, "r1")));
  assert.equal(await Deno.readTextFile(join(runs, "r2")), "a record\n");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /is a file, not a run's folder/);
  assert.deepEqual(
    [...Deno.readDirSync(runs)].map((e) => e.name).filter((n) =>
      n.includes("partial")
    ),
    [],
  );
});
