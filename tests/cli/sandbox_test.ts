/**
 * The sandbox and the write audit through the real CLI: forbidden paths
 * (`paths.forbidden`, `constraints.forbidden_paths`) with bubblewrap, with
 * the sandbox runtime and with the audit alone; daemons, timeboxes and
 * Ctrl-C through bwrap; `--sandbox` usage.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, PERMISSIONS, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { goneWith, NO_BWRAP, token } from "../exec/sandbox/_sandbox.ts";
import { within } from "../exec/_processes.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** A plan whose task A may not write `vendor/` nor `secret.txt`, running `command`. */
function forbiddenPlan(command: string, extra = ""): string {
  return `version: 1
tasks:
  - id: A
    title: writes
    paths: { preferred: [src/], forbidden: [vendor/] }
    constraints: { forbidden_paths: [secret.txt]${extra} }
    commands: { write: ${JSON.stringify(command)} }
`;
}

const WRITES =
  "sh -c 'echo changed > vendor/a.txt; echo changed > secret.txt; echo new > vendor/b.txt; echo ok > free.txt'";

async function failure(dir: string) {
  const failed = (await latestEvents(dir)).find((e) =>
    e.type === "task_failed"
  );
  return failed?.type === "task_failed" ? failed : null;
}

Deno.test({
  name:
    "sandbox: under bwrap a write to a forbidden path never lands; other writes do",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const dir = await tempProject({
      "orchestrator.yml": forbiddenPlan(WRITES),
      "vendor/a.txt": "kept\n",
      "secret.txt": "kept\n",
    });
    const r = await cli(["run", "--sandbox", "bwrap"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "vendor/a.txt")), "kept\n");
    assert.equal(await Deno.readTextFile(join(dir, "secret.txt")), "kept\n");
    assert.equal(await exists(join(dir, "vendor/b.txt")), false);
    assert.equal(await Deno.readTextFile(join(dir, "free.txt")), "ok\n");
    const output = (await latestEvents(dir)).find((e) =>
      e.type === "command_run"
    );
    assert.ok(output?.type === "command_run" && output.output);
    assert.match(
      await Deno.readTextFile(join(dir, output.output)),
      /vendor\/a.txt: Read-only file system/,
    );
  },
});

