/**
 * Spares (src/exec/spare.ts, DenoRunner.prepare): a command's pid
 * namespace started ahead runs nothing until a run of the same command
 * takes it, gives the command exactly the environment and stdin a fresh
 * spawn gives, and ends without running it when dropped or when its
 * orchestrator is killed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { UNRESTRICTED } from "../../src/engine/workspace.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import type { RunRequest } from "../../src/exec/runner.ts";
import { Sandbox } from "../../src/exec/sandbox/confine.ts";
import {
  bwrapProblem,
  pidNamespaceArgs,
} from "../../src/exec/sandbox/bwrap.ts";
import { gateArgv, probeShell } from "../../src/exec/spare.ts";
import { firstLine } from "./_processes.ts";

const SHELL = await probeShell();
const NO_SPARES = Deno.build.os !== "linux" || SHELL === null ||
  await bwrapProblem("bwrap", pidNamespaceArgs(["true"], "/")) !== null;

async function tempDir(): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix: "spare-" }));
}

/** Pids whose environment holds `ORCHESTRATE_COMMAND_TAG=<prefix>...` (through sh: /proc needs -A). */
async function tagged(prefix: string): Promise<string[]> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'grep -lz "^ORCHESTRATE_COMMAND_TAG=$1" /proc/[0-9]*/environ 2>/dev/null; true',
      "sh",
      prefix.replaceAll(".", "\\."),
    ],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l);
}

/** A runner in pid namespaces, and a request for `command` in `dir`. */
function setup(dir: string) {
  const sandbox = new Sandbox("auto", () => {});
  const runner = new DenoRunner({ wrap: sandbox.wrap });
  const request = (command: string, out: string): RunRequest => ({
    command,
    cwd: dir,
    outputPath: join(dir, out),
    policy: { ...UNRESTRICTED, env: { PATH: Deno.env.get("PATH") ?? "" } },
  });
  return { runner, request };
}

/** Starts a 0.6 s command and waits until it has run long enough for spares; resolves its run and its tag. */
async function longCommand(
  runner: DenoRunner,
  request: (command: string, out: string) => RunRequest,
  dir: string,
) {
  const run = runner.run(
    request("sh -c 'echo $ORCHESTRATE_COMMAND_TAG; sleep 0.6'", "long.log"),
  );
  const tag = await firstLine(join(dir, "long.log"));
  return { run, tag };
}

/** Asks for spares until the runner takes the request (a command must have run a while first). */
async function prepared(
  runner: DenoRunner,
  requests: RunRequest[],
): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await runner.prepare(requests)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the runner never took the requests");
}

