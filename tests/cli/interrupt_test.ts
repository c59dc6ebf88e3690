import assert from "node:assert/strict";
import { outputFileName } from "../../src/engine/output_name.ts";
import { join } from "node:path";
import { exists, PERMISSIONS, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { firstLine, gone, within } from "../exec/_processes.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** The output file of command `name` of task A, once the run has made its folder. */
async function outputOf(dir: string, name: string): Promise<string> {
  const runs = join(dir, ".codex/runs");
  for (let i = 0; i < 400; i++) {
    const folders = await Array.fromAsync(Deno.readDir(runs)).catch(() => []);
    const folder = folders.find((e) => e.isDirectory);
    if (folder) {
      return join(
        runs,
        folder.name,
        outputFileName({
          task: "A",
          shard: null,
          step: "command",
          name,
          attempt: 1,
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("the run made no output folder within 20 s");
}

const COMMANDS = [
  {
    what: "a background child holding the output pipe after its shell exited",
    command: "sleep 60 & echo $!",
  },
  { what: "a command in the foreground", command: "echo $$; exec sleep 60" },
];

/**
 * Once; twice with SIGTERM ignored (the second kills); once with SIGTERM
 * ignored (SIGKILL after the grace period). A command in the foreground
 * stopped by one Ctrl-C is the case that worked before: it guards it.
 */
const CASES = [
  { ...COMMANDS[0]!, interrupts: 1 },
  ...COMMANDS.map(({ what, command }) => ({
    what: `${what} that ignores SIGTERM`,
    command: `trap '' TERM; ${command}`,
    interrupts: 2,
  })),
  {
    what: `${COMMANDS[0]!.what} that ignores SIGTERM`,
    command: `trap '' TERM; ${COMMANDS[0]!.command}`,
    interrupts: 1,
  },
  { ...COMMANDS[1]!, interrupts: 1 },
];

for (const { what, command, interrupts } of CASES) {
  Deno.test(
    `run: ${
      interrupts === 1 ? "one Ctrl-C" : "two Ctrl-Cs"
    } with ${what} (${command}): exit 130, interrupted recorded, TASKS.md, no lock, no process left`,
    async () => {
      const dir = await tempProject({
        "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: waits, commands: { wait: ${JSON.stringify(command)} } }
  - { id: B, title: after, dependencies: [A], commands: { x: "touch b" } }
`,
      });
      const child = new Deno.Command(Deno.execPath(), {
        // The bare runner's own stopping (process group, tags, grace): in
        // its pid namespace a command's pids are not the host's, and a
        // background child ends with its shell (tests/security/process_lifetime_test.ts).
        args: [
          "run",
          "--quiet",
          ...PERMISSIONS,
          MAIN,
          "run",
          "--sandbox",
          "off",
        ],
        cwd: dir,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).spawn();
      const output = child.output();
      const pid = Number(await firstLine(await outputOf(dir, "wait")));
      assert.ok(pid > 1, `the command printed its pid, got ${pid}`);
      child.kill("SIGINT");
      if (interrupts === 2) {
        await new Promise((r) => setTimeout(r, 300));
        child.kill("SIGINT");
      }
      const out = await within(output, 30_000, "orchestrate run");
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 130, stderr);
      const types = (await latestEvents(dir)).map((e) => e.type);
      assert.ok(types.includes("interrupted"), types.join(" "));
      assert.equal(types.at(-1), "completed");
      assert.ok(await exists(join(dir, "TASKS.md")), "TASKS.md written");
      assert.equal(
        await exists(join(dir, ".codex/lock")),
        false,
        "lock released",
      );
      assert.equal(await exists(join(dir, "b")), false, "B never ran");
      assert.equal(await gone(pid), true, `process ${pid} is left running`);
    },
  );
}

Deno.test("run: Ctrl-C shows the task as interrupted and its command as stopped, never as failed or ok; the resumed run's summary counts every session's time", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: waits
    commands:
      wait: "sh -c 'if [ -f go ]; then exit 0; fi; echo $$; exec sleep 60'"
`,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, MAIN, "run"],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const output = child.output();
  const pid = Number(await firstLine(await outputOf(dir, "wait")));
  assert.ok(pid > 1);
  child.kill("SIGINT");
  const out = await within(output, 30_000, "orchestrate run");
  assert.equal(out.code, 130);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.match(stdout, /command "wait" was stopped after/);
  assert.match(stdout, /■ interrupted$/m);
  assert.match(stdout, /^■ interrupted: /m);
  assert.doesNotMatch(stdout, /failed: interrupted|✗ interrupted/);
  assert.doesNotMatch(stdout, /✓ command "wait" ok/);

  await Deno.writeTextFile(join(dir, "go"), "");
  const resumed = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, MAIN, "resume"],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const after = new TextDecoder().decode(resumed.stdout);
  assert.equal(resumed.code, 0, after);
  assert.match(after, /^✓ done: .* in \S+ over 2 sessions · log /m);
});
