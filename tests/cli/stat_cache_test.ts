/**
 * The stat cache in front of input hashes, through the CLI: a change the
 * stat alone could miss is still seen (same size, same mtime, another file
 * moved in, a clock set back), and what did not change is not re-run.
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
    commands: { copy: "mkdir -p out && cp in/a.txt out/a.txt && echo x >> count" }
`;

async function project(): Promise<string> {
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "in/a.txt": "aaaa\n",
  });
  await settle();
  return dir;
}

/** Past the racy window (ctime has whole seconds): what was just written can be trusted from the cache. */
const settle = () => new Promise((r) => setTimeout(r, 1000 + RACY_MS + 50));

/** What the latest run did with task A: completed or skipped (why). */
async function runA(dir: string, ...args: string[]): Promise<string> {
  const r = await cli(["run", ...args], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const e = (await latestEvents(dir)).find((e) =>
    e.task === "A" && (e.type === "skipped" || e.type === "task_completed")
  );
  assert.ok(e);
  return e.type === "skipped" ? `skipped: ${e.reason}` : "completed";
}

async function entry(dir: string): Promise<[string, string, number]> {
  const cache = JSON.parse(await Deno.readTextFile(join(dir, STAT_CACHE_FILE)));
  return cache.files["in/a.txt"];
}

async function sh(dir: string, script: string): Promise<void> {
  const r = await new Deno.Command("sh", { args: ["-c", script], cwd: dir })
    .output();
  assert.ok(r.success, new TextDecoder().decode(r.stderr));
}

/** A project whose A ran once and whose cache entry for in/a.txt is trusted. */
async function primed(): Promise<string> {
  const dir = await project();
  assert.equal(await runA(dir), "completed");
  assert.equal(await runA(dir), "skipped: up to date");
  await settle();
  return dir;
}

Deno.test("stat cache: an unchanged input is read from the cache, its entry kept as it was", async () => {
  const dir = await primed();
  const before = await entry(dir);
  const sha = (await new Deno.Command("sha256sum", {
    args: ["in/a.txt"],
    cwd: dir,
  }).output()).stdout;
  assert.equal(before[1], new TextDecoder().decode(sha).split(" ")[0]);
  assert.equal(await runA(dir), "skipped: up to date");
  assert.deepEqual(await entry(dir), before, "a hit does not hash again");
});

Deno.test("stat cache: a change within the same second, same size, mtime put back, is seen", async () => {
  const dir = await primed();
  await sh(
    dir,
    `m=$(stat -c %.9Y in/a.txt) && printf 'bbbb\\n' > in/a.txt && touch -d "@$m" in/a.txt && [ "$(stat -c %.9Y in/a.txt)" = "$m" ]`,
  );
  assert.equal(await runA(dir), "completed");
  assert.equal(await Deno.readTextFile(join(dir, "out/a.txt")), "bbbb\n");
});

Deno.test("stat cache: a file replaced by another of the same size and mtime is seen", async () => {
  const dir = await primed();
  await sh(
    dir,
    `printf 'cccc\\n' > other && touch -d "@$(stat -c %.9Y in/a.txt)" other && mv other in/a.txt`,
  );
  assert.equal(await runA(dir), "completed");
  assert.equal(await Deno.readTextFile(join(dir, "out/a.txt")), "cccc\n");
});

Deno.test("stat cache: a touched but unchanged file is hashed again and stays up to date", async () => {
  const dir = await primed();
  const before = await entry(dir);
  await sh(dir, "touch in/a.txt");
  assert.equal(await runA(dir), "skipped: up to date");
  const after = await entry(dir);
  assert.notEqual(after[0], before[0], "the entry has the new stat");
  assert.equal(after[1], before[1]);
  assert.equal(await Deno.readTextFile(join(dir, "count")), "x\n");
});

Deno.test("stat cache: a clock that goes backwards (an mtime in the past) neither hides a change nor re-runs an unchanged file", async () => {
  const dir = await primed();
  // Unchanged content, mtime set years back: still up to date.
  await sh(dir, `touch -d "2001-02-03 04:05:06" in/a.txt`);
  assert.equal(await runA(dir), "skipped: up to date");
  // Right after that run (often within the second of the cached ctime, which
  // Deno gives in whole seconds): changed content, same size, same inode, the
  // same old mtime. Only the racy rule can tell.
  // Changed content (same size), mtime set back as the cached one: seen.
  await sh(
    dir,
    `printf 'dddd\\n' > in/a.txt && touch -d "2001-02-03 04:05:06" in/a.txt`,
  );
  assert.equal(await runA(dir), "completed");
  assert.equal(await Deno.readTextFile(join(dir, "out/a.txt")), "dddd\n");
  assert.equal(await Deno.readTextFile(join(dir, "count")), "x\nx\n");
});

Deno.test("stat cache: --force hashes every input again (a wrong entry is replaced)", async () => {
  const dir = await primed();
  const [key, hash, at] = await entry(dir);
  const wrong = "0".repeat(64);
  const path = join(dir, STAT_CACHE_FILE);
  const cache = JSON.parse(await Deno.readTextFile(path));
  cache.files["in/a.txt"] = [key, wrong, at];
  await Deno.writeTextFile(path, JSON.stringify(cache));
  // The entry is trusted (its stat matches): the wrong hash makes A run.
  assert.equal(await runA(dir), "completed");
  assert.equal((await entry(dir))[1], wrong);
  assert.equal(await runA(dir, "--force"), "completed");
  assert.equal((await entry(dir))[1], hash);
  assert.equal(await runA(dir), "skipped: up to date");
});

Deno.test("stat cache: an unreadable or foreign cache file is ignored and rewritten", async () => {
  const dir = await primed();
  await Deno.writeTextFile(join(dir, STAT_CACHE_FILE), "not json");
  assert.equal(await runA(dir), "skipped: up to date");
  assert.equal((await entry(dir)).length, 3);
});

Deno.test("no-op re-run: the skips of up-to-date tasks are written together, before completed", async () => {
  const tasks = Array.from({ length: 30 }, (_, i) => {
    const id = `T${i}`;
    const dep = i >= 10 ? `\n    dependencies: [T${i - 10}]` : "";
    return `  - id: ${id}
    title: ${id}${dep}
    inputs: ["in/${id}"]
    outputs: ["out/${id}"]
    commands: { c: "mkdir -p out && cp in/${id} out/${id}" }`;
  });
  const files: Record<string, string> = {
    "orchestrator.yml": `version: 1\ntasks:\n${tasks.join("\n")}\n`,
  };
  for (let i = 0; i < 30; i++) files[`in/T${i}`] = `${i}\n`;
  const dir = await tempProject(files);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const events = await latestEvents(dir);
  const skips = events.filter((e) => e.type === "skipped");
  assert.equal(skips.length, 30);
  assert.ok(
    skips.every((e) => e.type === "skipped" && e.reason === "up to date"),
  );
  // One append stamps its events alike: a few batches at most, never one a task.
  assert.ok(new Set(skips.map((e) => e.ts)).size <= 3);
  const types = events.map((e) => e.type);
  assert.equal(types.at(-1), "completed");
  assert.ok(types.lastIndexOf("skipped") < types.indexOf("completed"));
  assert.match(r.stdout + r.stderr, /30 skipped/);
});

Deno.test("stat cache: a link planted at .codex/cache is set aside, never written through", async () => {
  const dir = await project();
  const outside = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, ".codex"), { recursive: true });
  await Deno.symlink(outside, join(dir, ".codex/cache"));
  assert.equal(await runA(dir), "completed");
  assert.deepEqual(await Array.fromAsync(Deno.readDir(outside)), []);
  assert.ok((await Deno.lstat(join(dir, ".codex/cache"))).isDirectory);
  assert.equal((await entry(dir)).length, 3);
  await Deno.remove(outside, { recursive: true });
});