Deno.test("spares: the gate keeps the environment as given (a PWD naming its folder too) and refuses names its shell changes", async () => {
  assert.equal(gateArgv(["-x"], {}, new Set()), null);
  assert.equal(gateArgv(["true"], { "X.Y": "1" }, new Set()), null);
  if (SHELL === null) return;
  for (const name of SHELL) {
    assert.equal(gateArgv(["true"], { [name]: "1" }, SHELL), null, name);
  }
  const dir = await tempDir();
  const env = { PATH: "/usr/bin:/bin", A: "x y $z 'q'\n\\", LONE: "" };
  for (const cwd of ["/", dir]) {
    // As bwrap gives it: PWD names the folder.
    const given: Record<string, string> = { ...env, PWD: cwd };
    const gate = gateArgv(["/bin/cat", "/proc/self/environ"], given, SHELL)!;
    const child = new Deno.Command(gate[0]!, {
      args: gate.slice(1),
      cwd,
      env: given,
      clearEnv: true,
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("go\n"));
    await writer.close();
    const out = new TextDecoder().decode((await child.output()).stdout);
    const got = Object.fromEntries(
      out.split("\0").filter((e) => e).map((e) => [
        e.slice(0, e.indexOf("=")),
        e.slice(e.indexOf("=") + 1),
      ]),
    );
    assert.deepEqual(got, given);
  }
});

Deno.test({
  name:
    "spares: a run takes the spare of its command, which gets the environment and stdin of a fresh spawn",
  ignore: NO_SPARES,
}, async () => {
  const dir = await tempDir();
  const { runner, request } = setup(dir);
  // Programs run without a shell, which would add PWD itself.
  const env = "env", stdin = "readlink /proc/self/fd/0";
  const status = "cat /proc/self/status";
  const fresh = await runner.run(request(env, "fresh.log"));
  assert.equal(fresh.status, 0);
  assert.equal((await runner.run(request(status, "status1.log"))).status, 0);
  const long = await longCommand(runner, request, dir);
  const [pid, n] = long.tag.split(".");
  await prepared(runner, [
    request(env, "x.log"),
    request(stdin, "y.log"),
    request(status, "z.log"),
  ]);
  assert.equal((await runner.run(request(env, "spare.log"))).status, 0);
  assert.equal((await runner.run(request(stdin, "stdin.log"))).status, 0);
  assert.equal((await runner.run(request(status, "status2.log"))).status, 0);
  // Its pid in the namespace, signals, capabilities: as a fresh spawn's.
  const kept = async (file: string) =>
    (await Deno.readTextFile(join(dir, file))).split("\n").filter((l) =>
      /^(Pid|PPid|Sig(Blk|Ign|Cgt)|Cap\w+|NoNewPrivs|Seccomp|Uid|Gid):/.test(l)
    );
  assert.deepEqual(await kept("status2.log"), await kept("status1.log"));
  assert.ok((await kept("status1.log")).includes("Pid:\t2"));
  assert.equal((await long.run).status, 0);
  const lines = async (file: string) =>
    (await Deno.readTextFile(join(dir, file))).split("\n").filter((l) =>
      !l.startsWith("ORCHESTRATE_COMMAND_TAG=")
    ).sort();
  const spared = await Deno.readTextFile(join(dir, "spare.log"));
  // The tag handed out when the spare was made, not a later one.
  assert.ok(
    spared.includes(`ORCHESTRATE_COMMAND_TAG=${pid}.${Number(n) + 1}\n`),
    spared,
  );
  assert.deepEqual(await lines("spare.log"), await lines("fresh.log"));
  assert.equal(
    await Deno.readTextFile(join(dir, "stdin.log")),
    "/dev/null\n",
  );
  await runner.dropSpares();
});

Deno.test({
  name:
    "spares: a spare nobody takes never runs its command: not while it waits, not once dropped",
  ignore: NO_SPARES,
}, async () => {
  const dir = await tempDir();
  const { runner, request } = setup(dir);
  const long = await longCommand(runner, request, dir);
  await prepared(runner, [request("touch ran", "touch.log")]);
  const prefix = `${Deno.pid}.`;
  assert.ok((await tagged(prefix)).length >= 2, "the spare is up");
  await new Promise((r) => setTimeout(r, 100));
  await assert.rejects(Deno.stat(join(dir, "ran")), Deno.errors.NotFound);
  await runner.dropSpares();
  assert.equal((await long.run).status, 0);
  assert.deepEqual(await tagged(prefix), []);
  await assert.rejects(Deno.stat(join(dir, "ran")), Deno.errors.NotFound);
});

Deno.test({
  name:
    "spares: an orchestrator killed with -9 while a spare waits leaves no process and runs nothing",
  ignore: NO_SPARES,
}, async () => {
  const dir = await tempDir();
  const script = join(dir, "holder.ts");
  const runner = new URL("../../src/exec/deno_runner.ts", import.meta.url);
  const confine = new URL("../../src/exec/sandbox/confine.ts", import.meta.url);
  const workspace = new URL("../../src/engine/workspace.ts", import.meta.url);
  await Deno.writeTextFile(
    script,
    `import { DenoRunner } from "${runner}";
import { Sandbox } from "${confine}";
import { UNRESTRICTED } from "${workspace}";
const runner = new DenoRunner({ wrap: new Sandbox("auto", () => {}).wrap });
const request = (command, out) => ({
  command, cwd: ${JSON.stringify(dir)}, outputPath: ${
      JSON.stringify(dir + "/")
    } + out,
  policy: { ...UNRESTRICTED, env: { PATH: Deno.env.get("PATH") ?? "" } },
});
runner.run(request("sleep 30", "sleep.log"));
while (!(await runner.prepare([request("touch ran", "touch.log")]))) {
  await new Promise((r) => setTimeout(r, 10));
}
console.log("ready");
await new Promise((r) => setTimeout(r, 30000));
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value?.trim(), "ready");
  const prefix = `${child.pid}.`;
  assert.ok((await tagged(prefix)).length >= 2, "the sleep and the spare");
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  for (let i = 0; i < 100 && (await tagged(prefix)).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(await tagged(prefix), []);
  await assert.rejects(Deno.stat(join(dir, "ran")), Deno.errors.NotFound);
});

Deno.test({
  name:
    "spares: a command whose policy names no PATH (found on orchestrate's own) takes its spare too",
  ignore: NO_SPARES,
}, async () => {
  const dir = await tempDir();
  const { runner, request } = setup(dir);
  const long = await longCommand(runner, request, dir);
  const [pid, n] = long.tag.split(".");
  const bare = (out: string): RunRequest => ({
    ...request("env", out),
    policy: { ...UNRESTRICTED, env: {} },
  });
  await prepared(runner, [bare("x.log")]);
  assert.equal((await runner.run(bare("env.log"))).status, 0);
  assert.equal(
    await Deno.readTextFile(join(dir, "env.log")),
    `ORCHESTRATE_COMMAND_TAG=${pid}.${Number(n) + 1}\nPWD=${dir}\n`,
  );
  assert.equal((await long.run).status, 0);
  await runner.dropSpares();
});
