import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "../../src/fs/write_atomic.ts";
import { tempDir } from "../_cli.ts";

Deno.test("writeFileAtomic: replaces the file whole, leaving no temporary file", async () => {
  const dir = await tempDir();
  const path = join(dir, "report.md");
  writeFileAtomic(path, "old\n");
  writeFileAtomic(path, "new\n");
  assert.equal(await Deno.readTextFile(path), "new\n");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
    "report.md",
  ]);
});

Deno.test("writeFileAtomic: a failure names the file asked for, not the temporary one, and keeps its class", async () => {
  const dir = await tempDir();
  await Deno.mkdir(join(dir, "folder"));
  await Deno.writeTextFile(join(dir, "file"), "");
  const cases: [string, new (...args: never[]) => Error, string][] = [
    [
      join(dir, "missing/r.md"),
      Deno.errors.NotFound,
      `No such file or directory (os error 2): write '${dir}/missing/r.md'`,
    ],
    [
      join(dir, "file/r.md"),
      Deno.errors.NotADirectory,
      `Not a directory (os error 20): write '${dir}/file/r.md'`,
    ],
    [
      join(dir, "folder"),
      Deno.errors.IsADirectory,
      `Is a directory (os error 21): write '${dir}/folder'`,
    ],
  ];
  for (const [path, kind, message] of cases) {
    assert.throws(() => writeFileAtomic(path, "x"), (e: unknown) => {
      assert.ok(e instanceof kind, `${path}: ${e}`);
      assert.equal((e as Error).message, message);
      return true;
    });
  }
  // Nothing left behind by the failed writes.
  assert.deepEqual(
    [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
    ["file", "folder"],
  );
});
