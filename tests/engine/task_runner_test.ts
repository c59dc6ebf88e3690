import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, SOURCE_FLAGS, tempProject } from "../_cli.ts";
import { latestEvents } from "./_events.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** Task B's pre-check never ends; its command would leave `ran-b` behind. */
const planWithPrecheck = (constraints: string) =>
  `version: 1
tasks:
  - id: B
    title: b
    skip_when_accepted: true
    ${constraints}
    acceptance: ["Command: touch prechecking; exec sleep 100"]
    commands: { b: "touch ran-b" }
`;

Deno.test("task runner: a pre-check stopped by the timebox fails the task with reason timeout, and its command never starts", async () => {
  const dir = await tempProject({
    "orchestrator.yml": planWithPrecheck("constraints: { timebox: 1s }"),
  });
  const r = await cli(["run"], { cwd: dir, killAfterMs: 30_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(await exists(join(dir, "ran-b")), false, "the command ran");
  const events = await latestEvents(dir);
  assert.equal(events.filter((e) => e.type === "command_run").length, 0);
  const failed = events.find((e) => e.type === "task_failed");
  assert.equal(failed?.reason, "timeout");
});

Deno.test("task runner: Ctrl-C during a pre-check interrupts the task, and its command never starts", async () => {
  const dir = await tempProject({
    "orchestrator.yml": planWithPrecheck(""),
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...SOURCE_FLAGS, MAIN, "run"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Bound, not an assertion: the pre-check starts well within 20 s.
  for (let i = 0; i < 400 && !await exists(join(dir, "prechecking")); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(await exists(join(dir, "prechecking")), "the pre-check started");
  child.kill("SIGINT");
  const bound = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const status = await child.status.finally(() => clearTimeout(bound));
  assert.equal(status.code, 130);
  assert.equal(await exists(join(dir, "ran-b")), false, "the command ran");
  const events = await latestEvents(dir);
  assert.equal(events.filter((e) => e.type === "command_run").length, 0);
  assert.equal(
    events.find((e) => e.type === "task_failed")?.reason,
    "interrupted",
  );
});
