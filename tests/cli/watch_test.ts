/**
 * `run --watch` driven as a user would, with real file changes: a change
 * runs the tasks it affects and their dependents, and only those (the
 * run's events say which ran and which were left out); a plan edit runs
 * the task it changed; changes close together, or made during a run, give
 * one run after it; what a run writes for itself or its later tasks starts
 * no other; gates, a held lock and an invalid plan are said and watching
 * goes on; Ctrl-C ends it with exit 130. No test bounds a duration: the
 * waits poll the output and the files, with a bound only against a hang.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, repoPath, SOURCE_FLAGS, tempProject } from "../_cli.ts";

/**
 * GEN declares no inputs; BUILD reads src/ and writes out.txt, which PACK,
 * after BUILD and GEN, reads; LINT reads lint/. Each appends to a log of
 * its own, so a run shows in it; so does the final build (release).
 */
const PLAN = `version: 1
project:
  build: { release: "sh -c 'echo release >> release.log'" }
tasks:
  - id: GEN
    title: Generate
    commands: { g: "sh -c 'echo gen >> gen.log'" }
  - id: BUILD
    title: Build
    inputs: [src/]
    outputs: [out.txt]
    commands: { b: "sh -c 'cat src/a.txt > out.txt; echo build >> build.log'" }
  - id: LINT
    title: Lint
    inputs: [lint/]
    commands: { l: "sh -c 'echo lint >> lint.log'" }
  - id: PACK
    title: Pack
    dependencies: [BUILD, GEN]
    inputs: [out.txt]
    commands: { p: "sh -c 'cat out.txt > packed.txt'" }
`;

const decoder = new TextDecoder();

/** `orchestrate run --watch …` in `dir`, its output read as it comes. */
class Watch {
  stdout = "";
  stderr = "";
  #child: Deno.ChildProcess;
  #reading: Promise<void>[];

  constructor(dir: string, args: string[] = []) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...SOURCE_FLAGS,
        repoPath("src/main.ts"),
        "run",
        "--watch",
        ...args,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = [
      this.#child.stdout.pipeTo(
        new WritableStream({
          write: (chunk) => {
            this.stdout += decoder.decode(chunk);
          },
        }),
      ),
      this.#child.stderr.pipeTo(
        new WritableStream({
          write: (chunk) => {
            this.stderr += decoder.decode(chunk);
          },
        }),
      ),
    ];
  }

  /** Waits until the watch is watching for the `n`th time. */
  watching(n: number): Promise<void> {
    return this.until(
      () => count(this.stdout, /^watch: watching /gm) >= n,
      `watching #${n}`,
    );
  }

  /** Waits (bounded) until `check` holds; the bound is for a hang, not a speed test. */
  async until(check: () => boolean | Promise<boolean>, what: string) {
    for (let i = 0; i < 1200; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `timed out waiting for ${what}\n${this.stdout}\n${this.stderr}`,
    );
  }

  /** Ctrl-C; the exit code. */
  async stop(): Promise<number> {
    this.#child.kill("SIGINT");
    const { code } = await this.#child.status;
    await Promise.all(this.#reading);
    return code;
  }

  kill() {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Ended.
    }
  }
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

/** The project's runs, oldest first. */
async function runs(dir: string): Promise<string[]> {
  const index = await Deno.readTextFile(join(dir, ".codex/runs/index"))
    .catch(() => "");
  return index.split("\n").map((l) => l.trim().split(/\s+/)[0]!).filter(
    Boolean,
  );
}

/** Which tasks ran a command in `run`, which it left out, and its outcome. */
async function runFacts(dir: string, run: string) {
  const events =
    (await Deno.readTextFile(join(dir, `.codex/runs/${run}.jsonl`)))
      .trim().split("\n").map((l) => JSON.parse(l));
  const tasks = (pick: (e: Record<string, unknown>) => boolean) =>
    [...new Set(events.filter(pick).map((e) => e.task as string))].sort();
  return {
    // The final build's commands belong to no task.
    ran: tasks((e) => e.type === "command_run" && e.task !== null),
    outside: tasks((e) =>
      e.type === "skipped" && e.reason === "outside the selection"
    ),
    // A resumed run has one `completed` per part: the last says how it ended.
    outcome: events.findLast((e) => e.type === "completed")?.outcome,
  };
}

