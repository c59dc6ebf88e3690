/**
 * Issue 15, "a control file that is not a regular file": a folder, FIFO or
 * link where the approvals journal, the run index, a recorded plan or a
 * log should be (left by a task that ran with the user's rights, or by
 * hand) is a clear, recoverable error naming the file, or is set aside;
 * never a permanent exit 74, never a hang, never a write through a link.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  chownTree,
  cliAs,
  outsideDirAs,
  projectAs,
  securityTest,
  type TestUser,
} from "./_rig.ts";

const PLAN = `version: 1
tasks:
  - id: build
    title: Build
    type: chore
    commands:
      build: "true"
  - id: deploy
    title: Deploy
    type: chore
    dependencies: [build]
    approvals: [deploy]
    commands:
      ship: "touch shipped.txt"
`;

const BOUND = { killAfterMs: 60_000 };

/** A project paused at `deploy`, and the paths of its run's files. */
async function paused(user: TestUser) {
  const dir = await projectAs(user, { "orchestrator.yml": PLAN });
  const r = await cliAs(user, ["run"], { cwd: dir, ...BOUND });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  const runs = join(dir, ".codex/runs");
  const run = [...Deno.readDirSync(runs)].find((e) =>
    e.name.endsWith(".jsonl")
  )!.name.slice(0, -".jsonl".length);
  return {
    dir,
    runs,
    log: join(runs, `${run}.jsonl`),
    journal: join(runs, run, "approvals.jsonl"),
    index: join(runs, "index"),
    folder: join(runs, run),
  };
}

async function mkfifo(path: string): Promise<void> {
  const out = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(out.success);
}

async function shipped(dir: string): Promise<boolean> {
  return await Deno.lstat(join(dir, "shipped.txt")).then(
    () => true,
    () => false,
  );
}

/** status, approve and resume all work; the approval lands; nothing exits 74. */
async function recovers(user: TestUser, dir: string, named: RegExp) {
  const status = await cliAs(user, ["status"], { cwd: dir, ...BOUND });
  assert.equal(status.code, 3, status.stdout + status.stderr);
  assert.match(status.stderr, named);
  const approve = await cliAs(user, ["approve", "deploy"], {
    cwd: dir,
    ...BOUND,
  });
  assert.equal(approve.code, 0, approve.stderr);
  const resume = await cliAs(user, ["resume"], { cwd: dir, ...BOUND });
  assert.equal(resume.code, 0, resume.stdout + resume.stderr);
  assert.equal(await shipped(dir), true);
}

for (const kind of ["folder", "fifo", "link"] as const) {
  securityTest(
    `control files: an approvals journal that is a ${kind} is named, set aside by approve, and the run goes on`,
    async (user) => {
      const p = await paused(user);
      const outside = await outsideDirAs(user);
      const victim = join(outside, "victim");
      await Deno.writeTextFile(victim, "untouched\n");
      if (kind === "folder") await Deno.mkdir(p.journal);
      if (kind === "fifo") await mkfifo(p.journal);
      if (kind === "link") await Deno.symlink(victim, p.journal);
      await chownTree(p.folder, user);
      await recovers(user, p.dir, /approvals\.jsonl.*not a regular file/);
      assert.equal(await Deno.readTextFile(victim), "untouched\n");
    },
  );
}

for (const kind of ["folder", "fifo"] as const) {
  securityTest(
    `control files: a run index that is a ${kind} does not stop status, approve, resume or a new run`,
    async (user) => {
      const p = await paused(user);
      await Deno.remove(p.index);
      if (kind === "folder") await Deno.mkdir(p.index);
      else await mkfifo(p.index);
      await chownTree(p.runs, user);
      const status = await cliAs(user, ["status"], { cwd: p.dir, ...BOUND });
      assert.equal(status.code, 3, status.stdout + status.stderr);
      assert.equal(
        (await cliAs(user, ["approve", "deploy"], { cwd: p.dir, ...BOUND }))
          .code,
        0,
      );
      const resume = await cliAs(user, ["resume"], { cwd: p.dir, ...BOUND });
      assert.equal(resume.code, 0, resume.stdout + resume.stderr);
      const again = await cliAs(user, ["run"], { cwd: p.dir, ...BOUND });
      assert.equal(again.code, 3, again.stdout + again.stderr);
    },
  );
}

securityTest(
  "control files: a recorded plan that is a folder does not stop status or resume",
  async (user) => {
    const p = await paused(user);
    const plan =
      [...Deno.readDirSync(p.folder)].find((e) => e.name.startsWith("plan-"))!
        .name;
    await Deno.remove(join(p.folder, plan));
    await Deno.mkdir(join(p.folder, plan));
    await chownTree(p.folder, user);
    const status = await cliAs(user, ["status"], { cwd: p.dir, ...BOUND });
    assert.notEqual(status.code, 74, status.stderr);
    assert.notEqual(status.code, 70, status.stderr);
    const approve = await cliAs(user, ["approve", "deploy"], {
      cwd: p.dir,
      ...BOUND,
    });
    assert.notEqual(approve.code, 74, approve.stderr);
    const resume = await cliAs(user, ["resume"], { cwd: p.dir, ...BOUND });
    assert.notEqual(resume.code, 74, resume.stderr);
    assert.notEqual(resume.code, 70, resume.stderr);
  },
);

securityTest(
  "control files: a run log replaced by a link is never written through",
  async (user) => {
    const p = await paused(user);
    const outside = await outsideDirAs(user);
    const copy = join(outside, "log.jsonl");
    await Deno.copyFile(p.log, copy);
    const before = await Deno.readTextFile(copy);
    await Deno.remove(p.log);
    await Deno.symlink(copy, p.log);
    await chownTree(p.runs, user);
    for (
      const args of [["status"], ["approve", "deploy"], ["resume"], ["run"]]
    ) {
      const r = await cliAs(user, args, { cwd: p.dir, ...BOUND });
      assert.notEqual(r.code, 70, `${args}: ${r.stderr}`);
    }
    assert.equal(await Deno.readTextFile(copy), before);
  },
);

securityTest(
  "control files: a lock that is a folder is named with what to do; once moved away, runs work again",
  async (user) => {
    const p = await paused(user);
    const lock = join(p.dir, ".codex/lock");
    await Deno.mkdir(lock);
    await chownTree(lock, user);
    const status = await cliAs(user, ["status"], { cwd: p.dir, ...BOUND });
    assert.equal(status.code, 3, status.stderr);
    const run = await cliAs(user, ["run"], { cwd: p.dir, ...BOUND });
    assert.match(
      run.stderr,
      /\.codex\/lock is a folder, not a regular file: .*Move it away/,
    );
    await Deno.remove(lock);
    const again = await cliAs(user, ["run"], { cwd: p.dir, ...BOUND });
    assert.equal(again.code, 3, again.stdout + again.stderr);
  },
);
