/**
 * `run --watch` driven as a user would: real file changes run the plan
 * again (an input's task and what depends on it), a plan made invalid shows
 * its errors and watching goes on, and Ctrl-C ends it with exit 130.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { repoPath, SOURCE_FLAGS, tempProject } from "../_cli.ts";

const PLAN = `version: 1
tasks:
  - id: BUILD
    title: Build
    inputs: [src/]
    outputs: [out.txt]
    commands: { b: "sh -c 'cat src/a.txt > out.txt'" }
  - id: PACK
    title: Pack
    dependencies: [BUILD]
    commands: { p: "sh -c 'cat out.txt > packed.txt'" }
`;

/** Waits (bounded) until `check` holds; a bound on a hang, not a speed test. */
async function until(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const read = (path: string) => Deno.readTextFile(path).catch(() => "");

Deno.test("run --watch: a changed input runs the plan again; an invalid plan is shown and watching goes on; Ctrl-C ends it (130)", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "src/a.txt": "one\n",
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...SOURCE_FLAGS,
      repoPath("src/main.ts"),
      "run",
      "--watch",
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  try {
    await until(
      async () => (await read(join(dir, "packed.txt"))) === "one\n",
      "the first run",
    );
    // Let the watcher start before changing anything.
    await new Promise((r) => setTimeout(r, 700));
    await Deno.writeTextFile(join(dir, "src/a.txt"), "two\n");
    await until(
      async () => (await read(join(dir, "packed.txt"))) === "two\n",
      "the run after the change",
    );
    await new Promise((r) => setTimeout(r, 700));
    await Deno.writeTextFile(
      join(dir, "orchestrator.yml"),
      PLAN.replace("title: Pack", "titel: Pack"),
    );
    await new Promise((r) => setTimeout(r, 1500));
    await Deno.writeTextFile(join(dir, "orchestrator.yml"), PLAN);
    await Deno.writeTextFile(join(dir, "src/a.txt"), "three\n");
    await until(
      async () => (await read(join(dir, "packed.txt"))) === "three\n",
      "the run after the fix",
    );
    await new Promise((r) => setTimeout(r, 700));
    child.kill("SIGINT");
    const out = await output;
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 130, stdout + stderr);
    assert.match(
      stdout,
      /watch: watching the plan's files and 1 input\/path pattern \(Ctrl-C to stop\)/,
    );
    assert.match(stdout, /watch: changed src\/a\.txt/);
    assert.match(stdout, /watch: stopped/);
    assert.match(stderr, /orchestrator\.yml:\d+:\d+: Unknown key "titel"/);
    assert.match(
      stderr,
      /watch: the plan is invalid: fix it; watching goes on/,
    );
    const runs = (await Deno.readTextFile(join(dir, ".codex/runs/index")))
      .trim().split("\n");
    assert.equal(runs.length, 3, runs.join(" "));
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Ended.
    }
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