Deno.test("stat cache: an input written just before the run is hashed again at its end once old enough, so the next run trusts its entry", async () => {
  const dir = await tempProject({
    // A is done at once (both its hashes racy); B keeps the run going 1.3 s.
    "orchestrator.yml":
      `${PLAN}  - id: B\n    title: wait\n    dependencies: [A]\n    commands: { wait: "sleep 1.3" }\n`,
    "in/a.txt": "aaaa\n",
  });
  // No settle: the input's ctime is this second, its first hash racy.
  assert.equal(await runA(dir), "completed");
  const [, hash, statAt] = await entry(dir);
  const info = await Deno.stat(join(dir, "in/a.txt"));
  const newest = Math.max(
    info.mtime!.getTime(),
    info.ctime!.getTime() + 999,
  );
  // Hashed again at the run's end (after B's 1.3 s): trusted as it stands.
  assert.ok(
    newest < statAt - RACY_MS,
    `entry taken at ${statAt}, file changed up to ${newest}`,
  );
  assert.equal(
    hash,
    createHash("sha256").update("aaaa\n").digest("hex"),
  );
  assert.equal(await runA(dir), "skipped: up to date");
});

Deno.test("stat cache: a task or input the plan no longer has is forgotten after a whole-plan run; a run of a selection or one that failed forgets no file", async () => {
  const two = `${PLAN}  - id: B
    title: other
    inputs: ["in/b.txt"]
    commands: { b: "true" }
`;
  const dir = await tempProject({
    "orchestrator.yml": two,
    "in/a.txt": "aaaa\n",
    "in/b.txt": "bbbb\n",
  });
  const cache = async () => {
    const c = JSON.parse(await Deno.readTextFile(join(dir, STAT_CACHE_FILE)));
    const prints = (c.prints as string[]).filter((_, i) => i % 3 === 0);
    return { files: Object.keys(c.files).sort(), prints: prints.sort() };
  };
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.deepEqual(await cache(), {
    files: ["in/a.txt", "in/b.txt"],
    prints: ["A", "B"],
  });
  // A run of a selection keeps the files and fingerprints of what it left out.
  assert.equal((await cli(["run", "--task", "A"], { cwd: dir })).code, 0);
  assert.deepEqual(await cache(), {
    files: ["in/a.txt", "in/b.txt"],
    prints: ["A", "B"],
  });
  // B goes from the plan (its fingerprint with it); A's change fails the
  // run, which did not ask every task for its inputs: no file is forgotten.
  await Deno.writeTextFile(join(dir, "in/a.txt"), "changed\n");
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    PLAN.replace("mkdir -p out &&", "exit 1 &&"),
  );
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  assert.deepEqual(await cache(), {
    files: ["in/a.txt", "in/b.txt"],
    prints: ["A"],
  });
  // A whole-plan run that decided every task: in/b.txt is forgotten.
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), PLAN);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.deepEqual(await cache(), { files: ["in/a.txt"], prints: ["A"] });
});
