/**
 * Write scopes and the network of a task's `permissions`, through the real
 * CLI with real subprocesses, under bwrap and with the write audit alone.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempProject } from "../_cli.ts";
import { NO_BWRAP } from "../exec/sandbox/_sandbox.ts";
import { latestEvents } from "./_events.ts";

/** Runs the plan in `dir` under the sandbox `mode`. */
async function runWith(
  dir: string,
  mode: "auto" | "bwrap" | "off",
): Promise<{ code: number; stderr: string }> {
  const r = await cli(["run", "--sandbox", mode], { cwd: dir });
  return { code: r.code, stderr: r.stderr };
}

/** May write `out/` only. */
const SCOPED = `version: 1
tasks:
  - id: A
    title: writes in and out of its scope
    permissions: { write: [out] }
    commands: { w: "sh -c 'echo in > out/in.txt; echo stray > stray.txt; mkdir -p src/new; echo ok'" }
`;

Deno.test({
  name:
    "write scope: under bwrap a write outside `write` never lands, one inside does",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const dir = await tempProject({
      "orchestrator.yml": SCOPED,
      "out/.keep": "",
      "src/a.ts": "",
    });
    const { code } = await runWith(dir, "bwrap");
    // Its writes were refused, so the audit found nothing: the shell's last word decides.
    assert.equal(code, 0);
    assert.equal(await Deno.readTextFile(join(dir, "out/in.txt")), "in\n");
    assert.equal(await exists(join(dir, "stray.txt")), false);
    assert.equal(await exists(join(dir, "src/new")), false);
  },
});

Deno.test("write scope: with the audit alone a write outside `write` fails the task, naming the files", async () => {
  const dir = await tempProject({
    "orchestrator.yml": SCOPED,
    "out/.keep": "",
    "src/a.ts": "",
  });
  const { code } = await runWith(dir, "off");
  assert.equal(code, 1);
  const failed = (await latestEvents(dir)).find((e) =>
    e.type === "task_failed"
  );
  assert.ok(failed?.type === "task_failed");
  assert.equal(failed.reason, "write_denied");
  assert.equal(
    failed.detail,
    "wrote outside its write paths: src/new, stray.txt",
  );
});

Deno.test({
  name:
    "net: false blocks a connection to a listener on 127.0.0.1 that is reachable without it",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let connections = 0;
    const accepting = (async () => {
      for await (const conn of listener) {
        connections++;
        conn.close();
      }
    })();
    const port = listener.addr.port;
    try {
      const plan = (permissions: string) =>
        `version: 1
tasks:
  - id: A
    title: connects
${permissions}    commands: { c: "bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}'" }
`;
      const dir = await tempProject({ "orchestrator.yml": plan("") });
      const open = await runWith(dir, "auto");
      assert.equal(open.code, 0, "the listener is reachable without limits");
      assert.equal(connections, 1);
      await Deno.writeTextFile(
        join(dir, "orchestrator.yml"),
        plan("    permissions: { net: false }\n"),
      );
      const closed = await runWith(dir, "auto");
      assert.equal(closed.code, 1);
      assert.equal(connections, 1, "a connection got through");
      const run = (await latestEvents(dir)).find((e) =>
        e.type === "command_run"
      );
      assert.ok(run?.type === "command_run" && run.output);
      assert.match(
        await Deno.readTextFile(join(dir, run.output)),
        /Network is unreachable|Connection refused/,
      );
    } finally {
      listener.close();
      await accepting.catch(() => {});
    }
  },
});
