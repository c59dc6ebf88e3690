import assert from "node:assert/strict";
import { join } from "node:path";
import {
  readCachedPlan,
  userDirs,
  writeCachedPlan,
  writeDeferredCachedPlans,
} from "../../src/plan/cache.ts";
import { checkPlan, loadPlan } from "../../src/plan/load.ts";
import { tempDir, tempProject } from "../_cli.ts";

// This process's cache and key live in a folder of their own.
const HOME = await tempDir("orchestrate-cache-test-");
const USER_VARIABLES = ["XDG_CACHE_HOME", "XDG_STATE_HOME"] as const;
const saved = USER_VARIABLES.map((name) => [name, Deno.env.get(name)] as const);
Deno.env.set("XDG_CACHE_HOME", join(HOME, "cache"));
Deno.env.set("XDG_STATE_HOME", join(HOME, "state"));
// The environment outlives this module: later modules' `deno` subprocesses
// would otherwise put Deno's own cache in the removed folder.
globalThis.addEventListener("unload", () => {
  for (const [name, value] of saved) {
    if (value === undefined) Deno.env.delete(name);
    else Deno.env.set(name, value);
  }
});

async function entries(): Promise<string[]> {
  const dir = join(userDirs()!.cache, "plans");
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((e) =>
      join(dir, e.name)
    );
  } catch {
    return [];
  }
}

const MAIN = `version: 1
include: ["tasks/*.yml"]
tasks:
  - { id: A, title: a }
`;

async function project(withCodex = true): Promise<string> {
  const dir = await tempProject({
    "orchestrator.yml": MAIN,
    "tasks/b.yml": "tasks:\n  - { id: B, title: b }\n",
  });
  if (withCodex) await Deno.mkdir(join(dir, ".codex"));
  return dir;
}

Deno.test("cache: a checked plan is reused while the plan and its includes are unchanged", async () => {
  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  assert.equal(await readCachedPlan(file), undefined);
  const first = await loadPlan(file);
  assert.ok(first.ok);
  const hit = await readCachedPlan(file);
  assert.ok(hit);
  assert.deepEqual(hit.plan, first.value.plan);
  assert.equal(hit.hash, first.value.hash);
  const again = await loadPlan(file);
  assert.ok(again.ok);
  assert.deepEqual(again.value, first.value);
});

Deno.test("cache: any change to the plan, an included file, or the include expansion misses", async () => {
  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  assert.ok((await checkPlan(file)).ok);
  assert.ok(await readCachedPlan(file));

  await Deno.writeTextFile(
    join(dir, "tasks/b.yml"),
    "tasks:\n  - { id: B, title: changed }\n",
  );
  assert.equal(await readCachedPlan(file), undefined, "included file changed");
  const changed = await checkPlan(file);
  assert.ok(changed.ok);
  assert.equal(changed.value.plan.tasks[1]!.title, "changed");

  await Deno.writeTextFile(
    join(dir, "tasks/c.yml"),
    "tasks:\n  - { id: C, title: c }\n",
  );
  assert.equal(
    await readCachedPlan(file),
    undefined,
    "a new file matches the include",
  );
  const grown = await checkPlan(file);
  assert.ok(grown.ok);
  assert.deepEqual(grown.value.plan.tasks.map((t) => t.id), ["A", "B", "C"]);

  await Deno.writeTextFile(file, MAIN.replace("title: a", "title: a2"));
  assert.equal(await readCachedPlan(file), undefined, "plan file changed");
  const edited = await checkPlan(file);
  assert.ok(edited.ok);
  assert.equal(edited.value.plan.tasks[0]!.title, "a2");
});

Deno.test("cache: nothing is written without .codex/, and invalid plans are never cached", async () => {
  const bare = await project(false);
  assert.ok((await loadPlan(join(bare, "orchestrator.yml"))).ok);
  assert.equal(
    await Deno.stat(join(bare, ".codex")).then(() => true, () => false),
    false,
  );

  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  await Deno.writeTextFile(file, "version: 1\ntasks:\n  - { id: A }\n");
  assert.equal((await checkPlan(file)).ok, false);
  assert.equal(await readCachedPlan(file), undefined);
});

Deno.test("cache: entries live in the user's cache folder, never in the project", async () => {
  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  const before = (await entries()).length;
  assert.ok((await loadPlan(file)).ok);
  assert.equal((await entries()).length, before + 1);
  const inProject = await Array.fromAsync(Deno.readDir(join(dir, ".codex")));
  assert.deepEqual(inProject, []);
  assert.deepEqual(userDirs(), {
    cache: join(HOME, "cache", "orchestrate"),
    state: join(HOME, "state", "orchestrate"),
  });
  const key = await Deno.stat(join(HOME, "state", "orchestrate", "cache.key"));
  assert.equal(key.mode! & 0o077, 0, "the key is private to its user");
});

Deno.test("cache: an entry edited by anything but the tool is ignored", async () => {
  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  await Deno.writeTextFile(
    file,
    MAIN.replace(
      "{ id: A, title: a }",
      "{ id: A, title: a, commands: { t: echo real } }",
    ),
  );
  assert.ok((await loadPlan(file)).ok);
  assert.ok(await readCachedPlan(file));
  let tampered = 0;
  for (const path of await entries()) {
    const text = await Deno.readTextFile(path);
    if (!text.includes("echo real")) continue;
    await Deno.writeTextFile(path, text.replace("echo real", "echo pwned"));
    tampered++;
  }
  assert.equal(tampered, 1);
  assert.equal(await readCachedPlan(file), undefined);
  const again = await loadPlan(file);
  assert.ok(again.ok);
  assert.equal(again.value.plan.tasks[0]!.commands[0]!.run, "echo real");
});

