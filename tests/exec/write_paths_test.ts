/**
 * Write paths resolved before a spawn (src/exec/write_paths.ts): links
 * where a task could have planted them are refused, paths stay in the
 * project, missing ones are created (folders for a trailing `/`, parents
 * otherwise).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { prepareWritePaths } from "../../src/exec/write_paths.ts";

async function project(): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix: "wp-" }));
}

Deno.test("write paths: existing folders come back as real paths", async () => {
  const root = await project();
  await Deno.mkdir(join(root, "out"));
  assert.deepEqual(prepareWritePaths([join(root, "out")], [], root), {
    paths: [join(root, "out")],
  });
});

Deno.test("write paths: a folder mark creates the folder, its parents too", async () => {
  const root = await project();
  const deep = join(root, "logs/a/b");
  assert.deepEqual(prepareWritePaths([deep], [deep], root), { paths: [deep] });
  assert.ok((await Deno.stat(deep)).isDirectory);
});

Deno.test("write paths: a missing file gets its parent folders and stays unbound", async () => {
  const root = await project();
  const file = join(root, "reports/today/summary.json");
  assert.deepEqual(prepareWritePaths([file], [], root), { paths: [] });
  assert.ok((await Deno.stat(join(root, "reports/today"))).isDirectory);
  await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
});

Deno.test("write paths: a link at a write path, or on the way to one, is refused naming it", async () => {
  const root = await project();
  const outside = await project();
  await Deno.mkdir(join(root, "out"));
  await Deno.symlink(outside, join(root, "out/cache"));
  const at = prepareWritePaths(
    [join(root, "out"), join(root, "out/cache")],
    [],
    root,
  );
  assert.ok("refused" in at);
  assert.match(at.refused, /^write path out\/cache is a symbolic link/);
  const below = prepareWritePaths([join(root, "out/cache/x")], [], root);
  assert.ok("refused" in below);
  assert.match(below.refused, /out\/cache\/x passes through .*out\/cache/);
  // Nothing was created through the link.
  assert.deepEqual([...Deno.readDirSync(outside)], []);
});

Deno.test("write paths: a relative link out of the project is refused too", async () => {
  const root = await project();
  await Deno.symlink("..", join(root, "up"));
  const r = prepareWritePaths([join(root, "up")], [], root);
  assert.ok("refused" in r);
});

Deno.test("write paths: links above the project (not the task's) are followed", async () => {
  const real = await project();
  const alias = `${real}-alias`;
  await Deno.symlink(real, alias);
  try {
    await Deno.mkdir(join(real, "out"));
    assert.deepEqual(prepareWritePaths([join(alias, "out")], [], alias), {
      paths: [join(real, "out")],
    });
  } finally {
    await Deno.remove(alias);
  }
});

Deno.test("write paths: a path outside the project named by the plan is kept", async () => {
  const root = await project();
  const cache = await project();
  assert.deepEqual(prepareWritePaths([cache], [], root), { paths: [cache] });
});
