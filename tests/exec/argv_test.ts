import assert from "node:assert/strict";
import { commandArgv } from "../../src/exec/argv.ts";

Deno.test("commandArgv: plain commands and quoted arguments spawn without a shell", async () => {
  assert.deepEqual(await commandArgv("true"), ["true"]);
  assert.deepEqual(await commandArgv("  cargo test --package a-b  "), [
    "cargo",
    "test",
    "--package",
    "a-b",
  ]);
  assert.deepEqual(await commandArgv('echo "a b" c'), ["echo", "a b", "c"]);
  assert.deepEqual(await commandArgv("printf '%s' 'x y'"), [
    "printf",
    "%s",
    "x y",
  ]);
});

Deno.test("commandArgv: shell syntax, variables, globs, builtins and assignments go through sh -c", async () => {
  for (
    const line of [
      "make && make test",
      "echo $HOME",
      "echo ${HOME}",
      "ls *.ts",
      "echo a > f",
      "cd sub",
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
    assert.deepEqual(await commandArgv(line), ["sh", "-c", line], line);
  }
});

Deno.test("commandArgv: results are independent copies", async () => {
  const first = await commandArgv("true x");
  first.push("mutated");
  assert.deepEqual(await commandArgv("true x"), ["true", "x"]);
});
