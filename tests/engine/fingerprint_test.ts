import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { repoPath, tempProject } from "../_cli.ts";
import { fileSha256, fingerprint } from "../../src/engine/fingerprint.ts";
import type { Task } from "../../src/plan/ir.ts";

/** The sha-256 of a file computed independently, a chunk at a time. */
async function referenceSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of (await Deno.open(path)).readable) {
    hash.update(chunk);
  }
  return hash.digest("hex");
}

Deno.test("fileSha256: a small file's hash is the sha-256 of its content and changes with it", async () => {
  const root = await tempProject({ "a.txt": "hello\n", "empty": "" });
  const file = join(root, "a.txt");
  const before = await fileSha256(file);
  assert.equal(before, await referenceSha256(file));
  assert.equal(
    await fileSha256(join(root, "empty")),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  await Deno.writeTextFile(file, "hello!\n");
  assert.notEqual(await fileSha256(file), before);
});

Deno.test("fileSha256: small files (hashed in plain JS until its budget is spent, then natively) and a larger one give the reference sha-256", async () => {
  const files: Record<string, string> = {};
  // 12 x 200 KiB: past the plain-JS budget (1 MiB) part way; one of 300 KiB: over its size limit.
  for (let i = 0; i < 12; i++) {
    files[`s${i}.txt`] = String.fromCharCode(97 + i).repeat(200 * 1024 - i);
  }
  files["multi.txt"] = "é€𝄞".repeat(1000);
  files["large.txt"] = "z".repeat(300 * 1024);
  const root = await tempProject(files);
  for (const name of Object.keys(files)) {
    const path = join(root, name);
    assert.equal(await fileSha256(path), await referenceSha256(path), name);
  }
});

Deno.test("fileSha256: a 64 MiB file streams to the same sha-256 and changes with one byte", async () => {
  const root = await tempProject();
  const file = join(root, "big.bin");
  const f = await Deno.open(file, { write: true, create: true });
  await f.truncate(64 * 1024 * 1024); // sparse: cheap to make
  f.close();
  const before = await fileSha256(file);
  assert.equal(before, await referenceSha256(file));
  const g = await Deno.open(file, { write: true });
  await g.seek(50 * 1024 * 1024, Deno.SeekMode.Start);
  await g.write(new Uint8Array([1]));
  g.close();
  const after = await fileSha256(file);
  assert.notEqual(after, before);
  assert.equal(after, await referenceSha256(file));
});

Deno.test("fingerprint: deterministic, and changes when an input's content changes", async () => {
  const root = await tempProject({ "src/a.ts": "a", "src/b.ts": "b" });
  const task = { inputs: ["src/*.ts"] } as unknown as Task;
  const first = await fingerprint(root, task, "def", []);
  assert.ok(first !== null);
  assert.equal(await fingerprint(root, task, "def", []), first);
  await Deno.writeTextFile(join(root, "src/b.ts"), "B");
  const second = await fingerprint(root, task, "def", []);
  assert.notEqual(second, first);
  assert.notEqual(await fingerprint(root, task, "other", []), second);
  assert.equal(
    await fingerprint(root, { inputs: [] } as unknown as Task, "def", []),
    null,
  );
  assert.equal(await fingerprint(root, task, "def", [null]), null);
});

Deno.test("fingerprint: a 64 MiB input raises peak memory by far less than its size", async () => {
  const root = await tempProject();
  for (const [name, size] of [["warm.bin", 5], ["big.bin", 64]] as const) {
    const f = await Deno.open(join(root, name), { write: true, create: true });
    await f.truncate(size * 1024 * 1024);
    f.close();
  }
  // A fresh process, so the peak (VmHWM) belongs to this fingerprint alone.
  const script = join(root, "measure.ts");
  await Deno.writeTextFile(
    script,
    `import { fingerprint } from ${
      JSON.stringify(repoPath("src/engine/fingerprint.ts"))
    };
const peak = async () => Number(/VmHWM:\\s*(\\d+)/.exec(await Deno.readTextFile("/proc/self/status"))![1]);
const print = (inputs: string[]) => fingerprint(${
      JSON.stringify(root)
    }, { inputs } as never, "d", []);
await print(["warm.bin"]); // loads what hashing needs
const before = await peak();
await print(["big.bin"]);
console.log((await peak()) - before);
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", repoPath("deno.json"), script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const grewKiB = Number(new TextDecoder().decode(out.stdout).trim());
  assert.ok(grewKiB < 24 * 1024, `peak grew by ${grewKiB} KiB`);
});
