/**
 * Merging the fragments of a distributed run: the same bytes whatever the
 * order and folder layout; a torn, empty or missing fragment named in a
 * warning; fragments of another plan refused; each task's events from the
 * fragment that ran it; tasks no fragment ran blocked behind a failure or
 * left pending behind a gate.
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { readFragments } from "../../src/events/fragment_read.ts";
import {
  mergeFragments,
  MergeRefused,
} from "../../src/events/merge_fragments.ts";

const HASHES = { A: "ha", B: "hb", C: "hc", G: "hg", H: "hh" };
const DEPS: Record<string, string[]> = {
  A: [],
  B: ["A"],
  C: ["B"],
  G: ["A"],
  H: ["G"],
};

type Line = Record<string, unknown>;

/** The log a job running `task` alone (`run --task T --only`) would write. */
function job(
  run: string,
  task: string,
  second: number,
  body: (ts: (ms: number) => string) => Line[],
  options: { plan?: string; outcome?: string } = {},
): Line[] {
  const ts = (ms: number) =>
    new Date(Date.UTC(2026, 0, 1, 0, 0, second, ms)).toISOString();
  const base = (ms: number, type: string, t: string | null) => ({
    ts: ts(ms),
    run,
    type,
    task: t,
    shard: null,
  });
  const lines: Line[] = [
    {
      ...base(0, "run_started", null),
      plan_file: "orchestrator.yml",
      plan_hash: options.plan ?? "plan1",
      task_hashes: HASHES,
      tool_version: "0.1.0",
      deno_version: "2",
      selection: task,
      selected: [task],
      concurrency: 2,
      strategy: "conservative",
      force: false,
      ci: { GITHUB_RUN_ID: "77", GITHUB_JOB: task },
      dependencies: { [task]: DEPS[task] },
    },
    { ...base(1, "plan_validated", null), plan_hash: "plan1", tasks: 5 },
    ...Object.keys(HASHES).filter((id) => id !== task).map((id) => ({
      ...base(1, "skipped", id),
      reason: "outside the selection",
      fingerprint: null,
    })),
    ...body(ts),
  ];
  if (options.outcome) {
    lines.push({
      ...base(900, "completed", null),
      outcome: options.outcome,
      duration_ms: 900,
      counts: {},
    });
  }
  return lines;
}

const ev = (
  run: string,
  ts: string,
  type: string,
  task: string,
  more: Line = {},
) => ({ ts, run, type, task, shard: null, ...more });

const FRAGMENTS: Record<string, Line[]> = {
  A: job("rA", "A", 1, (t) => [
    ev("rA", t(2), "task_started", "A"),
    ev("rA", t(10), "task_completed", "A", {
      duration_ms: 8,
      fingerprint: "fa",
    }),
  ], { outcome: "success" }),
  B: job("rB", "B", 2, (t) => [
    ev("rB", t(2), "task_started", "B"),
    ev("rB", t(20), "task_failed", "B", {
      duration_ms: 18,
      reason: "command_failed",
      detail: 'command "x" exited 1',
    }),
  ], { outcome: "failed" }),
  G: job("rG", "G", 2, (t) => [
    ev("rG", t(3), "awaiting_approval", "G", { gates: ["deploy"] }),
  ], { outcome: "paused" }),
};

const text = (lines: Line[]) =>
  lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

/** Writes `files` (relative path → lines or text) under a fresh folder. */
async function layout(files: Record<string, Line[] | string>) {
  const dir = await Deno.makeTempDir({ prefix: "merge-fragments-" });
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(
      join(dir, path),
      typeof content === "string" ? content : text(content),
    );
  }
  return dir;
}

async function mergeDir(dir: string, run?: string) {
  const read = await readFragments([dir]);
  const merged = await mergeFragments(read.fragments, {
    dependencies: DEPS,
    ...(run ? { run } : {}),
  });
  return { merged, warnings: read.warnings };
}

function states(merged: { state: { tasks: Map<string, { state: string }> } }) {
  return Object.fromEntries(
    [...merged.state.tasks].map(([id, t]) => [id, t.state]),
  );
}

