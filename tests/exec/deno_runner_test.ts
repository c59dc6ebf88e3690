import assert from "node:assert/strict";
import { latestEvents } from "../engine/_events.ts";
import { join } from "node:path";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import { UNRESTRICTED } from "../../src/engine/workspace.ts";
import type { RunResult } from "../../src/exec/runner.ts";
import { unrestrictedPolicy } from "../../src/exec/policy.ts";
import { cli, SOURCE_FLAGS, tempDir, tempProject } from "../_cli.ts";
import { processWith } from "../engine/_events.ts";
import { firstLine, gone, within } from "./_processes.ts";

/** The policy of a request that means "inherit": everything, our own environment. */
const INHERIT = unrestrictedPolicy(Deno.env.toObject());

Deno.test("DenoRunner: a timed-out command does not wait for a child that left its group and session holding the pipe", async () => {
  const dir = await tempDir();
  const runner = new DenoRunner();
  const r = await within(
    runner.run({
      policy: INHERIT,
      command: "setsid sleep 30 & echo $!",
      cwd: dir,
      outputPath: join(dir, "out.log"),
      timeoutMs: 300,
    }),
    20_000,
    "run()",
  );
  assert.equal(r.timedOut, true);
  const pid = Number(await firstLine(join(dir, "out.log")));
  assert.ok(pid > 1);
  assert.equal(await gone(pid), true, "the escaped sleep is killed");
});

Deno.test("DenoRunner: killAll resolves a pending run at once, killing a child re-parented away from it", async () => {
  const dir = await tempDir();
  const runner = new DenoRunner();
  const pending = runner.run({
    policy: INHERIT,
    command: "sleep 30 & echo $!",
    cwd: dir,
    outputPath: join(dir, "out.log"),
  });
  const pid = Number(await firstLine(join(dir, "out.log")));
  runner.killAll("SIGKILL");
  const r: RunResult = await within(pending, 20_000, "run()");
  assert.equal(r.aborted, true);
  assert.equal(await gone(pid), true, "the orphaned sleep is killed");
});

Deno.test("DenoRunner: an abort stops a command whose shell exited, killing the orphan that holds its output", async () => {
  const dir = await tempDir();
  const runner = new DenoRunner();
  const abort = new AbortController();
  const pending = runner.run({
    policy: INHERIT,
    command: "sleep 30 & echo $!",
    cwd: dir,
    outputPath: join(dir, "out.log"),
    signal: abort.signal,
  });
  const pid = Number(await firstLine(join(dir, "out.log")));
  abort.abort();
  const r = await within(pending, 20_000, "run()");
  assert.equal(r.aborted, true);
  assert.equal(await gone(pid), true);
});

