import assert from "node:assert/strict";
import { join } from "node:path";
import { tempProject } from "../_cli.ts";
import {
  distrustFolders,
  errorReason,
  matchFiles,
  outputsPresent,
  resolveInside,
  trustFolders,
} from "../../src/engine/files.ts";

Deno.test("matchFiles: paths, folders and globs, skipping .git, .codex and node_modules", async () => {
  const root = await tempProject({
    "README.md": "",
    "src/a.ts": "",
    "src/deep/b.ts": "",
    "src/c.js": "",
    ".git/config": "",
    "node_modules/x/index.ts": "",
    ".codex/runs/r.jsonl": "",
  });
  assert.deepEqual((await matchFiles(root, ["src/**/*.ts"])).files, [
    "src/a.ts",
    "src/deep/b.ts",
  ]);
  assert.deepEqual((await matchFiles(root, ["./src/", "README.md"])).files, [
    "README.md",
    "src/a.ts",
    "src/c.js",
    "src/deep/b.ts",
  ]);
  assert.deepEqual((await matchFiles(root, ["."])).files, [
    "README.md",
    "src/a.ts",
    "src/c.js",
    "src/deep/b.ts",
  ]);
  assert.deepEqual(
    (await matchFiles(root, ["missing", "nope/*.ts"])).files,
    [],
  );
});

Deno.test("matchFiles: a symlink inside the root is followed; one leading out is reported, not followed", async () => {
  const elsewhere = await tempProject({ "secret.txt": "", "sub/x.txt": "" });
  const root = await tempProject({ "docs/guide.md": "", "lib/real.md": "" });
  await Deno.symlink("../lib/real.md", join(root, "docs/alias.md"));
  await Deno.symlink("../lib", join(root, "docs/lib"));
  await Deno.symlink(join(elsewhere, "secret.txt"), join(root, "docs/out.txt"));
  await Deno.symlink(elsewhere, join(root, "outdir"));
  await Deno.symlink("nowhere", join(root, "docs/dangling.md"));
  const docs = await matchFiles(root, ["docs"]);
  assert.deepEqual(docs.files, [
    "docs/alias.md",
    "docs/guide.md",
    "docs/lib/real.md",
  ]);
  assert.deepEqual(docs.outside, ["docs/out.txt"]);
  assert.deepEqual((await matchFiles(root, ["docs/*.md"])).outside, []);
  assert.deepEqual((await matchFiles(root, ["**/*.txt"])).outside, [
    "docs/out.txt",
    "outdir",
  ]);
  assert.deepEqual((await matchFiles(root, ["outdir/sub/x.txt"])).outside, [
    "outdir/sub/x.txt",
  ]);
  assert.deepEqual((await matchFiles(root, ["outdir/*.txt"])).outside, [
    "outdir",
  ]);
  assert.deepEqual(await resolveInside(root, "docs/out.txt"), {
    kind: "outside",
  });
  assert.deepEqual(await resolveInside(root, "docs/dangling.md"), {
    kind: "missing",
  });
});

Deno.test("matchFiles: a symlink loop ends", async () => {
  const root = await tempProject({ "a/file.txt": "" });
  await Deno.symlink("..", join(root, "a/up"));
  await Deno.symlink("loop", join(root, "a/loop"));
  assert.deepEqual((await matchFiles(root, ["**/*.txt"])).files, [
    "a/file.txt",
  ]);
});

Deno.test("matchFiles: a named FIFO is reported as special; one found by a walk is skipped", async () => {
  const root = await tempProject({ "d/a.txt": "" });
  const made = await new Deno.Command("mkfifo", { args: [join(root, "d/p")] })
    .output();
  assert.ok(made.success);
  assert.deepEqual(await matchFiles(root, ["d/p"]), {
    files: [],
    outside: [],
    special: ["d/p"],
    unreadable: [],
    stats: new Map(),
  });
  assert.deepEqual((await matchFiles(root, ["d"])).files, ["d/a.txt"]);
});

Deno.test("outputsPresent: every declared output must name a file", async () => {
  const root = await tempProject({ "dist/app.js": "", "out/report.txt": "" });
  assert.equal(await outputsPresent(root, { outputs: [] }), true);
  assert.equal(
    await outputsPresent(root, { outputs: ["dist/*.js", "out"] }),
    true,
  );
  assert.equal(
    await outputsPresent(root, { outputs: ["dist/*.js", "dist/*.map"] }),
    false,
  );
  assert.equal(await outputsPresent(root, { outputs: ["build/app"] }), false);
  await Deno.mkdir(join(root, "empty"));
  assert.equal(
    await outputsPresent(root, { outputs: ["empty"] }),
    false,
    "an empty folder is not an output",
  );
  const elsewhere = await tempProject({ "app.js": "" });
  await Deno.symlink(join(elsewhere, "app.js"), join(root, "linked.js"));
  assert.equal(
    await outputsPresent(root, { outputs: ["linked.js"] }),
    false,
    "a link out of the root is not an output inside it",
  );
});

