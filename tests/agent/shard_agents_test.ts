import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempDir } from "../_cli.ts";
import { gitIn, gitProject, ofType, runEvents } from "./_agent_project.ts";

const BOUND = { killAfterMs: 90_000 };

/** Two shards of task T, with these `paths.preferred`, each judged by its own command. */
function shardPlan(o: {
  gate: boolean;
  a: string;
  b: string;
  aCheck: string;
  bCheck: string;
  task: string;
}): string {
  return `version: 1
orchestrator:
  approvals: { required: [${o.gate ? "apply_patch" : ""}] }
  agent: { command: "sh agent.sh", attempts: 1 }
tasks:
  - id: T
    title: Two parts
    agent: true
    commands: { whole: "${o.task}" }
    shards:
      - id: A
        title: part a
        paths: { preferred: [${o.a}] }
        commands: { mine: "${o.aCheck}" }
      - id: B
        title: part b
        paths: { preferred: [${o.b}] }
        commands: { mine: "${o.bCheck}" }
`;
}

/**
 * Each shard's agent leaves a start marker and waits (30 s at most) for the
 * other's: only agents working at the same time both get past the wait.
 */
const MEETING_AGENT = `#!/bin/sh
cat > "\${SIDE}/brief-$ORCHESTRATE_SHARD_ID.md"
case "$ORCHESTRATE_SHARD_ID" in
  A) other=B; dir=a ;;
  B) other=A; dir=b ;;
  *) echo "no shard id"; exit 1 ;;
esac
echo "$ORCHESTRATE_SHARD_ID $(pwd)" >> "$SIDE/calls"
touch "$SIDE/started-$ORCHESTRATE_SHARD_ID"
i=0
while [ ! -e "$SIDE/started-$other" ]; do
  i=$((i+1))
  if [ $i -gt 300 ]; then echo "shard $other never started alongside"; exit 1; fi
  sleep 0.1
done
mkdir -p "$dir"
echo "done by $ORCHESTRATE_SHARD_ID" > "$dir/out.txt"
`;

Deno.test("shard agents: disjoint shards run their agents at once, each in its own worktree, judged by its own commands; one combined patch is approved and applied", async () => {
  const dir = await gitProject({
    "orchestrator.yml": shardPlan({
      gate: true,
      a: "a",
      b: "b/",
      aCheck: "grep -q 'done by A' a/out.txt",
      bCheck: "grep -q 'done by B' b/out.txt",
      task: "test -f a/out.txt && test -f b/out.txt",
    }),
    "agent.sh": MEETING_AGENT,
  });
  const side = await tempDir();
  const env = { SIDE: side };
  const run = await cli(["run", "--concurrency", "2"], {
    cwd: dir,
    env,
    ...BOUND,
  });
  assert.equal(run.code, 3, run.stdout + run.stderr);
  assert.match(run.stdout, /awaiting approval: apply_patch/);
  assert.match(run.stdout, /combined\.patch/);

  const events = await runEvents(dir);
  const started = ofType(events, "agent_started");
  assert.deepEqual(started.map((e) => e.shard).sort(), ["A", "B"]);
  assert.notEqual(started[0]!.worktree, started[1]!.worktree);
  assert.deepEqual(
    ofType(events, "agent_finished").map((e) => [e.shard, e.status]).sort(),
    [["A", 0], ["B", 0]],
  );
  assert.deepEqual(
    ofType(events, "patch_proposed").map((e) => [e.shard, e.files]).sort(),
    [["A", ["a/out.txt"]], ["B", ["b/out.txt"]]],
  );
  // Each worktree saw only its own shard's change, yet passed: judged by the shard's own command.
  const calls = (await Deno.readTextFile(join(side, "calls"))).trim().split(
    "\n",
  );
  assert.equal(calls.length, 2);
  const cwds = calls.map((c) => c.split(" ")[1]);
  assert.notEqual(cwds[0], cwds[1]);
  assert.ok(cwds.every((c) => c !== dir));
  // Each brief is the shard's.
  const briefA = await Deno.readTextFile(join(side, "brief-A.md"));
  assert.match(briefA, /A/);
  assert.doesNotMatch(briefA, /part b/);

  const [validated] = ofType(events, "patch_validated");
  assert.equal(ofType(events, "patch_validated").length, 1);
  assert.equal(validated!.shard, null);
  assert.deepEqual(validated!.files, ["a/out.txt", "b/out.txt"]);
  // The task's own command judged the combined result.
  assert.ok(
    events.some((e) =>
      e.type === "command_run" && e.name === "whole" && e.status === 0
    ),
  );
  // Nothing in the project yet; no worktree left.
  await assert.rejects(Deno.stat(join(dir, "a/out.txt")));
  assert.equal(
    (await gitIn(dir, "worktree", "list")).trim().split("\n").length,
    1,
  );

  const approve = await cli(["approve", "apply_patch", "--task", "T"], {
    cwd: dir,
    ...BOUND,
  });
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, new RegExp(validated!.hash));
  const resume = await cli(["resume"], { cwd: dir, env, ...BOUND });
  assert.equal(resume.code, 0, resume.stdout + resume.stderr);
  assert.equal(
    await Deno.readTextFile(join(dir, "a/out.txt")),
    "done by A\n",
  );
  assert.equal(
    await Deno.readTextFile(join(dir, "b/out.txt")),
    "done by B\n",
  );
  const after = await runEvents(dir);
  const [applied] = ofType(after, "patch_applied");
  assert.equal(applied!.hash, validated!.hash);
  assert.equal(ofType(after, "agent_started").length, 2);

  // The report names each attempt's shard, with that shard's own patch.
  const report = await cli(["report"], { cwd: dir, ...BOUND });
  assert.equal(report.code, 0, report.stderr);
  assert.match(
    report.stdout,
    /- A 1\. `[^`]+`: exit 0, [^\n]*patch \[\+1 -0\]\([^)]*agent\/T\/A\/attempt-1\.patch\)/,
  );
  assert.match(
    report.stdout,
    /- B 1\. `[^`]+`: exit 0, [^\n]*patch \[\+1 -0\]\([^)]*agent\/T\/B\/attempt-1\.patch\)/,
  );
});

