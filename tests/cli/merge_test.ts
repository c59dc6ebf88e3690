/**
 * `orchestrate merge` and `status|report --from`, driven through the real
 * CLI: each task of a plan runs as a job in its own clone of the project
 * (in dependency order, a job only when the jobs it needs succeeded, as a
 * CI does), each clone's `.codex/runs/` becomes an artifact folder
 * `art/orchestrate-<id>/`, and the merge of those folders in a fresh clone
 * must show what a local `orchestrate run` of the same plan shows: a failed
 * task and its blocked dependent, a gate waiting, the same fingerprints.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempDir } from "../_cli.ts";
import { acquireLock } from "../../src/events/lock.ts";

const PLAN = (b: string) =>
  `version: 1
orchestrator:
  approvals:
    required: [deploy]
tasks:
  - id: A
    title: build
    inputs: [src.txt]
    commands: { x: "echo a" }
  - id: B
    title: test
    dependencies: [A]
    commands: { x: "${b}" }
  - id: C
    title: package
    dependencies: [B]
    commands: { x: "echo c" }
  - id: D
    title: docs
    dependencies: [A]
    commands: { x: "echo d" }
  - id: SHIP
    title: ship
    type: deploy
    dependencies: [D]
    commands: { x: "echo ship" }
  - id: POST
    title: announce
    dependencies: [SHIP]
    commands: { x: "echo post" }
`;

const NEEDS: [string, string[]][] = [
  ["A", []],
  ["B", ["A"]],
  ["C", ["B"]],
  ["D", ["A"]],
  ["SHIP", ["D"]],
  ["POST", ["SHIP"]],
];

/** A clone of the project: every clone's folder has the same name, as CI checkouts do. */
async function clone(plan = PLAN("echo broken; false")): Promise<string> {
  const dir = join(await tempDir("merge-clone-"), "proj");
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), plan);
  await Deno.writeTextFile(join(dir, "src.txt"), "source\n");
  return dir;
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const [a, b] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory) await copyTree(a, b);
    else if (entry.isFile) await Deno.copyFile(a, b);
  }
}

/** Runs each task as a CI job would and gathers the artifacts: `art/orchestrate-<id>/`. */
async function runJobs(): Promise<{ art: string; codes: Map<string, number> }> {
  const art = join(await tempDir("merge-art-"), "art");
  const codes = new Map<string, number>();
  for (const [id, needs] of NEEDS) {
    if (!needs.every((n) => codes.get(n) === 0)) continue;
    const dir = await clone();
    const run = await cli(["run", "--task", id, "--no-build"], { cwd: dir });
    codes.set(id, run.code);
    await copyTree(join(dir, ".codex/runs"), join(art, `orchestrate-${id}`));
  }
  return { art, codes };
}

interface Fixture {
  art: string;
  codes: Map<string, number>;
  local: string;
  localStatus: { code: number; json: StatusDoc };
}

interface StatusDoc {
  outcome: string;
  tasks: { id: string; state: string; reason: string | null }[];
}

let made: Promise<Fixture> | null = null;

/** The jobs' artifacts and a local run of the same plan, made once for the module. */
function fixture(): Promise<Fixture> {
  made ??= (async () => {
    const { art, codes } = await runJobs();
    const local = await clone();
    const run = await cli(["run", "--no-build"], { cwd: local });
    assert.equal(run.code, 1, run.stderr);
    return { art, codes, local, localStatus: await status(local) };
  })();
  return made;
}

async function status(dir: string, from?: string) {
  const out = await cli(
    ["status", "--json", ...(from ? ["--from", from] : [])],
    { cwd: dir },
  );
  return { code: out.code, json: JSON.parse(out.stdout) as StatusDoc };
}

const states = (doc: StatusDoc) =>
  Object.fromEntries(doc.tasks.map((t) => [t.id, t.state]));

/** TASKS.md's checkbox per task. */
async function checkboxes(dir: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(dir, "TASKS.md"));
  return text.split("\n").filter((l) => l.startsWith("- [")).map((l) =>
    l.split(" — ")[0]!
  );
}

