/**
 * Issue 15, class 15: orchestrate opens a command's output file without
 * following a link planted at its name (names are stable: see
 * output_name.ts), and never writes its run's files through a planted
 * folder link; what a command prints stays in the run's folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { outputFileName } from "../../src/engine/output_name.ts";
import { cliAs, outsideDirAs, projectAs, securityTest } from "./_rig.ts";

const SECOND = outputFileName({
  task: "second",
  shard: null,
  step: "command",
  name: "say",
  attempt: 1,
});

/** `first` (no permissions: the user's own rights) plants links; `second` prints. */
function plan(first: string): string {
  return `version: 1
tasks:
  - id: first
    title: First
    type: chore
    commands:
      plant: "sh plant.sh"
  - id: second
    title: Second
    type: chore
    dependencies: [first]
    commands:
      say: "echo OUTPUT-OF-SECOND"
${first}`;
}

const FIND_RUN = `log=$(ls .codex/runs/*.jsonl | head -1)
run=$(basename "$log" .jsonl)
`;

securityTest(
  "class 15: a link planted at the next command's output file name is replaced, never written through",
  async (user) => {
    const outside = await outsideDirAs(user);
    const target = join(outside, "victim.txt");
    await Deno.writeTextFile(target, "untouched\n");
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(""),
      "plant.sh": `${FIND_RUN}ln -s '${target}' ".codex/runs/$run/${SECOND}"\n`,
    });
    const r = await cliAs(user, ["run"], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await Deno.readTextFile(target), "untouched\n");
    const runs = join(dir, ".codex/runs");
    const run = [...Deno.readDirSync(runs)].find((e) => e.isDirectory)!.name;
    const out = join(runs, run, SECOND);
    assert.ok((await Deno.lstat(out)).isFile);
    assert.match(await Deno.readTextFile(out), /OUTPUT-OF-SECOND/);
  },
);

securityTest(
  "class 15: a dangling link planted at an output file name does not create a file outside",
  async (user) => {
    const outside = await outsideDirAs(user);
    const target = join(outside, "created.txt");
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(""),
      "plant.sh": `${FIND_RUN}ln -s '${target}' ".codex/runs/$run/${SECOND}"\n`,
    });
    const r = await cliAs(user, ["run"], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await Deno.lstat(target).then(() => true, () => false), false);
  },
);

securityTest(
  "class 15: a link planted at a resume's output folder is never written through",
  async (user) => {
    const outside = await outsideDirAs(user);
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(`  - id: gate
    title: Gate
    type: chore
    dependencies: [second]
    approvals: [go]
    commands:
      say: "echo OUTPUT-OF-GATE"
`),
      "plant.sh": "exit 0\n",
    });
    const r = await cliAs(user, ["run"], { cwd: dir });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const runs = join(dir, ".codex/runs");
    const run = [...Deno.readDirSync(runs)].find((e) => e.isDirectory)!.name;
    // What a task of the user's could leave behind: the next resume's folder, linked outside.
    await Deno.symlink(outside, join(runs, run, "resume-1"));
    assert.equal((await cliAs(user, ["approve", "go"], { cwd: dir })).code, 0);
    const resumed = await cliAs(user, ["resume"], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.match(resumed.stderr, /resume-1 was not a folder: set aside/);
    assert.deepEqual([...Deno.readDirSync(outside)], []);
    assert.ok((await Deno.lstat(join(runs, run, "resume-1"))).isDirectory);
  },
);
