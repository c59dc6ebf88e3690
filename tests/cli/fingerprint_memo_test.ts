/**
 * A task's fingerprint kept with the exact text it hashed (in the stat
 * cache's file), through the CLI: used only when the text computed now is
 * the same string, so what it answers is what hashing would; otherwise the
 * text is hashed and the kept pair replaced.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { RACY_MS, STAT_CACHE_FILE } from "../../src/engine/stat_cache.ts";

const PLAN = `version: 1
tasks:
  - id: A
    title: copy
    inputs: ["in/a.txt"]
    outputs: ["out/a.txt"]
    commands: { copy: "mkdir -p out && cp in/a.txt out/a.txt" }
  - id: B
    title: after A
    dependencies: [A]
    inputs: ["out/a.txt"]
    outputs: ["out/b.txt"]
    commands: { copy: "cp out/a.txt out/b.txt" }
`;

/** Past the racy window (ctime has whole seconds). */
const settle = () => new Promise((r) => setTimeout(r, 1000 + RACY_MS + 50));

/** What the latest run did with each task: completed or skipped. */
async function run(dir: string, ...args: string[]): Promise<string[]> {
  const r = await cli(["run", ...args], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return (await latestEvents(dir)).filter((e) =>
    e.type === "skipped" || e.type === "task_completed"
  ).map((e) => `${e.task} ${e.type}`);
}

/** The cache file, its kept fingerprints by task id (kept as one flat list: id, text, fingerprint, ...). */
type Cache = {
  file: { prints: string[] };
  prints: Record<string, [string, string]>;
};
async function readCache(dir: string): Promise<Cache> {
  const file = JSON.parse(await Deno.readTextFile(join(dir, STAT_CACHE_FILE)));
  const prints: Record<string, [string, string]> = {};
  for (let i = 0; i < file.prints.length; i += 3) {
    prints[file.prints[i]] = [file.prints[i + 1], file.prints[i + 2]];
  }
  return { file, prints };
}
const writeCache = (dir: string, cache: Cache) => {
  cache.file.prints = Object.entries(cache.prints).flatMap((
    [id, [text, print]],
  ) => [id, text, print]);
  return Deno.writeTextFile(
    join(dir, STAT_CACHE_FILE),
    JSON.stringify(cache.file),
  );
};

/** A project that ran once, its inputs old enough for the cache. */
async function primed(): Promise<string> {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "in/a.txt": "a\n",
  });
  await settle();
  assert.deepEqual(await run(dir), ["A task_completed", "B task_completed"]);
  await settle();
  assert.deepEqual(await run(dir), ["A skipped", "B skipped"]);
  return dir;
}

Deno.test("fingerprint memo: kept with the text it hashed, the sha-256 of that text, as recorded", async () => {
  const dir = await primed();
  const { prints } = await readCache(dir);
  const events = await latestEvents(dir);
  for (const id of ["A", "B"]) {
    const [text, print] = prints[id]!;
    assert.equal(print, createHash("sha256").update(text).digest("hex"));
    const skip = events.find((e) => e.task === id && e.type === "skipped");
    assert.equal((skip as { fingerprint: string }).fingerprint, print);
  }
  // B's text holds A's fingerprint and out/a.txt's hash.
  assert.ok(prints.B![0].includes(prints.A![1]));
  assert.ok(prints.B![0].includes("out/a.txt:"));
});

Deno.test("fingerprint memo: used for exactly the same text (a wrong kept fingerprint makes the task run); --force hashes again", async () => {
  const dir = await primed();
  const cache = await readCache(dir);
  const [text, right] = cache.prints.A!;
  cache.prints.A = [text, "f".repeat(64)];
  await writeCache(dir, cache);
  // The kept pair is trusted for its text: A's fingerprint differs from the one recorded.
  const ran = await run(dir);
  assert.equal(ran[0], "A task_completed");
  assert.equal((await readCache(dir)).prints.A![1], "f".repeat(64));
  await run(dir, "--force");
  assert.deepEqual((await readCache(dir)).prints.A, [text, right]);
  assert.deepEqual(await run(dir), ["A skipped", "B skipped"]);
});

Deno.test("fingerprint memo: another text is hashed, not read from the kept pair, and the pair replaced", async () => {
  const dir = await primed();
  const cache = await readCache(dir);
  const [text, right] = cache.prints.A!;
  // Kept for another text: its fingerprint must not be used for A's.
  cache.prints.A = [`${text}x`, "f".repeat(64)];
  await writeCache(dir, cache);
  assert.deepEqual(await run(dir), ["A skipped", "B skipped"]);
  assert.deepEqual((await readCache(dir)).prints.A, [text, right]);
  // A changed input changes the text: A and B run again.
  await Deno.writeTextFile(join(dir, "in/a.txt"), "b\n");
  assert.deepEqual(await run(dir), ["A task_completed", "B task_completed"]);
  assert.notEqual((await readCache(dir)).prints.A![0], text);
});

Deno.test("fingerprint memo: a task with thousands of inputs is not kept with its text, and is still up to date next time", async () => {
  const files: Record<string, string> = {
    "orchestrator.yml": `version: 1
tasks:
  - id: MANY
    title: reads many files
    inputs: ["in/**"]
    outputs: ["out/n.txt"]
    commands: { count: "sh -c 'mkdir -p out && ls in | wc -l > out/n.txt'" }
  - id: A
    title: copy
    inputs: ["a.txt"]
    outputs: ["out/a.txt"]
    commands: { copy: "sh -c 'mkdir -p out && cp a.txt out/a.txt'" }
`,
    "a.txt": "a\n",
  };
  // Each input adds its path and sha-256 to the text: ~4,000 of them pass 256 KiB.
  for (let i = 0; i < 4000; i++) files[`in/file-${i}.txt`] = `${i}\n`;
  const dir = await tempProject(files);
  // Side by side: in either order.
  assert.deepEqual((await run(dir)).sort(), [
    "A task_completed",
    "MANY task_completed",
  ]);
  await settle();
  assert.deepEqual((await run(dir)).sort(), ["A skipped", "MANY skipped"]);
  const { prints } = await readCache(dir);
  assert.deepEqual(Object.keys(prints), ["A"]);
});
