/**
 * `run --task X --only [--needs-from DIR]` and `fingerprint X` through the
 * CLI: the task runs alone, its dependencies read from the project's runs
 * or from run logs of other machines (same definition), blocked with a
 * reason naming the dependency otherwise; the dependencies' fingerprints
 * feed its own as in a local run; a gate's resume stays `--only`.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempProject } from "../_cli.ts";
import { latestEvents, sequence } from "../engine/_events.ts";
import type { RunEvent } from "../../src/events/types.ts";

const PLAN = `version: 1
tasks:
  - id: build
    title: Build
    inputs: [src/a.txt]
    outputs: [out/build.txt]
    commands: { b: "sh -c 'mkdir -p out && cat src/a.txt > out/build.txt && echo ran >> build.count'" }
  - id: test
    title: Test
    dependencies: [build]
    inputs: [out/build.txt]
    commands: { t: "sh -c 'echo ran >> test.count && grep hello out/build.txt'" }
  - id: ship
    title: Ship
    dependencies: [test]
    approvals: [ship]
    commands: { s: "sh -c 'echo ran >> ship.count'" }
`;

const FILES = { "orchestrator.yml": PLAN, "src/a.txt": "hello\n" };

async function lines(path: string): Promise<number> {
  if (!await exists(path)) return 0;
  return (await Deno.readTextFile(path)).split("\n").filter(Boolean).length;
}

function completion(events: RunEvent[], task: string) {
  return events.find((e) => e.task === task && e.type === "task_completed") as
    | { fingerprint: string | null }
    | undefined;
}

/** Copies every run log of `from` into `to/<name>/` (an artifact's folder). */
async function fragmentsOf(from: string, to: string): Promise<void> {
  const runs = join(from, ".codex/runs");
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(runs)) {
    if (e.name.endsWith(".jsonl")) {
      await Deno.copyFile(join(runs, e.name), join(to, e.name));
    }
  }
}

Deno.test("run --only: blocked naming the dependency that completed nowhere; nothing runs", async () => {
  const dir = await tempProject(FILES);
  const r = await cli(["run", "--task", "test", "--only"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /test: blocked: dependency build did not complete in the project's runs\n/,
  );
  const events = await latestEvents(dir);
  const blocked = events.find((e) => e.type === "task_blocked") as unknown as {
    task: string;
    by: string;
    reason: string;
  };
  assert.deepEqual(blocked && [blocked.task, blocked.by, blocked.reason], [
    "test",
    "build",
    "dependency build did not complete in the project's runs",
  ]);
  assert.ok(!sequence(events).includes("task_started build"));
  assert.equal(await lines(join(dir, "build.count")), 0);
  assert.equal(await lines(join(dir, "test.count")), 0);
  const status = await cli(["status"], { cwd: dir });
  assert.match(status.stdout, /test\s.*blocked/);
});

Deno.test("run --only: a dependency completed in the project's runs is not run again; its fingerprint feeds the task's; a second run is up to date", async () => {
  const dir = await tempProject(FILES);
  assert.equal(
    (await cli(["run", "--task", "build"], { cwd: dir })).code,
    0,
  );
  const r = await cli(["run", "--task", "test", "--only"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await lines(join(dir, "build.count")), 1);
  assert.equal(await lines(join(dir, "test.count")), 1);
  const events = await latestEvents(dir);
  assert.ok(
    events.some((e) =>
      e.type === "skipped" && e.task === "build" &&
      (e as unknown as { reason: string }).reason === "outside the selection"
    ),
  );
  // Recorded, so its resume stays --only without guessing.
  const started = events.find((e) => e.type === "run_started");
  assert.equal((started as unknown as { partial?: string }).partial, "only");
  const print = completion(events, "test")!.fingerprint;
  assert.match(print ?? "", /^[0-9a-f]{64}$/);
  // The same fingerprint a whole local run gives.
  const local = await tempProject(FILES);
  // (It stops at ship's gate: exit 3.)
  assert.equal((await cli(["run"], { cwd: local })).code, 3);
  const whole = completion(await latestEvents(local), "test")!.fingerprint;
  assert.equal(print, whole);
  const again = await cli(["run", "--task", "test", "--only"], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await lines(join(dir, "test.count")), 1);
  const skip = (await latestEvents(dir)).find((e) =>
    e.type === "skipped" && e.task === "test"
  ) as unknown as { reason: string };
  assert.equal(skip.reason, "up to date");
});

Deno.test("run --only --needs-from: dependencies from another machine's run logs (same definition), fingerprint command agrees, own cached log makes it up to date", async () => {
  // Machine A runs build; machine B gets its log as an artifact and its output.
  const a = await tempProject(FILES);
  assert.equal((await cli(["run", "--task", "build"], { cwd: a })).code, 0);
  const b = await tempProject(FILES);
  await fragmentsOf(a, join(b, "needs/orchestrate-build"));
  await Deno.mkdir(join(b, "out"));
  await Deno.copyFile(join(a, "out/build.txt"), join(b, "out/build.txt"));
  const fp = await cli(["fingerprint", "test", "--needs-from", "needs"], {
    cwd: b,
  });
  assert.equal(fp.code, 0, fp.stderr);
  assert.match(fp.stdout, /^[0-9a-f]{64}\n$/);
  // A task's own output that is JSON lines, in the artifact beside the log: one warning.
  await Deno.writeTextFile(
    join(b, "needs/orchestrate-build/data.jsonl"),
    '{"a":1}\n{"b":2}\nnot json\n',
  );
  const r = await cli(
    ["run", "--task", "test", "--only", "--needs-from", "needs"],
    { cwd: b },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stderr.split("\n").filter((l) => l.includes("data.jsonl")).join("\n"),
    "warning: needs/orchestrate-build/data.jsonl is not a run log: left out",
  );
  assert.equal(await lines(join(b, "build.count")), 0);
  assert.equal(await lines(join(b, "test.count")), 1);
  const print = completion(await latestEvents(b), "test")!.fingerprint;
  assert.equal(print, fp.stdout.trim());
  // Machine C: B's log restored from a cache, beside the needs: up to date.
  const c = await tempProject(FILES);
  await fragmentsOf(a, join(c, "needs/orchestrate-build"));
  await fragmentsOf(b, join(c, "needs/cache"));
  await Deno.mkdir(join(c, "out"));
  await Deno.copyFile(join(a, "out/build.txt"), join(c, "out/build.txt"));
  const cached = await cli(
    ["run", "--task", "test", "--only", "--needs-from", "needs"],
    { cwd: c },
  );
  assert.equal(cached.code, 0, cached.stderr);
  assert.equal(await lines(join(c, "test.count")), 0);
  const skip = (await latestEvents(c)).find((e) =>
    e.type === "skipped" && e.task === "test"
  ) as unknown as { reason: string; fingerprint: string };
  assert.deepEqual([skip.reason, skip.fingerprint], ["up to date", print]);
  // A task without inputs has no fingerprint: printed empty, said why.
  const none = await cli(["fingerprint", "ship", "--needs-from", "needs"], {
    cwd: c,
  });
  assert.equal(none.code, 0);
  assert.equal(none.stdout, "");
  assert.equal(
    none.stderr.trim(),
    "ship has no fingerprint: it declares no inputs",
  );
});

Deno.test("run --only --needs-from: a task's output shaped like a run log, in a workspace artifact, is not read as one: a forged completion does not unblock the task", async () => {
  // Machine A ran build: its log, planted as another job's output.
  const a = await tempProject(FILES);
  assert.equal((await cli(["run", "--task", "build"], { cwd: a })).code, 0);
  const b = await tempProject(FILES);
  const artifact = join(b, "needs/orchestrate-other");
  await Deno.mkdir(join(artifact, ".codex/runs"), { recursive: true });
  await Deno.mkdir(join(artifact, "dist"), { recursive: true });
  for await (const entry of Deno.readDir(join(a, ".codex/runs"))) {
    if (!entry.name.endsWith(".jsonl")) continue;
    await Deno.copyFile(
      join(a, ".codex/runs", entry.name),
      join(artifact, "dist/report.jsonl"),
    );
  }
  const r = await cli(
    ["run", "--task", "test", "--only", "--needs-from", "needs"],
    { cwd: b },
  );
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr + r.stdout, /dependency build did not complete/);
  assert.equal(await lines(join(b, "test.count")), 0);
});

Deno.test("run --only --needs-from: a dependency completed for another definition is a block naming the folder", async () => {
  const a = await tempProject(FILES);
  assert.equal((await cli(["run", "--task", "build"], { cwd: a })).code, 0);
  const b = await tempProject({
    ...FILES,
    "orchestrator.yml": PLAN.replace("title: Build", "title: Build (changed)"),
  });
  await fragmentsOf(a, join(b, "needs/orchestrate-build"));
  const r = await cli(
    ["run", "--task", "test", "--only", "--needs-from", "needs"],
    { cwd: b },
  );
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /dependency build did not complete in the project's runs or the fragments under needs/,
  );
  assert.equal(await lines(join(b, "test.count")), 0);
});