Deno.test("shard agents: overlapping shards run one after another, the second starting from the first's validated change", async () => {
  const dir = await gitProject({
    "orchestrator.yml": shardPlan({
      gate: false,
      a: "greet.txt",
      b: "./greet.txt",
      aCheck: "grep -qx hello greet.txt",
      bCheck: "grep -qx 'hello world' greet.txt",
      task: "grep -qx 'hello world' greet.txt",
    }),
    "agent.sh": `#!/bin/sh
cat > /dev/null
echo "$ORCHESTRATE_SHARD_ID sees $(cat greet.txt)" >> "$SIDE/calls"
case "$ORCHESTRATE_SHARD_ID" in
  A) echo hello > greet.txt ;;
  B) echo "$(cat greet.txt) world" > greet.txt ;;
esac
`,
    "greet.txt": "hi\n",
  });
  const side = await tempDir();
  const run = await cli(["run", "--concurrency", "2"], {
    cwd: dir,
    env: { SIDE: side },
    ...BOUND,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(
    (await Deno.readTextFile(join(side, "calls"))).trim().split("\n"),
    ["A sees hi", "B sees hello"],
  );
  const events = await runEvents(dir);
  const order = events.filter((e) =>
    e.type === "agent_started" || e.type === "agent_finished"
  ).map((e) => `${e.type}:${e.shard}`);
  assert.deepEqual(order, [
    "agent_started:A",
    "agent_finished:A",
    "agent_started:B",
    "agent_finished:B",
  ]);
  // B's own patch holds only its own step; the applied one holds both.
  const proposed = ofType(events, "patch_proposed");
  const bPatch = await Deno.readTextFile(join(dir, proposed[1]!.patch));
  assert.match(bPatch, /-hello\n\+hello world/);
  assert.equal(
    await Deno.readTextFile(join(dir, "greet.txt")),
    "hello world\n",
  );
  const [applied] = ofType(events, "patch_applied");
  assert.match(
    await Deno.readTextFile(join(dir, applied!.patch)),
    /-hi\n\+hello world/,
  );
});
