/**
 * Spares through the CLI: while a long command runs, the next task's pid
 * namespace is started ahead (its process exists before the slot frees)
 * and its command runs once, after its `task_started`; a spare whose task
 * never starts (the run stopped at a failure) never runs its command.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { exists } from "../_cli.ts";
import { cliAs, projectAs, securityTest } from "../security/_rig.ts";
import { latestEvents, sequence } from "../engine/_events.ts";
import { probeShell } from "../../src/exec/spare.ts";
import {
  bwrapProblem,
  pidNamespaceArgs,
} from "../../src/exec/sandbox/bwrap.ts";

// A name no shell can hold gets no spare (the gate could not keep the
// environment exact), and `deno task` hands its commands one (`?`, the
// status of `a && b`): the runs here must not inherit it.
for (const name of Object.keys(Deno.env.toObject())) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) Deno.env.delete(name);
}

const NO_SPARES = Deno.build.os !== "linux" ||
  await probeShell() === null ||
  await bwrapProblem("bwrap", pidNamespaceArgs(["true"], "/")) !== null;

/**
 * Appends `name` and the start of the command's own process (clock ticks
 * since boot, field 22 of its stat): the line runs under `sh -c`, whose
 * `$$` is the process spawned for the command.
 */
const started = (name: string) =>
  `set -- $(cat /proc/$$/stat); echo ${name} \${22} >> starts`;

securityTest(
  "run: the next task's namespace starts while a long command runs; its command runs once, after its task_started",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - { id: slow, title: slow, commands: { s: ${
        JSON.stringify(`${started("slow")}; sleep 2`)
      } } }
  - { id: next, title: next, commands: { c: ${
        JSON.stringify(started("next"))
      } } }
`,
    });
    const r = await cliAs(user, ["run", "--concurrency", "1"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = (await Deno.readTextFile(join(dir, "starts"))).trim()
      .split("\n").map((l) => l.split(" "));
    assert.deepEqual(lines.map(([name]) => name), ["slow", "next"]);
    const hz = Number(
      new TextDecoder().decode(
        (await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output())
          .stdout,
      ),
    );
    const [slow, next] = lines.map(([, ticks]) => Number(ticks));
    // Its process (the gate, then the command in its place) began before the
    // two-second command before it ended: it was started ahead.
    assert.ok(next! - slow! < 2 * hz, `${slow} ${next} at ${hz}/s`);
    // Yet the command ran after its task started, which was after slow ended.
    assert.deepEqual(
      sequence(await latestEvents(dir), [
        "task_started",
        "command_run",
        "task_completed",
      ]),
      [
        "task_started slow",
        "command_run slow",
        "task_completed slow",
        "task_started next",
        "command_run next",
        "task_completed next",
      ],
    );
  },
  { ignore: NO_SPARES },
);

securityTest(
  "run: a spare whose task never starts (the run stops at a failure) never runs its command",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - { id: fails, title: fails, commands: { s: "sh -c 'sleep 0.5; exit 3'" } }
  - { id: after, title: after, commands: { c: "touch ran" } }
`,
    });
    const r = await cliAs(user, ["run", "--concurrency", "1"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const events = await latestEvents(dir);
    assert.equal(events.some((e) => e.task === "after"), false);
    assert.equal(await exists(join(dir, "ran")), false);
  },
  { ignore: NO_SPARES },
);
