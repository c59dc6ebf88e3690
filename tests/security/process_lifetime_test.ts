/**
 * Class 9: every process a task starts ends with the task (completion,
 * timebox, Ctrl-C), whatever it does to its session, group or environment:
 * here a grandchild that calls `setsid`, drops ORCHESTRATE_COMMAND_TAG and
 * is re-parented away from the command when its subshell exits.
 */
import assert from "node:assert/strict";
import { SOURCE_FLAGS } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { within } from "../exec/_processes.ts";
import { cliAs, projectAs, securityTest, type TestUser } from "./_rig.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** A `sleep` with a duration no other process has, to find it on the host. */
function marker(): string {
  return `7${String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1e8)}`;
}

/** The command line of a daemon that leaves its session, group, tag and parent. */
function daemon(seconds: string): string {
  return `(setsid env -u ORCHESTRATE_COMMAND_TAG sleep ${seconds} >/dev/null 2>&1 &)`;
}

/** Pids of `sleep <seconds>` on the host. */
async function sleepers(seconds: string): Promise<number[]> {
  const out = await new Deno.Command("pgrep", {
    args: ["-x", "-f", `sleep ${seconds}`],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l)
    .map(Number);
}

/** Waits (bounded) until no `sleep <seconds>` is left; the pids left, else []. */
async function leftAfter(seconds: string): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    if ((await sleepers(seconds)).length === 0) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  const left = await sleepers(seconds);
  for (const pid of left) Deno.kill(pid, "SIGKILL");
  return left;
}

function plan(command: string, extra = ""): string {
  return `version: 1
tasks:
  - id: spawner
    title: Starts a daemon
    type: chore${extra}
    commands:
      start: ${JSON.stringify(command)}
`;
}

const PERMISSIONS = {
  "no permissions": "",
  "only env": "\n    permissions: { env: [PATH, HOME] }",
  "confined": "\n    permissions: { write: [out] }",
};

for (const [who, permissions] of Object.entries(PERMISSIONS)) {
  securityTest(
    `process lifetime: a daemon of a task with ${who} ends when the task completes`,
    async (user) => {
      const seconds = marker();
      const dir = await projectAs(user, {
        "orchestrator.yml": plan(`sh -c '${daemon(seconds)}'`, permissions),
        "out/.keep": "",
      });
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.deepEqual(await leftAfter(seconds), [], "the daemon is left");
    },
  );

  securityTest(
    `process lifetime: a daemon of a task with ${who} ends at the timebox`,
    async (user) => {
      const seconds = marker();
      const dir = await projectAs(user, {
        "orchestrator.yml": plan(
          `sh -c '${daemon(seconds)}; sleep 600'`,
          `${permissions}\n    constraints: { timebox: 1s }`,
        ),
        "out/.keep": "",
      });
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stdout, /timeout/);
      assert.deepEqual(await leftAfter(seconds), [], "the daemon is left");
    },
  );
}

/** Runs orchestrate as `user`, interrupts it once the daemon runs, and returns its exit code. */
async function interrupted(
  user: TestUser,
  dir: string,
  seconds: string,
  times = 1,
): Promise<number> {
  const denoArgs = ["run", "--quiet", ...SOURCE_FLAGS, MAIN, "run"];
  const child = new Deno.Command(user.wrap[0] ?? Deno.execPath(), {
    args: user.wrap.length > 0
      ? [...user.wrap.slice(1), Deno.execPath(), ...denoArgs]
      : denoArgs,
    cwd: dir,
    env: { NO_COLOR: "1", ...user.env },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 400 && (await sleepers(seconds)).length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // setpriv execs deno: the child's pid is orchestrate's.
  child.kill("SIGINT");
  if (times === 2) {
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
  }
  return (await within(child.status, 30_000, "orchestrate run")).code;
}

securityTest(
  "process lifetime: a daemon of a task without permissions ends at Ctrl-C",
  async (user) => {
    const seconds = marker();
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(`sh -c '${daemon(seconds)}; sleep 600'`),
    });
    const code = await interrupted(user, dir, seconds);
    assert.equal(code, 130);
    assert.deepEqual(await leftAfter(seconds), [], "the daemon is left");
  },
);

securityTest(
  "process lifetime: at Ctrl-C a command in its pid namespace still gets SIGTERM and its grace",
  async (user) => {
    const seconds = marker();
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(
        `sh -c 'trap "echo cleaned > cleaned.txt; exit 0" TERM; sleep ${seconds} & wait'`,
      ),
    });
    const code = await interrupted(user, dir, seconds);
    assert.equal(code, 130);
    assert.equal(await Deno.readTextFile(`${dir}/cleaned.txt`), "cleaned\n");
    assert.deepEqual(await leftAfter(seconds), [], "the sleep is left");
  },
);

securityTest(
  "process lifetime: a command that ignores SIGTERM ends at the second Ctrl-C",
  async (user) => {
    const seconds = marker();
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(
        `sh -c 'trap "" TERM; ${daemon(seconds)}; exec sleep ${seconds}'`,
      ),
    });
    const code = await interrupted(user, dir, seconds, 2);
    assert.equal(code, 130);
    assert.deepEqual(await leftAfter(seconds), [], "a sleep is left");
  },
);

for (const [who, permissions] of Object.entries(PERMISSIONS)) {
  securityTest(
    `process lifetime: a task with ${who} that declares keep_running leaves its service running, and the run reports it`,
    async (user) => {
      const seconds = marker();
      const dir = await projectAs(user, {
        "orchestrator.yml": plan(
          `sh -c 'sleep ${seconds} >/dev/null 2>&1 &'`,
          `${permissions}\n    keep_running: true`,
        ),
        "out/.keep": "",
      });
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const running = await sleepers(seconds);
      for (const pid of running) Deno.kill(pid, "SIGKILL");
      assert.equal(running.length, 1, "the service was left running");
      const run = (await latestEvents(dir)).find((e) =>
        e.type === "command_run"
      ) as { left_running?: { pid: number; command: string }[] };
      assert.deepEqual(run.left_running, [{
        pid: running[0],
        command: "sleep",
      }]);
    },
  );
}