const lines = async (path: string) =>
  (await Deno.readTextFile(path).catch(() => "")).split("\n").filter(Boolean)
    .length;

Deno.test("run --watch: a changed input runs its task and its dependents only; a task without inputs and an unrelated task are not run again", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    const [first] = await runs(dir);
    assert.deepEqual((await runFacts(dir, first!)).ran, [
      "BUILD",
      "GEN",
      "LINT",
      "PACK",
    ]);
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await watch.watching(2);
    assert.match(
      watch.stdout,
      /^watch: changed: src\/a\.txt → BUILD, PACK \(2 tasks\)$/m,
    );
    assert.equal(await Deno.readTextFile(join(dir, "packed.txt")), "two\n");
    const second = (await runs(dir))[1]!;
    assert.deepEqual(await runFacts(dir, second), {
      ran: ["BUILD", "PACK"],
      outside: ["GEN", "LINT"],
      outcome: "success",
    });
    // A re-run widens (a dependency that did not complete joins it), as recorded for its resume.
    const started = JSON.parse(
      (await Deno.readTextFile(join(dir, `.codex/runs/${second}.jsonl`)))
        .split("\n")[0]!,
    );
    assert.equal(started.type, "run_started");
    assert.equal(started.partial, "widen");
    assert.equal(
      JSON.parse(
        (await Deno.readTextFile(join(dir, `.codex/runs/${first}.jsonl`)))
          .split("\n")[0]!,
      ).partial,
      undefined,
    );
    // The other input: its task alone (nothing depends on it).
    await Deno.writeTextFile(join(dir, "lint/x.txt"), "y\n");
    await watch.watching(3);
    assert.match(
      watch.stdout,
      /^watch: changed: lint\/x\.txt → LINT \(1 task\)$/m,
    );
    const third = (await runs(dir))[2]!;
    assert.deepEqual((await runFacts(dir, third)).ran, ["LINT"]);
    assert.equal(await lines(join(dir, "gen.log")), 1, "GEN ran once");
    assert.equal(await lines(join(dir, "build.log")), 2);
    assert.equal(await lines(join(dir, "lint.log")), 2);
    // The whole plan's final build: after the first run only, as with --task.
    assert.equal(await lines(join(dir, "release.log")), 1);
    assert.equal(await watch.stop(), 130);
    assert.match(watch.stdout, /^watch: stopped$/m);
    assert.equal((await runs(dir)).length, 3);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a plan edit runs the task it changed; an invalid plan is shown and watching goes on; two quick changes give one run", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "one\n",
    "src/b.txt": "b\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    await Deno.writeTextFile(
      join(dir, "orchestrator.yml"),
      PLAN.replace("echo lint >>", "echo lint2 >>"),
    );
    await watch.watching(2);
    assert.match(
      watch.stdout,
      /^watch: changed: orchestrator\.yml → LINT \(1 task\)$/m,
    );
    assert.deepEqual(
      (await runFacts(dir, (await runs(dir))[1]!)).ran,
      ["LINT"],
    );
    assert.match(await Deno.readTextFile(join(dir, "lint.log")), /^lint2$/m);

    // Invalid: said, nothing runs, watching goes on.
    await Deno.writeTextFile(
      join(dir, "orchestrator.yml"),
      PLAN.replace("title: Pack", "titel: Pack"),
    );
    await watch.until(
      () => /the plan is invalid: fix it; watching goes on/.test(watch.stderr),
      "the invalid plan's errors",
    );
    assert.match(
      watch.stderr,
      /orchestrator\.yml:\d+:\d+: Unknown key "titel"/,
    );
    // Fixed as it was: no task's definition changed, nothing to run.
    await Deno.writeTextFile(
      join(dir, "orchestrator.yml"),
      PLAN.replace("echo lint >>", "echo lint2 >>"),
    );
    await watch.until(
      () =>
        /^watch: changed: orchestrator\.yml → no task to run$/m.test(
          watch.stdout,
        ),
      "the fixed plan",
    );
    // Watching again after the first run, the edit, the invalid plan and the fix.
    await watch.watching(4);

    // Two files written one after the other: one batch, one run.
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await Deno.writeTextFile(join(dir, "src/b.txt"), "c\n");
    await watch.watching(5);
    assert.match(
      watch.stdout,
      /^watch: changed: src\/a\.txt, src\/b\.txt → BUILD, PACK \(2 tasks\)$/m,
    );
    assert.equal(await watch.stop(), 130);
    assert.equal((await runs(dir)).length, 3);
    assert.equal(count(watch.stdout, /^watch: changed: /gm), 3);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a change during a run is handled after it; a dependency that failed when it last ran runs again with its dependent", async () => {
  const plan = `version: 1
tasks:
  - id: BUILD
    title: Build
    inputs: [src/]
    commands: { b: "sh -c 'v=$(cat src/a.txt); touch started; sleep 1; test $v != fail'" }
  - id: TEST
    title: Test
    dependencies: [BUILD]
    inputs: [test/]
    commands: { t: "sh -c 'echo test >> test.log'" }
`;
  const dir = await tempProject({
    "orchestrator.yml": plan,
    "src/a.txt": "fail\n",
    "test/t.txt": "1\n",
  });
  const watch = new Watch(dir);
  try {
    // During the first run (BUILD sleeps): fixed; handled once the run ends.
    await watch.until(
      () => Deno.stat(join(dir, "started")).then(() => true, () => false),
      "BUILD to start",
    );
    await Deno.writeTextFile(join(dir, "src/a.txt"), "ok\n");
    await watch.watching(2);
    const [first, second] = await runs(dir);
    assert.equal((await runFacts(dir, first!)).outcome, "failed");
    assert.match(
      watch.stdout,
      /^watch: changed: src\/a\.txt → BUILD, TEST \(2 tasks\)$/m,
    );
    assert.deepEqual((await runFacts(dir, second!)).ran, ["BUILD", "TEST"]);

    // Broken again, then only TEST's input changes: BUILD, failed, runs too.
    await Deno.writeTextFile(join(dir, "src/a.txt"), "fail\n");
    await watch.watching(3);
    assert.equal(
      (await runFacts(dir, (await runs(dir))[2]!)).outcome,
      "failed",
    );
    await Deno.writeTextFile(join(dir, "test/t.txt"), "2\n");
    await watch.watching(4);
    assert.match(
      watch.stdout,
      /^watch: changed: test\/t\.txt → TEST \(1 task\)$/m,
    );
    assert.match(
      watch.stderr,
      /BUILD runs too: its latest run for this definition did not complete it/,
    );
    const fourth = await runFacts(dir, (await runs(dir))[3]!);
    assert.deepEqual(fourth.ran, ["BUILD"]);
    assert.equal(fourth.outcome, "failed");
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: what a run writes for a task after it does not start another run; for a task that does not depend on the writer, it does", async () => {
  // One at a time, in plan order: CHECK runs before BUILD writes out.txt.
  const plan = `version: 1
tasks:
  - id: CHECK
    title: Check
    inputs: [out.txt]
    commands: { c: "sh -c 'echo check >> check.log'" }
  - id: BUILD
    title: Build
    inputs: [src/]
    outputs: [out.txt]
    commands: { b: "sh -c 'cat src/a.txt > out.txt'" }
  - id: PACK
    title: Pack
    dependencies: [BUILD]
    inputs: [out.txt]
    commands: { p: "sh -c 'echo pack >> pack.log'" }
`;
  const dir = await tempProject({
    "orchestrator.yml": plan,
    "src/a.txt": "one\n",
  });
  const watch = new Watch(dir, ["--concurrency", "1"]);
  try {
    await watch.watching(2);
    assert.match(
      watch.stdout,
      /^watch: changed: out\.txt → CHECK, PACK \(2 tasks\)$/m,
    );
    const second = await runFacts(dir, (await runs(dir))[1]!);
    // PACK read out.txt after BUILD wrote it: up to date.
    assert.deepEqual(second.ran, ["CHECK"]);
    assert.equal(await lines(join(dir, "check.log")), 2);
    assert.equal(await lines(join(dir, "pack.log")), 1);
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a task that rewrites its own input (a formatter), or writes where it prefers to (as an agent does), does not start another run", async () => {
  const plan = `version: 1
tasks:
  - id: FMT
    title: Format
    inputs: [src/]
    outputs: [src/]
    commands: { f: "sh -c 'for f in src/*.txt; do tr a-z A-Z < $f > $f.tmp && mv $f.tmp $f; done'" }
  - id: DOCS
    title: Docs
    paths: { preferred: [docs/] }
    commands: { d: "sh -c 'mkdir -p docs && date +%s%N > docs/stamp'" }
  - id: LINT
    title: Lint
    inputs: [lint/]
    commands: { l: "true" }
`;
  const dir = await tempProject({
    "orchestrator.yml": plan,
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await watch.watching(2);
    assert.equal(await Deno.readTextFile(join(dir, "src/a.txt")), "TWO\n");
    // A run for what FMT wrote would come first, as soon as watching resumed.
    await Deno.writeTextFile(join(dir, "lint/x.txt"), "y\n");
    await watch.watching(3);
    assert.deepEqual(
      watch.stdout.split("\n").filter((l) => l.startsWith("watch: changed")),
      [
        "watch: changed: src/a.txt → FMT (1 task)",
        "watch: changed: lint/x.txt → LINT (1 task)",
      ],
    );
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a gate stops a run and says so, watching goes on; resuming a re-run runs what it left, not the tasks it left out", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN.replace(
      "dependencies: [BUILD, GEN]",
      "dependencies: [BUILD, GEN]\n    approvals: [ship]",
    ),
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    const gate =
      /^watch: the run waits at a gate: approve it, then `orchestrate resume` \(watching goes on\)$/gm;
    assert.equal(count(watch.stdout, gate), 1);
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await watch.watching(2);
    assert.equal(count(watch.stdout, gate), 2);
    const second = (await runs(dir))[1]!;
    assert.deepEqual(await runFacts(dir, second), {
      ran: ["BUILD"],
      outside: ["GEN", "LINT"],
      outcome: "paused",
    });
    assert.equal((await cli(["approve", "ship"], { cwd: dir })).code, 0);
    const resumed = await cli(["resume"], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "packed.txt")), "two\n");
    assert.deepEqual(await runFacts(dir, second), {
      ran: ["BUILD", "PACK"],
      outside: ["GEN", "LINT"],
      outcome: "success",
    });
    assert.equal(await lines(join(dir, "gen.log")), 1, "GEN ran once");
    // The first run stopped at the gate; the resumed part of a plan builds nothing.
    assert.equal(await lines(join(dir, "release.log")), 0);
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch --task: only the task and its dependencies are watched and run", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir, ["--task", "PACK"]);
  try {
    await watch.watching(1);
    assert.match(
      watch.stdout,
      /^watch: watching the plan's files and 2 input\/path patterns \(Ctrl-C to stop\)$/m,
    );
    const [first] = await runs(dir);
    assert.deepEqual((await runFacts(dir, first!)).outside, ["LINT"]);
    // LINT's input is not watched; BUILD's is.
    await Deno.writeTextFile(join(dir, "lint/x.txt"), "y\n");
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await watch.watching(2);
    assert.match(
      watch.stdout,
      /^watch: changed: src\/a\.txt → BUILD, PACK \(2 tasks\)$/m,
    );
    assert.deepEqual(await runFacts(dir, (await runs(dir))[1]!), {
      ran: ["BUILD", "PACK"],
      outside: ["GEN", "LINT"],
      outcome: "success",
    });
    // The plan no longer has the task: said as a plan error; watching goes on.
    await Deno.writeTextFile(
      join(dir, "orchestrator.yml"),
      PLAN.replaceAll("PACK", "SHIP"),
    );
    await watch.until(
      () => /the plan is invalid: fix it; watching goes on/.test(watch.stderr),
      "the missing task's error",
    );
    assert.match(watch.stderr, /^error: Unknown task "PACK"/m);
    await Deno.writeTextFile(join(dir, "orchestrator.yml"), PLAN);
    await watch.until(
      () =>
        /^watch: changed: orchestrator\.yml → no task to run$/m.test(
          watch.stdout,
        ),
      "the plan put back",
    );
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: Ctrl-C during a re-run stops it as any run: recorded as interrupted, exit 130", async () => {
  const plan = `version: 1
tasks:
  - id: BUILD
    title: Build
    inputs: [src/]
    commands: { b: "sh -c 'if [ $(cat src/a.txt) = wait ]; then touch started; i=0; while [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; fi'" }
`;
  const dir = await tempProject({
    "orchestrator.yml": plan,
    "src/a.txt": "go\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    await Deno.writeTextFile(join(dir, "src/a.txt"), "wait\n");
    await watch.until(
      () => Deno.stat(join(dir, "started")).then(() => true, () => false),
      "the re-run's command to start",
    );
    assert.equal(await watch.stop(), 130);
    const [, second] = await runs(dir);
    assert.equal((await runFacts(dir, second!)).outcome, "interrupted");
    assert.doesNotMatch(watch.stdout, /^watch: stopped$/m);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a re-run refused because another run holds the lock is said; what it would have run joins the next", async () => {
  const plan = `version: 1
tasks:
  - id: HOLD
    title: Hold
    commands: { h: "sh -c 'if [ -f hold ]; then touch holding; i=0; while [ ! -f go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; fi'" }
  - id: BUILD
    title: Build
    inputs: [src/]
    commands: { b: "sh -c 'cat src/a.txt > out.txt'" }
  - id: LINT
    title: Lint
    inputs: [lint/]
    commands: { l: "true" }
`;
  const dir = await tempProject({
    "orchestrator.yml": plan,
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    await Deno.writeTextFile(join(dir, "hold"), "");
    const other = cli(["run", "--task", "HOLD"], { cwd: dir });
    await watch.until(
      () => Deno.stat(join(dir, "holding")).then(() => true, () => false),
      "the other run to hold the lock",
    );
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await watch.watching(2);
    assert.match(watch.stderr, /^error: .*lock/m);
    assert.match(
      watch.stderr,
      /^watch: nothing ran: it runs with the next change$/m,
    );
    await Deno.writeTextFile(join(dir, "go"), "");
    assert.equal((await other).code, 0);
    await Deno.writeTextFile(join(dir, "lint/x.txt"), "y\n");
    await watch.watching(3);
    assert.match(
      watch.stdout,
      /^watch: changed: lint\/x\.txt → BUILD, LINT \(2 tasks\)$/m,
    );
    assert.equal(await Deno.readTextFile(join(dir, "out.txt")), "two\n");
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a long list of changes or tasks is cut to one line", async () => {
  const chain = Array.from(
    { length: 10 },
    (_, i) =>
      `  - { id: T${i}, title: t${i}, commands: { c: "true" }${
        i === 0 ? ", inputs: [src/]" : `, dependencies: [T${i - 1}]`
      } }`,
  ).join("\n");
  const dir = await tempProject({
    "orchestrator.yml": `version: 1\ntasks:\n${chain}\n`,
    "src/a": "",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    for (const name of ["a", "b", "c", "d"]) {
      await Deno.writeTextFile(join(dir, "src", name), "x");
    }
    await watch.watching(2);
    assert.match(
      watch.stdout,
      /^watch: changed: src\/a, src\/b, src\/c and 1 more → T0, T1, T2, T3, T4, T5, T6, T7 and 2 more \(10 tasks\)$/m,
    );
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: refused with --dry-run or a resume (exit 2)", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "x\n",
  });
  for (
    const args of [["run", "--watch", "--dry-run"], [
      "run",
      "--watch",
      "--resume",
    ]]
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...SOURCE_FLAGS,
        repoPath("src/main.ts"),
        ...args,
      ],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    assert.equal(out.code, 2);
    assert.match(
      new TextDecoder().decode(out.stderr),
      /--watch goes with a plain run/,
    );
  }
});

Deno.test("run --watch: a mistake in a file the plan just began to include is watched, so its fix is seen and runs the new task", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    // The include and its mistake in one go: the plan is invalid.
    await Deno.writeTextFile(
      join(dir, "more.yml"),
      "tasks:\n  - { id: EXTRA, titel: extra, commands: { e: \"sh -c 'echo extra >> extra.log'\" } }\n",
    );
    await Deno.writeTextFile(
      join(dir, "orchestrator.yml"),
      PLAN.replace("version: 1\n", "version: 1\ninclude: [more.yml]\n"),
    );
    await watch.until(
      () => /the plan is invalid: fix it; watching goes on/.test(watch.stderr),
      "the invalid plan's errors",
    );
    assert.match(watch.stderr, /more\.yml:\d+:\d+: Unknown key "titel"/);
    // Fixed in the included file alone.
    await Deno.writeTextFile(
      join(dir, "more.yml"),
      "tasks:\n  - { id: EXTRA, title: extra, commands: { e: \"sh -c 'echo extra >> extra.log'\" } }\n",
    );
    await watch.until(
      () =>
        /^watch: changed: .*more\.yml.* → EXTRA \(1 task\)$/m.test(
          watch.stdout,
        ),
      "the fixed include's task run",
    );
    // The watch's third "watching": after the invalid plan, and after this run.
    await watch.watching(3);
    assert.equal(await Deno.readTextFile(join(dir, "extra.log")), "extra\n");
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: a new file an include glob names is part of the plan: its task runs", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN.replace(
      "version: 1\n",
      "version: 1\ninclude: [tasks/*.yml]\n",
    ),
    "tasks/a.yml":
      "tasks:\n  - { id: AAA, title: a, commands: { a: \"sh -c 'echo a >> a.log'\" } }\n",
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    await Deno.writeTextFile(
      join(dir, "tasks/b.yml"),
      "tasks:\n  - { id: BBB, title: b, commands: { b: \"sh -c 'echo b >> b.log'\" } }\n",
    );
    await watch.until(
      () =>
        /^watch: changed: tasks\/b\.yml → BBB \(1 task\)$/m.test(watch.stdout),
      "the new include's task run",
    );
    await watch.watching(2);
    assert.equal(await Deno.readTextFile(join(dir, "b.log")), "b\n");
    assert.equal(await lines(join(dir, "a.log")), 1, "AAA ran once");
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});

Deno.test("run --watch: an input folder deleted and made again is watched again", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "one\n",
    "lint/x.txt": "x\n",
  });
  const watch = new Watch(dir);
  try {
    await watch.watching(1);
    // As a branch switch does: the folder goes, and another takes its name.
    await Deno.remove(join(dir, "src"), { recursive: true });
    await Deno.mkdir(join(dir, "src"));
    await Deno.writeTextFile(join(dir, "src/a.txt"), "three\n");
    await watch.until(
      async () =>
        await Deno.readTextFile(join(dir, "packed.txt")).catch(() => "") ===
          "three\n",
      "the new folder's content built",
    );
    // An edit in the new folder runs BUILD again.
    const built = await lines(join(dir, "build.log"));
    const watchings = count(watch.stdout, /^watch: watching /gm);
    await watch.watching(watchings);
    await Deno.writeTextFile(join(dir, "src/a.txt"), "four\n");
    await watch.until(
      async () =>
        await Deno.readTextFile(join(dir, "packed.txt")).catch(() => "") ===
          "four\n",
      "the edit in the new folder built",
    );
    assert.ok(await lines(join(dir, "build.log")) > built);
    assert.equal(await watch.stop(), 130);
  } finally {
    watch.kill();
  }
});