async function logEvents(dir: string, run: string) {
  const text = await Deno.readTextFile(join(dir, `.codex/runs/${run}.jsonl`));
  return text.trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("merge: the jobs' fragments recorded as one run show what a local run of the plan shows", async () => {
  const { art, codes, local, localStatus } = await fixture();
  // The CI's view: B failed, C's and POST's jobs never ran, SHIP waits at its gate.
  assert.deepEqual(Object.fromEntries(codes), { A: 0, B: 1, D: 0, SHIP: 3 });

  const dir = await clone();
  const merge = await cli(["-C", dir, "merge", art], { cwd: art });
  assert.equal(merge.code, 0, merge.stderr);
  const run = merge.stdout.match(/into run (merged-[0-9a-f]{16}) /)?.[1];
  assert.ok(run, merge.stdout);
  assert.match(merge.stdout, /^ {2}completed: A, D$/m);
  assert.match(merge.stdout, /^ {2}failed: B$/m);
  assert.match(merge.stdout, /^ {2}blocked: C \(by B\)$/m);
  assert.match(merge.stdout, /^ {2}waiting at a gate: SHIP \(deploy\)$/m);
  assert.match(merge.stdout, /^ {2}pending: POST$/m);

  // Recorded as the project's latest run.
  assert.equal(
    await Deno.readTextFile(join(dir, ".codex/runs/index")),
    `${run}\n`,
  );
  const merged = await status(dir);
  assert.equal(merged.code, localStatus.code);
  assert.equal(merged.code, 1);
  assert.equal(merged.json.outcome, localStatus.json.outcome);
  assert.deepEqual(states(merged.json), states(localStatus.json));
  assert.deepEqual(states(merged.json), {
    A: "completed",
    B: "failed",
    C: "blocked",
    D: "completed",
    SHIP: "pending",
    POST: "pending",
  });
  const ship = merged.json.tasks.find((t) => t.id === "SHIP")!;
  assert.equal(ship.reason, "awaiting approval: deploy");
  assert.deepEqual(await checkboxes(dir), await checkboxes(local));
  // B's output, copied from its job's artifact: linked and shown as after a local run.
  const tasksMd = await Deno.readTextFile(join(dir, "TASKS.md"));
  const link = tasksMd.match(/^- \[ \] B — .*\[last output\]\(([^)]+)\)$/m);
  assert.ok(link, tasksMd);
  assert.equal(await Deno.readTextFile(join(dir, link[1]!)), "broken\n");
  assert.match(merge.stdout, /^Merged 4 fragments into run /);
  const table = await cli(["status"], { cwd: dir });
  assert.match(table.stdout, /^B failed; its output ends:$/m);
  assert.match(table.stdout, /broken/);

  // The same fingerprint and plan as the local run recorded.
  const fingerprint = async (d: string, r: string) =>
    (await logEvents(d, r)).find((e) =>
      e.type === "task_completed" && e.task === "A"
    ).fingerprint;
  const localRun = (await Deno.readTextFile(
    join(local, ".codex/runs/index"),
  )).trim();
  const localFp = await fingerprint(local, localRun);
  assert.match(localFp, /\S/);
  assert.equal(await fingerprint(dir, run), localFp);
  const [start] = await logEvents(dir, run);
  const [localStart] = await logEvents(local, localRun);
  assert.equal(start.plan_hash, localStart.plan_hash);
  assert.deepEqual(start.task_hashes, localStart.task_hashes);

  // The report reads it as any run: the same tasks in the same states.
  const report = await cli(["report", "--json"], { cwd: dir });
  const localReport = await cli(["report", "--json"], { cwd: local });
  const reported = (out: string) =>
    JSON.parse(out).tasks.map((t: { id: string; state: string }) =>
      `${t.id}:${t.state}`
    );
  assert.deepEqual(reported(report.stdout), reported(localReport.stdout));
});

