import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../_cli.ts";
import { describePatch, PatchFormatError } from "../../src/agent/patch_text.ts";
import { changeNotes, summarise } from "../../src/agent/patch.ts";
import { gitIn } from "./_agent_project.ts";

/** The patch git writes for the change `edit` makes to a repository holding `files`. */
async function realPatch(
  files: Record<string, string>,
  edit: (dir: string) => Promise<void>,
): Promise<Uint8Array> {
  const dir = await tempDir();
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), content);
  }
  await gitIn(dir, "init", "-q");
  await gitIn(dir, "add", "-A");
  await gitIn(dir, "commit", "-qm", "init");
  await edit(dir);
  await gitIn(dir, "add", "-A");
  const out = await new Deno.Command("git", {
    args: [
      "-c",
      "core.quotePath=false",
      "diff",
      "--cached",
      "--binary",
      "--full-index",
      "--no-ext-diff",
      "--no-textconv",
      "-M",
      "HEAD",
    ],
    cwd: dir,
    stdout: "piped",
  }).output();
  return out.stdout;
}

Deno.test("patch text: every kind of change git writes, with awkward names, read by old and new path", async () => {
  const bytes = await realPatch({
    "plain.txt": "a\nb\nc\n",
    "with space.txt": "one\n",
    'quote"d\\name.txt': "q\n",
    "ünï.txt": "u\n",
    "gone.txt": "bye\n",
    "old name.cfg": "x=1\ny=2\nz=3\nw=4\n",
    "run.sh": "echo run\n",
    "--- a/trick": "--- a/x\n+++ b/x\n",
  }, async (dir) => {
    await Deno.writeTextFile(join(dir, "plain.txt"), "a\nB\nc\nd\n");
    await Deno.writeTextFile(join(dir, "with space.txt"), "two\n");
    await Deno.writeTextFile(join(dir, 'quote"d\\name.txt'), "q2\n");
    await Deno.writeTextFile(join(dir, "ünï.txt"), "u2\n");
    await Deno.remove(join(dir, "gone.txt"));
    await Deno.rename(join(dir, "old name.cfg"), join(dir, "new name.cfg"));
    await Deno.writeTextFile(
      join(dir, "new name.cfg"),
      "x=1\ny=2\nz=3\nw=5\n",
    );
    await Deno.chmod(join(dir, "run.sh"), 0o755);
    await Deno.symlink("../outside", join(dir, "link"));
    await Deno.writeFile(join(dir, "blob.bin"), new Uint8Array([0, 1, 2, 255]));
    // Removed lines that look like headers must stay inside their hunk.
    await Deno.writeTextFile(join(dir, "--- a/trick"), "+++ b/y\n");
  });
  const entries = describePatch(bytes);
  const by = (path: string) =>
    entries.find((e) => e.newPath === path || e.oldPath === path)!;
  assert.equal(entries.length, 10);
  assert.deepEqual(
    [by("plain.txt").status, by("plain.txt").added, by("plain.txt").removed],
    ["modify", 2, 1],
  );
  assert.equal(by("with space.txt").newPath, "with space.txt");
  assert.equal(by('quote"d\\name.txt').newPath, 'quote"d\\name.txt');
  assert.equal(by("ünï.txt").added, 1);
  assert.deepEqual(
    [by("gone.txt").status, by("gone.txt").newPath],
    ["delete", null],
  );
  const renamed = by("new name.cfg");
  assert.deepEqual(
    [renamed.status, renamed.oldPath, renamed.newPath, renamed.added],
    ["rename", "old name.cfg", "new name.cfg", 1],
  );
  assert.deepEqual(
    [by("run.sh").oldMode, by("run.sh").newMode],
    ["100644", "100755"],
  );
  assert.equal(by("link").symlink, "../outside");
  assert.equal(by("blob.bin").binary, true);
  assert.deepEqual(
    [by("--- a/trick").added, by("--- a/trick").removed],
    [1, 2],
  );
  const summary = await summarise(bytes);
  assert.ok(summary.files.includes("old name.cfg"));
  assert.ok(summary.files.includes("new name.cfg"));
  assert.deepEqual(
    changeNotes(entries).sort(),
    [
      "binary blob.bin",
      "delete gone.txt",
      "mode 100644 -> 100755 run.sh",
      "rename old name.cfg -> new name.cfg",
      "symlink link -> ../outside",
    ],
  );
});

Deno.test("patch text: what git did not write is refused, never guessed at", () => {
  const bad = [
    "not a patch\n",
    "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n",
    "diff --git a/x b/x\nBinary files a/x and b/x differ\n",
  ];
  for (const text of bad) {
    assert.throws(
      () => describePatch(new TextEncoder().encode(text)),
      PatchFormatError,
      text,
    );
  }
});