Deno.test("sandbox: with --sandbox off the write audit fails the task and names the forbidden files", async () => {
  const dir = await tempProject({
    "orchestrator.yml": forbiddenPlan(WRITES),
    "vendor/a.txt": "kept\n",
    "secret.txt": "kept\n",
  });
  const r = await cli(["run", "--sandbox", "off"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const failed = await failure(dir);
  assert.equal(failed?.reason, "write_denied");
  assert.equal(
    failed?.detail,
    "changed a forbidden path: secret.txt, vendor/a.txt, vendor/b.txt",
  );
  assert.match(r.stdout + r.stderr, /changed a forbidden path: secret.txt/);
  // A change it may make is not a violation.
  assert.doesNotMatch(failed!.detail, /free.txt/);
});

Deno.test("sandbox: the audit catches a forbidden file removed, and passes a task that only writes elsewhere", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: removes
    constraints: { forbidden_paths: [keep.txt] }
    commands: { rm: "rm keep.txt" }
  - id: B
    title: fine
    constraints: { forbidden_paths: [other.txt] }
    commands: { w: "sh -c 'echo x > mine.txt'" }
`,
    "keep.txt": "kept\n",
    "other.txt": "kept\n",
  });
  const r = await cli(["run", "--sandbox", "off", "--task", "A"], {
    cwd: dir,
  });
  assert.equal(r.code, 1, r.stderr);
  const failed = await failure(dir);
  assert.deepEqual(
    [failed?.task, failed?.detail],
    ["A", "changed a forbidden path: keep.txt"],
  );
  const b = await cli(["run", "--sandbox", "off", "--task", "B"], { cwd: dir });
  assert.equal(b.code, 0, b.stderr);
});

/** Whether the CLI runs as root: the sandbox runtime then needs --allow-all (Deno guards /proc/self). */
const ROOT = Deno.uid() === 0;

Deno.test({
  name:
    "sandbox: under the sandbox runtime a write to a forbidden path never lands",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const dir = await tempProject({
      "orchestrator.yml": forbiddenPlan(
        "sh -c 'echo changed > secret.txt; echo ok > free.txt'",
      ),
      "vendor/a.txt": "kept\n",
      "secret.txt": "kept\n",
    });
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...(ROOT ? ["--allow-all"] : PERMISSIONS),
        MAIN,
        "run",
        "--sandbox",
        "runtime",
      ],
      cwd: dir,
      stdin: "null",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.equal(await Deno.readTextFile(join(dir, "secret.txt")), "kept\n");
    assert.equal(await Deno.readTextFile(join(dir, "free.txt")), "ok\n");
  },
});

Deno.test({
  name:
    "sandbox: a sandbox named with --sandbox that cannot run fails the task before its command runs",
  // Elsewhere the runtime runs: this needs a machine where it cannot (root without --allow-all).
  ignore: !ROOT,
  fn: async () => {
    const dir = await tempProject({
      "orchestrator.yml": forbiddenPlan("sh -c 'echo ran > ran.txt'"),
    });
    const r = await cli(["run", "--sandbox", "runtime"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(await exists(join(dir, "ran.txt")), false);
    const failed = await failure(dir);
    assert.equal(failed?.reason, "error");
    assert.match(
      failed!.detail,
      /SandboxUnavailable: Cannot confine the command with --sandbox runtime: the sandbox runtime needs --allow-all/,
    );
  },
});

Deno.test({
  name: "sandbox: a daemon started by a confined task is gone after the task",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const mark = token();
    const dir = await tempProject({
      "orchestrator.yml": forbiddenPlan(
        `sh -c 'setsid sh -c "sleep 300; : ${mark}" </dev/null >/dev/null 2>&1 & echo started'`,
      ),
    });
    const r = await cli(["run"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await goneWith(mark), [], "the daemon outlived its task");
  },
});

Deno.test({
  name: "sandbox: a timebox still ends a command running under bwrap",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const mark = token();
    const dir = await tempProject({
      "orchestrator.yml": forbiddenPlan(
        `sh -c 'sleep 120; : ${mark}'`,
        ", timebox: 1s",
      ),
    });
    const r = await cli(["run", "--sandbox", "bwrap"], {
      cwd: dir,
      killAfterMs: 30_000,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal((await failure(dir))?.reason, "timeout");
    assert.deepEqual(await goneWith(mark), []);
  },
});

Deno.test({
  name: "sandbox: Ctrl-C ends a command running under bwrap: exit 130",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const mark = token();
    const dir = await tempProject({
      "orchestrator.yml": forbiddenPlan(
        `sh -c 'echo up > up.txt; sleep 120; : ${mark}'`,
      ),
    });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", ...PERMISSIONS, MAIN, "run", "--sandbox=bwrap"],
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    const output = child.output();
    for (let i = 0; i < 400 && !await exists(join(dir, "up.txt")); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGINT");
    const out = await within(output, 30_000, "orchestrate run");
    assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
    assert.deepEqual(await goneWith(mark), []);
  },
});

Deno.test("sandbox: --sandbox takes auto, bwrap, runtime or off", async () => {
  const dir = await tempProject({ "orchestrator.yml": forbiddenPlan("true") });
  const r = await cli(["run", "--sandbox", "docker"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /--sandbox must be one of auto, bwrap, runtime, off, not "docker"/,
  );
  const resume = await cli(["resume", "--sandbox", "nope"], { cwd: dir });
  assert.equal(resume.code, 2);
});

Deno.test("sandbox: a pre-check that changes a forbidden path fails its task instead of skipping it", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: pre-checked
    skip_when_accepted: true
    constraints: { forbidden_paths: [secret.txt] }
    commands: { x: "true" }
    acceptance: ["Command: sh -c 'echo changed > secret.txt'"]
`,
    "secret.txt": "kept\n",
  });
  const r = await cli(["run", "--sandbox", "off"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const failed = await failure(dir);
  assert.equal(failed?.reason, "write_denied");
  assert.equal(failed?.detail, "changed a forbidden path: secret.txt");
});