Deno.test("cache: a plan checked before its project had .codex/ is recorded once a run made it (writeDeferredCachedPlans)", async () => {
  const dir = await project(false);
  const file = join(dir, "orchestrator.yml");
  const first = await loadPlan(file);
  assert.ok(first.ok);
  await writeDeferredCachedPlans(); // Still no .codex/: still nothing.
  assert.equal(await readCachedPlan(file), undefined);
  await Deno.mkdir(join(dir, ".codex"));
  await writeDeferredCachedPlans();
  const hit = await readCachedPlan(file);
  assert.ok(hit);
  assert.equal(hit.hash, first.value.hash);
  // Changed meanwhile: the recorded check does not match it.
  await Deno.writeTextFile(file, MAIN.replace("title: a", "title: z"));
  assert.equal(await readCachedPlan(file), undefined);
});

Deno.test("cache: a project whose .codex/ is gone is checked afresh, its entry left unread", async () => {
  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  assert.ok((await checkPlan(file)).ok);
  assert.ok(await readCachedPlan(file));
  await Deno.remove(join(dir, ".codex"), { recursive: true });
  assert.equal(await readCachedPlan(file), undefined);
  // Still checked from its files: an edit shows although the entry remains.
  await Deno.writeTextFile(file, MAIN.replace("title: a", "title: fresh"));
  await Deno.mkdir(join(dir, ".codex"));
  assert.equal(await readCachedPlan(file), undefined, "plan file changed");
  const again = await checkPlan(file);
  assert.ok(again.ok);
  assert.equal(again.value.plan.tasks[0]!.title, "fresh");
});

const DEEP = `version: 1
include: ["tasks/**/*.yml"]
tasks:
  - { id: A, title: a }
`;

const task = (id: string) => `tasks:\n  - { id: ${id}, title: ${id} }\n`;

async function ids(file: string): Promise<string[]> {
  const checked = await checkPlan(file);
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.diagnostics));
  return checked.value.plan.tasks.map((t) => t.id);
}

Deno.test("cache: includes are checked by their reads, never served stale: a new match deep under **, a file turned folder, a link pointed elsewhere", async () => {
  const dir = await tempProject({
    "orchestrator.yml": DEEP,
    "tasks/b.yml": task("B"),
    "tasks/x.yml": task("X"),
    "tasks/notes.md": "not a plan file\n",
    "alt1/d.yml": task("D"),
    "alt2/e.yml": task("E"),
    ".codex/keep": "",
  });
  const file = join(dir, "orchestrator.yml");
  await Deno.symlink(join(dir, "alt1"), join(dir, "tasks/linked"));
  assert.deepEqual(await ids(file), ["A", "B", "D", "X"]);
  assert.ok(await readCachedPlan(file), "cached");

  await Deno.writeTextFile(join(dir, "tasks/notes.md"), "edited\n");
  assert.ok(await readCachedPlan(file), "a file no glob names changed");

  await Deno.mkdir(join(dir, "tasks/deep/er"), { recursive: true });
  await Deno.writeTextFile(join(dir, "tasks/deep/er/c.yml"), task("C"));
  assert.equal(await readCachedPlan(file), undefined, "a new match deep down");
  assert.deepEqual(await ids(file), ["A", "B", "C", "D", "X"]);

  await Deno.remove(join(dir, "tasks/x.yml"));
  await Deno.mkdir(join(dir, "tasks/x.yml"));
  await Deno.writeTextFile(join(dir, "tasks/x.yml/y.yml"), task("Y"));
  assert.equal(await readCachedPlan(file), undefined, "a file turned folder");
  assert.deepEqual(await ids(file), ["A", "B", "C", "D", "Y"]);

  await Deno.remove(join(dir, "tasks/linked"));
  await Deno.symlink(join(dir, "alt2"), join(dir, "tasks/linked"));
  assert.equal(await readCachedPlan(file), undefined, "the link re-pointed");
  assert.deepEqual(await ids(file), ["A", "B", "C", "E", "Y"]);

  const away = await tempDir();
  await Deno.writeTextFile(join(away, "f.yml"), task("F"));
  await Deno.remove(join(dir, "tasks/linked"));
  await Deno.symlink(away, join(dir, "tasks/linked"));
  assert.equal(await readCachedPlan(file), undefined, "the link leads outside");
  const refused = await checkPlan(file);
  assert.equal(refused.ok, false);
  assert.match(
    JSON.stringify(!refused.ok && refused.diagnostics),
    /leads outside the project root through a symbolic link/,
  );
});

Deno.test("cache: a check is recorded only when its includes still name exactly the files it read", async () => {
  const other = await project();
  const checked = await checkPlan(join(other, "orchestrator.yml"));
  assert.ok(checked.ok);
  const dir = await project();
  const file = join(dir, "orchestrator.yml");
  const read = new Map([
    [file, MAIN],
    [join(dir, "tasks/b.yml"), "tasks:\n  - { id: B, title: b }\n"],
  ]);
  const record = (sources: Map<string, string>) =>
    writeCachedPlan(
      file,
      { plan: checked.value.plan, hash: null },
      ["tasks/*.yml"],
      sources,
    );
  // A file read by the check, gone before the record: its tasks would stay.
  await record(
    new Map([...read, [join(dir, "tasks/gone.yml"), "tasks: []\n"]]),
  );
  assert.equal(await readCachedPlan(file), undefined);
  await record(read);
  assert.ok(await readCachedPlan(file));
});