/** A seeded shuffle: the same permutation for the same seed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

Deno.test("merge: the same fragments in any order and any folder layout give the same bytes", async () => {
  const artifacts = await layout({
    "orchestrate-A/rA.jsonl": FRAGMENTS.A!,
    "orchestrate-B/rB.jsonl": FRAGMENTS.B!,
    "orchestrate-G/rG.jsonl": FRAGMENTS.G!,
    "orchestrate-G/index": "rG\n",
  });
  const reference = (await mergeDir(artifacts)).merged;
  assert.match(reference.run, /^merged-[0-9a-f]{16}$/);
  const flat = await layout({
    "z.jsonl": FRAGMENTS.A!,
    "a.jsonl": FRAGMENTS.G!,
    "deep/er/m.jsonl": FRAGMENTS.B!,
    // A second copy of one job's log is merged once.
    "copy/of/b.jsonl": FRAGMENTS.B!,
  });
  assert.equal((await mergeDir(flat)).merged.text, reference.text);
  const read = await readFragments([artifacts]);
  for (let seed = 1; seed <= 20; seed++) {
    const merged = await mergeFragments(shuffle(read.fragments, seed), {
      dependencies: DEPS,
    });
    assert.equal(merged.text, reference.text, `seed ${seed}`);
  }
  for (const dir of [artifacts, flat]) {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("merge: each task from the fragment that ran it; a failed task's dependent is blocked, a gate's dependent pending", async () => {
  const dir = await layout({
    "a/rA.jsonl": FRAGMENTS.A!,
    "b/rB.jsonl": FRAGMENTS.B!,
    "g/rG.jsonl": FRAGMENTS.G!,
  });
  const { merged, warnings } = await mergeDir(dir, "M1");
  assert.deepEqual(warnings, []);
  assert.deepEqual(states(merged), {
    A: "completed",
    B: "failed",
    C: "blocked",
    G: "pending",
    H: "pending",
  });
  const { state } = merged;
  assert.equal(state.run, "M1");
  assert.equal(state.outcome, "failed");
  assert.equal(state.plan_hash, "plan1");
  assert.deepEqual(state.selected, ["A", "B", "C", "G", "H"]);
  // A: only its own fragment ran it; the others passed it over.
  assert.equal(state.tasks.get("A")!.fingerprint, "fa");
  assert.equal(state.tasks.get("A")!.duration_ms, 8);
  assert.equal(state.tasks.get("C")!.detail, "B");
  assert.equal(state.tasks.get("C")!.reason, "dependency B failed");
  assert.deepEqual(state.tasks.get("G")!.awaiting, ["deploy"]);
  assert.deepEqual(state.tasks.get("H")!.awaiting, []);
  // Events keep their times, are ordered by them, and all name the merged run.
  const events = merged.events;
  assert.ok(events.every((e) => e.run === "M1"));
  assert.equal(events[0]!.type, "run_started");
  assert.equal(events[0]!.ts, "2026-01-01T00:00:01.000Z");
  assert.equal(events.at(-1)!.type, "completed");
  const times = events.map((e) => e.ts);
  assert.deepEqual(times, [...times].sort());
  const started = events.find((e) =>
    e.type === "task_started" && e.task === "B"
  );
  assert.equal(started!.ts, "2026-01-01T00:00:02.002Z");
  // The CI identifiers the jobs share, not each job's own.
  const start = events[0]!;
  assert.ok(start.type === "run_started");
  assert.deepEqual(start.ci, { GITHUB_RUN_ID: "77" });
  const end = events.at(-1)!;
  assert.ok(end.type === "completed");
  assert.deepEqual(end.counts, {
    pending: 2,
    in_progress: 0,
    blocked: 1,
    failed: 1,
    interrupted: 0,
    completed: 1,
    skipped: 0,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("merge: without the failure, a gate waiting is a paused run; every fragment done is a success", async () => {
  const paused = await layout({
    "a/rA.jsonl": FRAGMENTS.A!,
    "g/rG.jsonl": FRAGMENTS.G!,
  });
  const { merged } = await mergeDir(paused);
  // B never ran and nothing blocks it: outside this run, as in a --task run.
  assert.equal(merged.state.tasks.get("B")!.state, "skipped");
  assert.equal(merged.state.outcome, "paused");
  const done = await layout({ "a/rA.jsonl": FRAGMENTS.A! });
  assert.equal((await mergeDir(done)).merged.state.outcome, "success");
  for (const dir of [paused, done]) await Deno.remove(dir, { recursive: true });
});

Deno.test("merge: a torn last line is a warning naming the file, the rest merged; a task its job left running is interrupted", async () => {
  const bLines = text(FRAGMENTS.B!);
  const torn = bLines.slice(0, bLines.length - 30); // cuts the completed event
  const started = text(FRAGMENTS.A!.slice(0, -2)) + '{"ts":"2026-01-01T00:0';
  const dir = await layout({
    "a/rA.jsonl": started,
    "b/rB.jsonl": torn,
    "g/rG.jsonl": FRAGMENTS.G!,
  });
  const { merged, warnings } = await mergeDir(dir);
  assert.deepEqual(warnings, [
    `${dir}/a/rA.jsonl: ignoring a torn last line (an interrupted write)`,
    `${dir}/b/rB.jsonl: ignoring a torn last line (an interrupted write)`,
  ]);
  assert.equal(merged.state.tasks.get("B")!.state, "failed");
  assert.equal(merged.state.tasks.get("A")!.state, "interrupted");
  assert.equal(
    merged.state.tasks.get("A")!.detail,
    "its fragment ends before the task did",
  );
  assert.equal(merged.state.outcome, "failed");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("merge: fragments of another plan hash are refused, naming both files", async () => {
  const other = job("rX", "B", 3, () => [], { plan: "plan2" });
  const dir = await layout({ "a/rA.jsonl": FRAGMENTS.A!, "x/rX.jsonl": other });
  const read = await readFragments([dir]);
  await assert.rejects(
    mergeFragments(read.fragments),
    (e: Error) => {
      assert.ok(e instanceof MergeRefused);
      assert.match(e.message, /x\/rX\.jsonl is a run of another plan/);
      assert.match(e.message, /\(plan hash plan2\) than .*a\/rA\.jsonl/);
      return true;
    },
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("merge: missing, empty and foreign files are named in warnings, approvals journals are not fragments", async () => {
  const dir = await layout({
    "a/rA.jsonl": FRAGMENTS.A!,
    "a/rA/approvals.jsonl": "not json\n",
    "e/empty.jsonl": "",
    "n/notes.jsonl": '{"hello":1}\n'.repeat(50),
    "d/rD.jsonl": text(FRAGMENTS.G!.map((l) => ({ ...l, run: "rD" }))) +
      "damaged\n".repeat(15),
    "n/readme.txt": "not a fragment",
  });
  const read = await readFragments([dir, join(dir, "gone")]);
  assert.equal(read.fragments.length, 2);
  assert.deepEqual(read.warnings, [
    `${dir}/gone: no such file or folder (a missing fragment)`,
    ...Array.from(
      { length: 10 },
      (_, i) =>
        `${dir}/d/rD.jsonl:${
          FRAGMENTS.G!.length + i + 1
        }: ignoring a line that is not JSON`,
    ),
    `${dir}/d/rD.jsonl: 5 more lines ignored`,
    `${dir}/e/empty.jsonl: an empty fragment: left out`,
    `${dir}/n/notes.jsonl: no run_started event: not a run log, left out`,
  ]);
  await assert.rejects(mergeFragments([]), MergeRefused);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("merge: a task two fragments ran takes its own job's events; an interrupted job's task leaves the run interrupted", async () => {
  // A job of B that ran A again on its way (a `--task` run without `--only`).
  const both = job("rAB", "B", 3, (t) => [
    ev("rAB", t(2), "task_started", "A"),
    ev("rAB", t(50), "task_completed", "A", {
      duration_ms: 48,
      fingerprint: "fa2",
    }),
    ev("rAB", t(51), "task_started", "B"),
    ev("rAB", t(60), "task_failed", "B", {
      duration_ms: 9,
      reason: "interrupted",
      detail: "stopped by SIGINT",
    }),
  ], { outcome: "interrupted" }).filter((l) =>
    !(l.type === "skipped" && l.task === "A")
  );
  const dir = await layout({ "a/rA.jsonl": FRAGMENTS.A!, "b/rAB.jsonl": both });
  const { merged } = await mergeDir(dir);
  const a = merged.state.tasks.get("A")!;
  assert.equal(a.duration_ms, 8);
  assert.equal(a.fingerprint, "fa");
  assert.equal(merged.state.tasks.get("B")!.state, "interrupted");
  // Not reached behind an interrupted task: pending, as a local run leaves it.
  assert.equal(merged.state.tasks.get("C")!.state, "pending");
  assert.equal(merged.state.outcome, "interrupted");
  // Without A's own job, the job that ran it on its way gives its events.
  const alone = await layout({ "b/rAB.jsonl": both });
  const fromB = (await mergeDir(alone)).merged.state.tasks.get("A")!;
  assert.equal(fromB.fingerprint, "fa2");
  for (const d of [dir, alone]) await Deno.remove(d, { recursive: true });
});
