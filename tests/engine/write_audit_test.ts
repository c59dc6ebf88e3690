/**
 * Write scopes and the network of a task's policy, through the engine with
 * real subprocesses (plans cannot declare `write` and `net` yet: the policy
 * is injected as the workspace would compute it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executeRun } from "../../src/engine/run.ts";
import { UNRESTRICTED } from "../../src/engine/workspace.ts";
import type { ProcessPolicy } from "../../src/exec/policy.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import { Sandbox } from "../../src/exec/sandbox/confine.ts";
import type { SandboxMode } from "../../src/exec/sandbox/modes.ts";
import { loadPlan } from "../../src/plan/load.ts";
import { exists, tempProject } from "../_cli.ts";
import { NO_BWRAP } from "../exec/sandbox/_sandbox.ts";
import { latestEvents } from "./_events.ts";

/** Runs the plan in `dir` with every task under `policy` and the sandbox `mode`. */
async function runWith(
  dir: string,
  mode: SandboxMode,
  policy: (root: string) => ProcessPolicy,
): Promise<{ code: number; warnings: string[] }> {
  const loaded = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(loaded.ok);
  const warnings: string[] = [];
  const sandbox = new Sandbox(mode, (m) => warnings.push(m));
  try {
    const code = await executeRun({
      loaded: loaded.value,
      resume: false,
      force: false,
      noBuild: true,
      runner: new DenoRunner({ wrap: sandbox.wrap }),
      observers: [],
      interrupt: new AbortController().signal,
      toolVersion: "test",
      warn: (m) => warnings.push(m),
      policies: () => policy(loaded.value.root),
    });
    return { code, warnings };
  } finally {
    await sandbox.close();
  }
}

const SCOPED = `version: 1
tasks:
  - id: A
    title: writes in and out of its scope
    commands: { w: "sh -c 'echo in > out/in.txt; echo stray > stray.txt; mkdir -p src/new; echo ok'" }
`;

/** May write `out/` only. */
const outOnly = (root: string): ProcessPolicy => ({
  ...UNRESTRICTED,
  write: [join(root, "out")],
});

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
    const { code } = await runWith(dir, "bwrap", outOnly);
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
  const { code } = await runWith(dir, "off", outOnly);
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
      const dir = await tempProject({
        "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: connects
    commands: { c: "bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}'" }
`,
      });
      const open = await runWith(dir, "auto", () => UNRESTRICTED);
      assert.equal(open.code, 0, "the listener is reachable without limits");
      assert.equal(connections, 1);
      const closed = await runWith(dir, "auto", () => ({
        ...UNRESTRICTED,
        net: false,
      }));
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