Deno.test("outputsPresent: a path names a file directly, through a link inside the root, or in a folder; a FIFO or a link out does not", async () => {
  const root = await tempProject({ "out/report.txt": "", "src/a.txt": "" });
  const present = (outputs: string[]) => outputsPresent(root, { outputs });
  assert.equal(await present(["out/report.txt"]), true);
  assert.equal(await present(["./out//report.txt"]), true, "normalized");
  assert.equal(await present(["out/missing.txt"]), false);
  await Deno.symlink(join(root, "src"), join(root, "alias"));
  assert.equal(await present(["alias/a.txt"]), true, "a link inside the root");
  assert.equal(await present(["alias"]), true, "a linked folder with a file");
  const elsewhere = await tempProject({ "b.txt": "" });
  await Deno.symlink(elsewhere, join(root, "away"));
  assert.equal(await present(["away/b.txt"]), false, "through a link out");
  const mkfifo = new Deno.Command("mkfifo", { args: [join(root, "pipe")] });
  assert.ok((await mkfifo.output()).success);
  assert.equal(await present(["pipe"]), false, "a FIFO is not an output");
  assert.equal(await present(["out/report.txt", "pipe"]), false);
});

Deno.test("errorReason: short reasons without Deno's path suffix", () => {
  assert.equal(
    errorReason(new Deno.errors.PermissionDenied("Permission denied")),
    "permission denied",
  );
  assert.equal(
    errorReason(new Error("Input/output error (os error 5): read '/x'")),
    "Input/output error",
  );
});

Deno.test("matchFiles: a glob enters only folders that can hold matches; braces may span a slash", async () => {
  const root = await tempProject({
    "docs/a/x.md": "",
    "docs/b/y.md": "",
    "src/z.md": "",
    "top.txt": "",
  });
  await Deno.mkdir(join(root, "locked"));
  await Deno.chmod(join(root, "locked"), 0o000);
  try {
    const top = await matchFiles(root, ["*.txt"]);
    assert.deepEqual(top.files, ["top.txt"]);
    assert.deepEqual(top.unreadable, [], "locked/ cannot hold *.txt");
    assert.deepEqual((await matchFiles(root, ["{docs/a,src}/*.md"])).files, [
      "docs/a/x.md",
      "src/z.md",
    ]);
    assert.deepEqual((await matchFiles(root, ["docs/*/y.md"])).files, [
      "docs/b/y.md",
    ]);
  } finally {
    await Deno.chmod(join(root, "locked"), 0o700);
  }
});

Deno.test("outputsPresent: outputs in a trusted folder answered from its listing answer as their lstats do", async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`out/f${i}`] = "";
  const root = await tempProject({ ...files, "out/sub/x": "", "src/a": "" });
  await Deno.mkdir(join(root, "out/empty"));
  await Deno.symlink(join(root, "src/a"), join(root, "out/alias"));
  await Deno.symlink(join(root, "src"), join(root, "out/dir_alias"));
  const elsewhere = await tempProject({ "b": "" });
  await Deno.symlink(join(elsewhere, "b"), join(root, "out/away"));
  await Deno.symlink(join(root, "nowhere"), join(root, "out/dangling"));
  const mkfifo = new Deno.Command("mkfifo", { args: [join(root, "out/pipe")] });
  assert.ok((await mkfifo.output()).success);
  const names = [
    ...Object.keys(files),
    "out/missing",
    "out/sub",
    "out/empty",
    "out/alias",
    "out/dir_alias",
    "out/away",
    "out/dangling",
    "out/pipe",
  ];
  const answers = async () => {
    const got: boolean[] = [];
    for (const name of names) {
      got.push(await outputsPresent(root, { outputs: [name] }));
    }
    return got;
  };
  const plain = await answers();
  assert.deepEqual(plain.slice(40), [
    false, // missing
    true, // a folder with a file
    false, // an empty folder
    true, // a link to a file inside the root
    true, // a link to a folder inside the root
    false, // a link out
    false, // dangling
    false, // a FIFO
  ]);
  trustFolders();
  try {
    // The folder is listed part way through the first pass: both passes agree.
    assert.deepEqual(await answers(), plain);
    assert.deepEqual(await answers(), plain);
  } finally {
    distrustFolders();
  }
});