Deno.test("merge: merging the same fragments again, in another folder layout, writes nothing and says so", async () => {
  const { art } = await fixture();
  const dir = await clone();
  const first = await cli(["merge", art], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const run = first.stdout.match(/into run (\S+) /)![1]!;
  const log = await Deno.readTextFile(join(dir, `.codex/runs/${run}.jsonl`));

  // The artifacts as another download lays them out: other names, deeper, a copy twice.
  const other = join(await tempDir("merge-layout-"), "fragments");
  for (const [id] of [["SHIP"], ["B"], ["A"], ["D"]]) {
    await copyTree(join(art, `orchestrate-${id}`), join(other, `x/${id}/runs`));
  }
  await copyTree(join(art, "orchestrate-B"), join(other, "again"));
  const again = await cli(["merge", other], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    new RegExp(
      `^Run ${run} is already merged from these fragments .*nothing written$`,
      "m",
    ),
  );
  assert.equal(
    await Deno.readTextFile(join(dir, `.codex/runs/${run}.jsonl`)),
    log,
  );
  assert.equal(
    await Deno.readTextFile(join(dir, ".codex/runs/index")),
    `${run}\n`,
  );
  const logs = [...Deno.readDirSync(join(dir, ".codex/runs"))].filter((e) =>
    e.name.endsWith(".jsonl")
  );
  assert.equal(logs.length, 1);

  // A chosen id that holds other events is refused, not replaced.
  const only = await cli(
    ["merge", join(art, "orchestrate-A"), "--run", run],
    { cwd: dir },
  );
  assert.equal(only.code, 2);
  assert.match(only.stderr, /^error: Run \S+ exists and holds other events/m);
});

Deno.test("merge: a torn fragment is named in a warning and the others are merged", async () => {
  const { art, localStatus } = await fixture();
  const torn = join(await tempDir("merge-torn-"), "art");
  await copyTree(art, torn);
  const folder = join(torn, "orchestrate-D");
  const name =
    [...Deno.readDirSync(folder)].find((e) => e.name.endsWith(".jsonl"))!.name;
  const file = join(folder, name);
  const text = await Deno.readTextFile(file);
  // The job died while writing its last event (the run's `completed`).
  await Deno.writeTextFile(file, text.slice(0, text.length - 20));

  const dir = await clone();
  const merge = await cli(["merge", torn], { cwd: dir });
  assert.equal(merge.code, 0, merge.stderr);
  assert.match(
    merge.stderr,
    new RegExp(
      `^warning: ${file.replaceAll(".", "\\.")}: ignoring a torn last line`,
      "m",
    ),
  );
  const merged = await status(dir);
  assert.deepEqual(states(merged.json), states(localStatus.json));
});

Deno.test("merge: a fragment of a changed plan is refused (exit 2, both files named), nothing written", async () => {
  const { art } = await fixture();
  const mixed = join(await tempDir("merge-mixed-"), "art");
  await copyTree(art, mixed);
  const changed = await clone(PLAN("true"));
  const run = await cli(["run", "--task", "B", "--no-build"], {
    cwd: changed,
  });
  assert.equal(run.code, 0, run.stderr);
  await copyTree(join(changed, ".codex/runs"), join(mixed, "orchestrate-B2"));

  const dir = await clone();
  const merge = await cli(["merge", mixed], { cwd: dir });
  assert.equal(merge.code, 2, merge.stdout);
  const lines = merge.stderr.trim().split("\n");
  assert.equal(lines.length, 1, merge.stderr);
  assert.match(
    lines[0]!,
    /^error: \S+\/orchestrate-\w+\/\S+\.jsonl is a run of another plan \(plan hash \w+\) than \S+\/orchestrate-\w+\/\S+\.jsonl \(plan hash \w+\)/,
  );
  assert.match(lines[0]!, /orchestrate-B2\//);
  assert.equal(await exists(join(dir, ".codex")), false);
  assert.equal(await exists(join(dir, "TASKS.md")), false);
});

Deno.test("merge: in a job's workspace artifact (run logs and outputs), only .codex/runs/ holds run logs: a task's output shaped like a run log is not read as one", async () => {
  const { art } = await fixture();
  const mixed = join(await tempDir("merge-outputs-"), "art");
  await copyTree(art, mixed);
  // Job A's artifact as CI uploads it with outputs: rooted at the workspace.
  const workspace = join(mixed, "orchestrate-A");
  const logs = join(await tempDir("merge-a-logs-"), "runs");
  await copyTree(workspace, logs);
  await Deno.remove(workspace, { recursive: true });
  await copyTree(logs, join(workspace, ".codex/runs"));
  // One output is a run log of another plan, as a task could write one.
  const changed = await clone(PLAN("true"));
  const run = await cli(["run", "--task", "B", "--no-build"], {
    cwd: changed,
  });
  assert.equal(run.code, 0, run.stderr);
  for await (const entry of Deno.readDir(join(changed, ".codex/runs"))) {
    if (!entry.name.endsWith(".jsonl")) continue;
    await Deno.mkdir(join(workspace, "dist"), { recursive: true });
    await Deno.copyFile(
      join(changed, ".codex/runs", entry.name),
      join(workspace, "dist", "forged.jsonl"),
    );
  }
  assert.ok(await exists(join(workspace, "dist/forged.jsonl")));

  const dir = await clone();
  const merge = await cli(["merge", mixed], { cwd: dir });
  assert.equal(merge.code, 0, merge.stderr);
  assert.doesNotMatch(merge.stderr + merge.stdout, /forged/);
  const local = await fixture();
  assert.deepEqual(
    states((await status(dir)).json),
    states(local.localStatus.json),
  );
});

Deno.test("status --from and report --from: the merged run shown, nothing written; a gate alone waiting exits 3", async () => {
  const { art, localStatus } = await fixture();
  const dir = await clone();
  const shown = await status(dir, art);
  assert.equal(shown.code, 1);
  assert.deepEqual(states(shown.json), states(localStatus.json));
  const table = await cli(["status", "--from", art], { cwd: dir });
  assert.equal(table.code, 1);
  assert.match(table.stdout, /^Run merged-[0-9a-f]{16}: failed/);
  assert.match(table.stdout, /^C +blocked .* blocked by B$/m);

  const report = await cli(["report", "--from", art], { cwd: dir });
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /^# Run merged-[0-9a-f]{16}$/m);
  // No log to link to: it says where the run came from instead.
  assert.match(report.stdout, /^- Merged from `[^`]*art`, not recorded/m);
  assert.doesNotMatch(report.stdout, /^- Log:/m);
  assert.match(report.stdout, /^\| B \| failed \|/m);
  assert.match(
    report.stdout,
    /^\| SHIP \| pending \| +\| awaiting approval: deploy \|$/m,
  );

  // The page draws the merged run's graph from the fragments, not the store.
  const page = await cli(["report", "--from", art, "--html"], { cwd: dir });
  assert.equal(page.code, 0, page.stderr);
  assert.match(
    page.stdout,
    /<g class="node failed">\n(?:.*\n){0,4}.*font-weight="bold">B: /,
  );

  // The jobs before the failure: the run waits at the gate alone.
  const gate = join(await tempDir("merge-gate-"), "art");
  for (const id of ["A", "D", "SHIP"]) {
    await copyTree(join(art, `orchestrate-${id}`), join(gate, id));
  }
  const paused = await status(dir, gate);
  assert.equal(paused.code, 3);
  assert.equal(paused.json.outcome, "paused");
  assert.equal(states(paused.json).SHIP, "pending");

  assert.equal(await exists(join(dir, ".codex")), false);
  assert.equal(await exists(join(dir, "TASKS.md")), false);

  const none = await cli(["status", "--from", join(dir, "nothing")], {
    cwd: dir,
  });
  assert.equal(none.code, 2);
  assert.match(
    none.stderr,
    /^error: No run fragments .*a missing fragment\)$/m,
  );
});

Deno.test("merge: a gate approved in its job and the job's run resumed: the task completed, its dependents run, who approved recorded (granting nothing)", async () => {
  const art = join(await tempDir("merge-approved-"), "art");
  const plan = PLAN("true");
  const codes = new Map<string, number>();
  for (const [id, needs] of NEEDS) {
    if (!needs.every((n) => codes.get(n) === 0)) continue;
    const dir = await clone(plan);
    let run = await cli(["run", "--task", id, "--no-build"], { cwd: dir });
    // SHIP's job, and POST's (it runs SHIP again: `--task` runs dependencies).
    if (id === "SHIP" || id === "POST") {
      assert.equal(run.code, 3, run.stderr);
      const approve = await cli([
        "approve",
        "deploy",
        "--by",
        "octocat",
        "--note",
        "environment deploy",
      ], { cwd: dir });
      assert.equal(approve.code, 0, approve.stderr);
      run = await cli(["resume", "--no-build"], { cwd: dir });
    }
    codes.set(id, run.code);
    await copyTree(join(dir, ".codex/runs"), join(art, `orchestrate-${id}`));
  }
  assert.deepEqual([...codes.values()], [0, 0, 0, 0, 0, 0]);

  const dir = await clone(plan);
  const merge = await cli(["merge", art, "--json"], { cwd: dir });
  assert.equal(merge.code, 0, merge.stderr);
  const doc = JSON.parse(merge.stdout);
  assert.equal(doc.outcome, "success");
  assert.equal(doc.written, true);
  assert.equal(doc.fragments.length, 6);
  assert.deepEqual(doc.tasks, {
    completed: ["A", "B", "C", "D", "SHIP", "POST"],
  });
  assert.doesNotMatch(merge.stderr, /warning/);
  const shown = await status(dir);
  assert.equal(shown.code, 0);
  assert.ok(shown.json.tasks.every((t) => t.state === "completed"));

  // Each job's approval (SHIP's and POST's runs) is a record, not a grant: no seal, no plan hash.
  const log = (await Deno.readTextFile(
    join(dir, ".codex/runs", `${doc.run}.jsonl`),
  )).trim().split("\n").map((l) => JSON.parse(l));
  const records = log.filter((e) => e.type === "approval_recorded");
  assert.equal(records.length, 2);
  for (const r of records) {
    assert.equal(r.gate, "deploy");
    assert.equal(r.by, "octocat");
    assert.equal(r.mac, undefined);
    assert.notEqual(r.granted_in, doc.run);
  }
  assert.equal(log.filter((e) => e.type === "approval_granted").length, 0);
  const report = await cli(["report"], { cwd: dir });
  assert.match(
    report.stdout,
    /^- `deploy` by octocat at \S+ in run `[^`]+`.*— “environment deploy”$/m,
  );
});

Deno.test("merge: while a live run holds the project lock, merge is refused (exit 2) and writes nothing", async () => {
  const { art } = await fixture();
  const dir = await clone();
  const lock = await acquireLock(dir, "20260101T000000.000Z");
  try {
    const merge = await cli(["merge", art], { cwd: dir });
    assert.equal(merge.code, 2, merge.stdout);
    assert.match(merge.stderr, /^error: .*20260101T000000\.000Z/m);
    assert.equal(await exists(join(dir, ".codex/runs")), false);
  } finally {
    lock.release();
  }
  const after = await cli(["merge", art], { cwd: dir });
  assert.equal(after.code, 0, after.stderr);
});

Deno.test("merge then resume: the merged run goes on here — the failed task fixed runs again with its blocked dependent, the others stay done", async () => {
  const { art } = await fixture();
  const dir = await clone();
  const merge = await cli(["merge", art, "--json"], { cwd: dir });
  assert.equal(merge.code, 0, merge.stderr);
  const run = JSON.parse(merge.stdout).run;
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), PLAN("echo fixed"));
  const resume = await cli(["resume", "--no-build"], { cwd: dir });
  // SHIP still waits for its gate: exit 3.
  assert.equal(resume.code, 3, resume.stderr + resume.stdout);
  const shown = await status(dir);
  assert.deepEqual(states(shown.json), {
    A: "completed",
    B: "completed",
    C: "completed",
    D: "completed",
    SHIP: "pending",
    POST: "pending",
  });
  // The same run, resumed: only B (changed) and C (blocked by it) started again.
  const events = (await Deno.readTextFile(
    join(dir, ".codex/runs", `${run}.jsonl`),
  )).trim().split("\n").map((l) => JSON.parse(l));
  const resumed = events.findIndex((e) => e.type === "resumed");
  assert.ok(resumed > 0);
  assert.deepEqual(
    events.slice(resumed).filter((e) => e.type === "task_started").map((e) =>
      e.task
    ),
    ["B", "C"],
  );
});
