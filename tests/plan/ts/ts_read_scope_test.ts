import assert from "node:assert/strict";
import { join } from "node:path";
import { readScope } from "../../../src/plan/ts/ts_read_scope.ts";

/** A tree: folders and files, then links (path → target). */
async function tree(files: string[], links: [string, string][]) {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  for (const f of files) {
    await Deno.mkdir(join(dir, f, ".."), { recursive: true });
    if (f.endsWith("/")) await Deno.mkdir(join(dir, f), { recursive: true });
    else await Deno.writeTextFile(join(dir, f), "x");
  }
  for (const [path, target] of links) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.symlink(target, join(dir, path));
  }
  return dir;
}

const rel = (dir: string, paths: string[]) =>
  paths.map((p) => p.slice(dir.length) || "/").sort();

Deno.test("readScope: a folder without links leading out is granted whole", async () => {
  const dir = await tree(["a/b.txt", "c.txt"], [["a/link", "../c.txt"], [
    "d",
    "a",
  ]]);
  assert.deepEqual(rel(dir, await readScope(dir)), ["/"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("readScope: links leading out, or nowhere, and the folders holding them are left out; the rest is granted", async () => {
  const outside = await Deno.makeTempDir();
  const dir = await tree(
    ["plan.ts", "clean/x.ts", "deep/one/two/f.txt", "deep/side/s.txt"],
    [
      ["sys", "/"],
      ["deep/one/away", outside],
      ["dangling", "missing-target"],
      ["in-file", "plan.ts"],
      // Inside, but to a folder that leaks: as good as a leak.
      ["clean-alias", "clean"],
      ["deep-alias", "deep/one"],
    ],
  );
  assert.deepEqual(rel(dir, await readScope(dir)), [
    "/clean",
    "/clean-alias",
    "/deep/one/two",
    "/deep/side",
    "/in-file",
    "/plan.ts",
  ]);
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(outside, { recursive: true });
});

Deno.test("readScope: a folder named through a link is granted under both spellings", async () => {
  const dir = await tree(["real/plan.ts"], [["alias", "real"]]);
  const scope = await readScope(join(dir, "alias"));
  assert.deepEqual(scope.sort(), [join(dir, "alias"), join(dir, "real")]);
  await Deno.remove(dir, { recursive: true });
});