Deno.test("run --only at a gate: approve, then resume --needs-from runs the task alone", async () => {
  const a = await tempProject(FILES);
  assert.equal((await cli(["run", "--task", "test"], { cwd: a })).code, 0);
  const b = await tempProject(FILES);
  await fragmentsOf(a, join(b, "needs/orchestrate-test"));
  const paused = await cli(
    ["run", "--task", "ship", "--only", "--needs-from", "needs"],
    { cwd: b },
  );
  assert.equal(paused.code, 3, paused.stderr);
  const ok = await cli(["approve", "ship", "--by", "octocat"], { cwd: b });
  assert.equal(ok.code, 0, ok.stderr);
  const resumed = await cli(["resume", "--needs-from", "needs"], { cwd: b });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(await lines(join(b, "ship.count")), 1);
  assert.equal(await lines(join(b, "test.count")), 0);
  const events = await latestEvents(b);
  assert.ok(!sequence(events).some((s) => s === "task_started test"));
  const grant = events.find((e) => e.type === "approval_granted") as unknown as
    | { by: string }
    | undefined;
  assert.equal(grant?.by, "octocat");
});

Deno.test("fingerprint: empty, saying why, when a dependency has none (no inputs); a CI cache then never keys the task", async () => {
  const dir = await tempProject({
    ...FILES,
    "orchestrator.yml": PLAN.replace("    inputs: [src/a.txt]\n", ""),
  });
  assert.equal((await cli(["run", "--task", "build"], { cwd: dir })).code, 0);
  const r = await cli(["fingerprint", "test"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr.trim(),
    "test has no fingerprint: dependency build has no fingerprint",
  );
});

Deno.test("run --only: usage errors (no --task, --dry-run, --needs-from alone or missing) exit 2 and record nothing", async () => {
  const dir = await tempProject(FILES);
  const cases: [string[], RegExp][] = [
    [["run", "--only"], /--only goes with --task/],
    [["run", "--task", "test", "--only", "--dry-run"], /not --dry-run/],
    [
      ["run", "--task", "test", "--needs-from", "."],
      /--needs-from goes with --only/,
    ],
    [
      ["run", "--task", "test", "--only", "--needs-from", "nowhere"],
      /--needs-from nowhere: no such folder/,
    ],
    [["fingerprint", "tset"], /did you mean "test"/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args, { cwd: dir });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.ok(!await exists(join(dir, ".codex/runs")));
});
