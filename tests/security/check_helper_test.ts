/**
 * The file-check helper is a process orchestrate starts like any other:
 * through exec/, under a policy. Through the CLI, as root and as an
 * unprivileged user: it holds none of the user's secrets (its environment
 * is only what Deno needs), and it ends with the run on Ctrl-C, pressed
 * once or twice.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { exists, repoPath, SOURCE_FLAGS } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { gone, within } from "../exec/_processes.ts";
import { projectAs, securityTest, type TestUser } from "./_rig.ts";

/** A regex that backtracks for hours on {@link SPIN_TEXT}: the helper stays busy. */
const SPIN = "Matches in data.txt: /^(a+)+$/";
const SPIN_TEXT = "a".repeat(40) + "!";
const SECRET = `tok-${crypto.randomUUID()}`;

/** Pids of the children of `pid` whose arguments include `marker` (from `ps`). */
async function childrenWith(pid: number, marker: string): Promise<number[]> {
  const out = await new Deno.Command("ps", {
    args: ["-eo", "pid=,ppid=,args="],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").flatMap((line) => {
    const [child, parent, ...args] = line.trim().split(/\s+/);
    return Number(parent) === pid && args.includes(marker)
      ? [Number(child)]
      : [];
  });
}

/** The environment of `pid`, as NAME=value lines (read through `sh`: Deno needs --allow-all for /proc). */
async function environOf(pid: number): Promise<string[]> {
  const out = await new Deno.Command("sh", {
    args: ["-c", 'tr "\\0" "\\n" < "/proc/$1/environ"', "sh", String(pid)],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l);
}

/** Starts `orchestrate run` as `user` in `dir` with `env` added, and waits for its check helper. */
async function runWithHelper(
  user: TestUser,
  dir: string,
  env: Record<string, string>,
) {
  const deno = [
    Deno.execPath(),
    "run",
    "--quiet",
    ...SOURCE_FLAGS,
    repoPath("src/main.ts"),
    "run",
  ];
  // setpriv execs deno in place: the child's pid is orchestrate's.
  const [program, ...args] = [...user.wrap, ...deno];
  const child = new Deno.Command(program!, {
    args,
    cwd: dir,
    env: { NO_COLOR: "1", ...user.env, ...env },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  let ended = false;
  output.then(() => ended = true);
  for (let i = 0; i < 400; i++) {
    const helpers = await childrenWith(child.pid, "__check");
    if (helpers.length > 0 && await exists(join(dir, "held.txt"))) {
      return { child, output, helpers };
    }
    if (ended) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error("the run started no check helper");
}

/**
 * Runs beside the check and ignores SIGTERM: the run is still stopping when
 * the second Ctrl-C comes. It says when it holds (held.txt): a Ctrl-C that
 * comes before its command started would end the run at once.
 */
const HOLD =
  `  - { id: HOLD, title: holds on, commands: { wait: "trap '' TERM; : > held.txt; sleep 30" } }
`;

const PLANS = {
  "a task without permissions": `version: 1
tasks:
${HOLD}  - { id: SPIN, title: catastrophic regex, acceptance: ["${SPIN}"] }
`,
  "a task granted the secret": `version: 1
tasks:
${HOLD}  - id: SPIN
    title: catastrophic regex
    permissions: { env: [DEPLOY_TOKEN] }
    acceptance: ["${SPIN}"]
`,
};

for (const [what, plan] of Object.entries(PLANS)) {
  for (const interrupts of [1, 2]) {
    securityTest(
      `check helper: for ${what}, it holds no secret of the user's environment; ${interrupts} Ctrl-C end it with the run (exit 130)`,
      async (user) => {
        const dir = await projectAs(user, {
          "data.txt": SPIN_TEXT,
          "orchestrator.yml": plan,
        });
        const { child, output, helpers } = await runWithHelper(user, dir, {
          DEPLOY_TOKEN: SECRET,
          MY_PLAIN_SETTING: SECRET,
        });
        try {
          for (const pid of helpers) {
            const env = await environOf(pid);
            assert.ok(env.length > 0, "the helper's environment was read");
            assert.deepEqual(env.filter((l) => l.includes(SECRET)), []);
            assert.ok(
              env.every((l) => !l.startsWith("DEPLOY_TOKEN=")),
              env.join("\n"),
            );
          }
        } finally {
          child.kill("SIGINT");
          if (interrupts === 2) {
            await new Promise((r) => setTimeout(r, 300));
            child.kill("SIGINT");
          }
        }
        const out = await within(output, 30_000, "orchestrate run");
        assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
        const events = await latestEvents(dir);
        assert.ok(events.some((e) => e.type === "interrupted"));
        for (const pid of helpers) {
          assert.equal(await gone(pid), true, `helper ${pid} is left running`);
        }
      },
    );
  }
}