Deno.test("DenoRunner: output that cannot be written (disk full) kills the command and rejects with OutputError", async () => {
  // /dev/full needs --allow-all: `deno eval` has it.
  const marker = `sleep 30.${Math.floor(Math.random() * 1e6)}`;
  const runnerModule = new URL(
    "../../src/exec/deno_runner.ts",
    import.meta.url,
  );
  const runnerTypes = new URL("../../src/exec/runner.ts", import.meta.url);
  const runnerPolicy = new URL("../../src/exec/policy.ts", import.meta.url);
  const out = await within(
    new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { DenoRunner } from "${runnerModule}";
        import { OutputError } from "${runnerTypes}";
        import { unrestrictedPolicy } from "${runnerPolicy}";
        try {
          await new DenoRunner().run({ command: "echo start; exec ${marker}", cwd: ".", outputPath: "/dev/full", policy: unrestrictedPolicy(Deno.env.toObject()) });
          console.log("resolved");
        } catch (e) {
          console.log(e instanceof OutputError ? "OutputError: " + e.message : "other: " + e);
        }`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output(),
    20_000,
    "the run",
  );
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(
    stdout,
    /^OutputError: Cannot write command output to \/dev\/full: /,
  );
  assert.equal(await processWith(marker), false, "the command is killed");
});

Deno.test("DenoRunner: reports the bytes printed and dropped", async () => {
  const dir = await tempDir();
  const r = await new DenoRunner().run({
    policy: INHERIT,
    command: "printf 0123456789",
    cwd: dir,
    outputPath: join(dir, "out.log"),
    outputCapBytes: 4,
  });
  assert.equal(r.outputBytes, 10);
  assert.equal(r.droppedBytes, 6);
  assert.match(await Deno.readTextFile(join(dir, "out.log")), /\n6789$/);
});

Deno.test("run: a command's output file keeps its last 8 MiB, after a line saying how much was dropped", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: chatty, commands: { count: "seq 1 2000000" } }
`,
  });
  const r = await cli(["run", "--no-build"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  let total = 0;
  for (let i = 1; i <= 2_000_000; i++) total += String(i).length + 1;
  const command = (await latestEvents(dir)).find((e) =>
    e.type === "command_run"
  );
  assert.ok(command?.type === "command_run" && command.output !== null);
  const log = await Deno.readTextFile(join(dir, command.output));
  const cap = 8 * 1024 * 1024;
  assert.equal(command.output_bytes, total);
  assert.equal(command.dropped_bytes, total - cap);
  const [note, ...rest] = log.split("\n");
  assert.equal(
    note,
    `[orchestrate: output cut: the first ${
      total - cap
    } bytes were dropped, the last ${cap} follow]`,
  );
  assert.equal(rest.join("\n").length, cap);
  assert.ok(log.endsWith("\n1999999\n2000000\n"));
});

Deno.test({
  name:
    "run: capturing 1 GB of output keeps memory bounded (peak RSS through GNU time)",
  ignore: !(await Deno.stat("/usr/bin/time").then(() => true, () => false)),
  async fn() {
    const dir = await tempProject({
      "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: huge, commands: { zeros: "head -c 1073741824 /dev/zero" } }
`,
    });
    const main = new URL("../../src/main.ts", import.meta.url).pathname;
    const out = await new Deno.Command("/usr/bin/time", {
      args: [
        "-f",
        "peak %M",
        Deno.execPath(),
        "run",
        "--quiet",
        ...SOURCE_FLAGS,
        main,
        "run",
        "--no-build",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const peakMb = Number(/peak (\d+)/.exec(stderr)![1]) / 1024;
    // Was 1.2 GB (the output queued in memory); a Deno process alone is ~100 MB.
    assert.ok(peakMb < 600, `peak RSS ${peakMb.toFixed(0)} MB`);
  },
});

Deno.test("DenoRunner: a command whose signal is aborted before it starts never runs, however quick", async () => {
  const dir = await tempDir();
  const stop = new AbortController();
  stop.abort();
  const r = await new DenoRunner().run({
    policy: INHERIT,
    command: `touch ${join(dir, "ran")}`,
    cwd: dir,
    outputPath: join(dir, "out.log"),
    signal: stop.signal,
  });
  assert.equal(r.aborted, true);
  assert.equal(r.status, null);
  await assert.rejects(Deno.stat(join(dir, "ran")), Deno.errors.NotFound);
});

Deno.test({
  name:
    "DenoRunner: a command in its own process group leads a new session and group under its own pid",
  ignore: Deno.build.os !== "linux",
}, async () => {
  const dir = await tempDir();
  const r = await new DenoRunner().run({
    policy: INHERIT,
    // Fields 1, 5 and 6 of /proc/self/stat: pid, process group, session of `cut` itself.
    command: "cut -d ' ' -f 1,5,6 /proc/self/stat",
    cwd: dir,
    outputPath: join(dir, "out.log"),
    ownProcessGroup: true,
  });
  assert.equal(r.status, 0);
  const [pid, pgid, sid] = (await Deno.readTextFile(join(dir, "out.log")))
    .trim().split(/\s+/);
  assert.equal(pgid, pid);
  assert.equal(sid, pid);
  assert.notEqual(pgid, String(Deno.pid));
});

Deno.test("DenoRunner: under a policy the child gets exactly the policy's environment, whether it holds all of ours or withholds some", async () => {
  const dir = await tempDir();
  const own = Deno.env.toObject();
  const dump = async (env: Record<string, string>) => {
    const out = join(dir, `env-${Object.keys(env).length}`);
    const r = await new DenoRunner().run({
      command: "env",
      cwd: dir,
      outputPath: out,
      policy: { ...UNRESTRICTED, env },
      env: { ORCHESTRATE_X: "1" },
    });
    assert.equal(r.status, 0);
    const lines = (await Deno.readTextFile(out)).trim().split("\n");
    return new Map(lines.map((l) => [l.slice(0, l.indexOf("=")), l]));
  };
  // All of ours plus one: inherited, with the additions.
  const all = await dump({ ...own, ADDED_BY_POLICY: "yes" });
  assert.equal(all.get("ADDED_BY_POLICY"), "ADDED_BY_POLICY=yes");
  assert.equal(all.get("ORCHESTRATE_X"), "ORCHESTRATE_X=1");
  for (const name of Object.keys(own)) {
    if (!own[name]!.includes("\n")) assert.ok(all.has(name), name);
  }
  // One of ours withheld: it must not reach the child.
  const withheld = Object.keys(own).find((n) => n !== "PATH")!;
  const { [withheld]: _, ...rest } = own;
  const some = await dump(rest);
  assert.equal(some.has(withheld), false, withheld);
  assert.ok(some.has("PATH"));
});
