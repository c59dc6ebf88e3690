import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, PERMISSIONS, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { approvalFor } from "../../src/events/fold.ts";
import { RunStore } from "../../src/events/store.ts";
import { definitionHashes } from "../../src/engine/fingerprint.ts";
import { loadPlan } from "../../src/plan/load.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** A waits for `go` (so the run stays live); SHIP, after it, needs the `ship` gate. */
const LIVE_PLAN = `version: 1
tasks:
  - { id: A, title: a, commands: { x: "sh -c 'touch started; i=0; while [ ! -f go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'" } }
  - { id: SHIP, title: ship, dependencies: [A], approvals: [ship], commands: { x: "touch shipped" } }
`;

async function waitFor(path: string): Promise<void> {
  const limit = Date.now() + 30_000;
  while (Date.now() < limit) {
    if (await Deno.stat(path).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} never appeared`);
}

async function logFile(dir: string): Promise<string> {
  const runs = join(dir, ".codex/runs");
  const name = (await Array.fromAsync(Deno.readDir(runs))).map((e) => e.name)
    .find((n) => n.endsWith(".jsonl"))!;
  return join(runs, name);
}

Deno.test("approve during a live run: recorded in the run's approvals journal, the live log untouched (a half-written line survives); resume uses it", async () => {
  const dir = await tempProject({ "orchestrator.yml": LIVE_PLAN });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, MAIN, "run"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(join(dir, "started"));
  const log = await logFile(dir);
  // The run is in the middle of writing an event: half a line, no newline yet.
  const half = '{"ts":"2026-01-01T00:00:00.000Z","run":"x","type":"retry_sch';
  await Deno.writeTextFile(log, half, { append: true });
  const before = await Deno.readTextFile(log);

  const r = await cli(["approve", "ship"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Approved "ship" for every task in run \S+\./);
  assert.match(r.stdout, /That run is running now: it picks the approval up\./);
  assert.equal(
    await Deno.readTextFile(log),
    before,
    "the live run's log is neither repaired nor appended to",
  );
  // The writer finishes its line; then the run goes on.
  await Deno.writeTextFile(
    log,
    'eduled","task":"A","shard":null,"name":"x","attempt":1,"delay_ms":0}\n',
    { append: true },
  );
  const journal = await Deno.readTextFile(
    log.replace(/\.jsonl$/, "/approvals.jsonl"),
  );
  const grant = JSON.parse(journal);
  assert.equal(grant.type, "approval_granted");
  assert.equal(grant.gate, "ship");
  assert.deepEqual(Object.keys(grant.task_hashes), ["SHIP"]);

  await Deno.writeTextFile(join(dir, "go"), "");
  await child.status;
  const resumed = await cli(["resume"], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(
    await Deno.stat(join(dir, "shipped")).then(() => true, () => false),
    "the journal's approval counted",
  );
  const status = await cli(["status"], { cwd: dir });
  assert.equal(status.code, 0, status.stdout + status.stderr);
});

Deno.test("approve with no live run: appended to the log under the lock; the store's fold sees it", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: SHIP, title: ship, approvals: [ship], commands: { x: "true" } }
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  const r = await cli(["approve", "ship", "--task", "SHIP"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Continue with: orchestrate resume/);
  const events = await latestEvents(dir);
  const grant = events.at(-1)!;
  assert.equal(grant.type, "approval_granted");
  assert.ok(grant.type === "approval_granted");
  const started = events[0]!;
  assert.ok(started.type === "run_started");
  assert.deepEqual(grant.task_hashes, { SHIP: started.task_hashes.SHIP });
  assert.equal(
    await Deno.stat(join(dir, ".codex/lock")).then(() => true, () => false),
    false,
    "lock released",
  );
});

Deno.test("approve: an approval is bound to the task as the run recorded it; a command changed since is asked again once resume runs it", async () => {
  const plan = (cmd: string) =>
    `version: 1
orchestrator: { approvals: { required: [deploy] } }
tasks:
  - { id: BUILD, title: build, commands: { x: "true" } }
  - { id: SHIP, title: ship, type: deploy, dependencies: [BUILD], commands: { x: "${cmd}" } }
`;
  const dir = await tempProject({ "orchestrator.yml": plan("touch v1") });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  const store = new RunStore(dir);
  const verdict = async () => {
    const loaded = await loadPlan(join(dir, "orchestrator.yml"));
    assert.ok(loaded.ok);
    const hash = definitionHashes(loaded.value.plan).SHIP!;
    const { state } = await store.fold((await store.latest())!);
    return approvalFor(state, "deploy", "SHIP", hash);
  };
  assert.equal((await cli(["approve", "deploy"], { cwd: dir })).code, 0);
  assert.equal(await verdict(), "granted");
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), plan("touch v2"));
  assert.equal(await verdict(), "stale");

  // Approving now approves what the run recorded (v1), and says so.
  const again = await cli(["approve", "deploy"], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /SHIP: command "x" changed/);
  assert.match(again.stderr, /asks for "deploy" again/);
  const events = await latestEvents(dir);
  const started = events.find((e) => e.type === "run_started")!;
  const grant = events.findLast((e) => e.type === "approval_granted")!;
  assert.ok(
    started.type === "run_started" && grant.type === "approval_granted",
  );
  assert.deepEqual(grant.task_hashes, { SHIP: started.task_hashes.SHIP });
  assert.equal(await verdict(), "stale");

  // Resume takes the new command and asks again; approved then, it runs v2.
  const paused = await cli(["resume"], { cwd: dir });
  assert.equal(paused.code, 3, paused.stderr);
  assert.match(paused.stderr, /SHIP: command "x" changed/);
  assert.equal(await exists(join(dir, "v1")), false);
  assert.equal((await cli(["approve", "deploy"], { cwd: dir })).code, 0);
  assert.equal(await verdict(), "granted");
  const done = await cli(["resume"], { cwd: dir });
  assert.equal(done.code, 0, done.stderr);
  assert.equal(await exists(join(dir, "v2")), true);
  assert.equal(await exists(join(dir, "v1")), false);
});
