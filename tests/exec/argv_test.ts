import assert from "node:assert/strict";
import { outputFileName } from "../../src/engine/output_name.ts";
import { join } from "node:path";
import { commandArgv, isOnPath } from "../../src/exec/argv.ts";
import { cli, tempDir, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";

/** A directory holding executables `names` (and a non-executable `data`), for a PATH of its own. */
async function binDir(...names: string[]): Promise<string> {
  const dir = await tempDir("orchestrate-bin-");
  for (const name of names) {
    await Deno.writeTextFile(join(dir, name), "#!/bin/sh\n");
    await Deno.chmod(join(dir, name), 0o755);
  }
  await Deno.writeTextFile(join(dir, "data"), "not a program\n");
  await Deno.chmod(join(dir, "data"), 0o644);
  return dir;
}

Deno.test("commandArgv: plain commands and quoted arguments of a program on PATH spawn without a shell", async () => {
  const path = await binDir("cargo", "printf", "echo", "true");
  assert.deepEqual(await commandArgv("true", path), ["true"]);
  assert.deepEqual(await commandArgv("  cargo test --package a-b  ", path), [
    "cargo",
    "test",
    "--package",
    "a-b",
  ]);
  assert.deepEqual(await commandArgv('echo "a b" c', path), [
    "echo",
    "a b",
    "c",
  ]);
  assert.deepEqual(await commandArgv("printf '%s' 'x y'", path), [
    "printf",
    "%s",
    "x y",
  ]);
  // A path is spawned as named (the runner falls back to the shell if that fails).
  assert.deepEqual(await commandArgv("./configure --x", path), [
    "./configure",
    "--x",
  ]);
});

Deno.test("commandArgv: shell syntax, variables, globs, builtins and assignments go through sh -c", async () => {
  const path = await binDir("make", "echo", "ls", "a", "b", "cd", "read");
  for (
    const line of [
      "make && make test",
      "echo $HOME",
      "echo ${HOME}",
      "ls *.ts",
      "echo a > f",
      "cd sub",
      "cd sub && make",
      "read x",
      "export A=1",
      "A=1 make",
      "echo `date`",
      "echo $(date)",
      "echo a\\ b",
      "echo hi # comment",
      "a | b",
      "~/bin/tool",
    ]
  ) {
    assert.deepEqual(await commandArgv(line, path), ["sh", "-c", line], line);
  }
});

Deno.test("commandArgv: anything that is not an executable on PATH runs under sh -c (built-ins, missing programs)", async () => {
  const path = await binDir("tool");
  for (
    const line of [
      ":",
      ": x",
      "times",
      "readonly X=1",
      "exit 3",
      "set -e",
      "unset X",
      "trap '' INT",
      "umask 022",
      "true",
      "no-such-program-4711 --flag",
      "data",
      "'quoted name' x",
    ]
  ) {
    assert.deepEqual(await commandArgv(line, path), ["sh", "-c", line], line);
  }
  assert.deepEqual(await commandArgv("tool x", path), ["tool", "x"]);
});

Deno.test("isOnPath: executable files only, in any PATH entry, empty entries meaning the current directory", async () => {
  const a = await binDir("first");
  const b = await binDir("second");
  assert.equal(isOnPath("second", `${a}:${b}`), true);
  assert.equal(isOnPath("data", `${a}:${b}`), false, "not executable");
  assert.equal(isOnPath("first", "/no/such/dir:" + a), true);
  assert.equal(isOnPath("third", `${a}:${b}`), false);
  // A directory of that name is not a program.
  await Deno.mkdir(join(a, "subdir"));
  assert.equal(isOnPath("subdir", a), false);
});

Deno.test("commandArgv: results are independent copies", async () => {
  const path = await binDir("true");
  const first = await commandArgv("true x", path);
  first.push("mutated");
  assert.deepEqual(await commandArgv("true x", path), ["true", "x"]);
});

Deno.test("run: shell built-ins work as commands (`:`, `times`, `readonly`, `exit 3`); a missing program exits 127", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator: { strategy: keep_going }
tasks:
  - id: A
    title: built-ins
    commands: { colon: ":", times: "times", readonly: "readonly X=1", set: "set -e" }
  - id: B
    title: exit code of the shell
    commands: { three: "exit 3" }
  - id: C
    title: a program that does not exist
    commands: { missing: "no-such-program-4711 --help" }
`,
  });
  const r = await cli(["run", "--no-build"], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const statuses = new Map(
    (await latestEvents(dir)).flatMap((e) =>
      e.type === "command_run" ? [[`${e.task}.${e.name}`, e.status]] : []
    ),
  );
  assert.deepEqual(Object.fromEntries(statuses), {
    "A.colon": 0,
    "A.times": 0,
    "A.readonly": 0,
    "A.set": 0,
    "B.three": 3,
    "C.missing": 127,
  });
  const missing = (await Array.fromAsync(
    Deno.readDir(join(dir, ".codex/runs")),
  )).find((e) => e.isDirectory)!;
  const log = await Deno.readTextFile(
    join(
      dir,
      ".codex/runs",
      missing.name,
      outputFileName({
        task: "C",
        shard: null,
        step: "command",
        name: "missing",
        attempt: 1,
      }),
    ),
  );
  assert.match(log, /no-such-program-4711: .*not found/);
});
