/**
 * Task permissions through the real CLI, with real subprocesses: the
 * environment a child gets, secrets masked, programs refused before they
 * are spawned, the run-wide `--allow-*` flags, and Deno's own flags.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, repoPath, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";

const SECRET = "s3cr3t-value-8d1f";

/** The task_failed event of `task` in the latest run. */
async function failure(dir: string, task: string) {
  const events = await latestEvents(dir);
  return events.find((e) => e.type === "task_failed" && e.task === task) as
    | { reason: string; detail: string }
    | undefined;
}

Deno.test("permissions: a child gets no secret-looking variable it is not granted; with env declared, only the base and the named ones", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: DEFAULT
    title: default environment
    commands: { dump: "sh -c 'env > default.env'" }
  - id: NAMED
    title: declared environment
    commands: { dump: "sh -c 'env > named.env'" }
    permissions: { env: [WANTED] }
`,
  });
  const r = await cli(["run"], {
    cwd: dir,
    env: { GH_TOKEN: SECRET, PLAIN_SETTING: "plain-1", WANTED: "wanted-1" },
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const names = async (file: string) =>
    (await Deno.readTextFile(join(dir, file))).split("\n").map((l) =>
      l.split("=")[0]
    );
  const byDefault = await names("default.env");
  assert.ok(byDefault.includes("PLAIN_SETTING"));
  assert.ok(byDefault.includes("PATH"));
  assert.ok(!byDefault.includes("GH_TOKEN"), "a secret is never inherited");
  const named = await names("named.env");
  assert.ok(named.includes("WANTED") && named.includes("PATH"));
  assert.ok(named.includes("ORCHESTRATE_TASK_ID"));
  assert.ok(!named.includes("PLAIN_SETTING"), "not named: absent");
  assert.ok(!named.includes("GH_TOKEN"));
});

Deno.test("permissions: a granted secret reaches the child and is masked in output files (0600), events, TASKS.md and status", async () => {
  // Enough output that the pipe splits it into several chunks, secrets on the way.
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: LEAK
    title: prints its token
    commands:
      show: "sh -c 'i=0; while [ $i -lt 3000 ]; do echo \\"line $i token=$API_TOKEN\\"; i=$((i+1)); done; echo $API_TOKEN >&2; exit 1'"
    acceptance: ["Command: sh -c 'echo check $API_TOKEN'"]
    permissions: { env: [API_TOKEN] }
`,
  });
  const r = await cli(["run"], { cwd: dir, env: { API_TOKEN: SECRET } });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const runs = join(dir, ".codex/runs");
  const logs: string[] = [];
  for await (const e of Deno.readDir(runs)) {
    if (!e.isDirectory) continue;
    for await (const f of Deno.readDir(join(runs, e.name))) {
      logs.push(join(runs, e.name, f.name));
    }
  }
  assert.ok(logs.length >= 1);
  for (const log of logs) {
    const text = await Deno.readTextFile(log);
    assert.ok(!text.includes(SECRET), `${log} holds the secret`);
    assert.equal((await Deno.stat(log)).mode! & 0o777, 0o600, log);
  }
  const show = await Deno.readTextFile(
    logs.find((l) => l.includes("show"))!,
  );
  assert.match(show, /^line 2999 token=\*\*\*$/m);
  assert.equal(show.match(/token=\*\*\*/g)?.length, 3000);
  assert.match(show, /^\*\*\*$/m, "stderr masked too");
  const status = await cli(["status", "--json"], { cwd: dir });
  for (
    const text of [
      r.stdout + r.stderr,
      status.stdout,
      await Deno.readTextFile(join(dir, "TASKS.md")),
      ...await Array.fromAsync(
        Deno.readDir(runs),
        (e) => e.isFile ? Deno.readTextFile(join(runs, e.name)) : "",
      ),
    ]
  ) assert.ok(!(await text).includes(SECRET));
});

const RUN_GIT_ONLY = `version: 1
tasks:
  - id: TOUCH
    title: touches a file
    commands:
      first: git --version
      make: touch marker
    permissions: { run: [git] }
`;

Deno.test("permissions: a program not in run is refused before anything of the task is spawned, naming what to add", async () => {
  const dir = await tempProject({ "orchestrator.yml": RUN_GIT_ONLY });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const failed = await failure(dir, "TOUCH");
  assert.equal(failed?.reason, "permission_denied");
  assert.match(failed!.detail, /task TOUCH may not run "touch"/);
  assert.match(failed!.detail, /add "touch" to its permissions\.run/);
  assert.equal(await exists(join(dir, "marker")), false);
  const events = await latestEvents(dir);
  assert.equal(events.filter((e) => e.type === "command_run").length, 0);
  assert.match(r.stdout + r.stderr, /permission_denied/);
});

Deno.test("permissions: a command that needs a shell needs the shell in run", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: PIPE
    title: a pipeline
    commands: { make: "git --version | cat > out.txt" }
    permissions: { run: [git, cat] }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1);
  const failed = await failure(dir, "PIPE");
  assert.match(failed!.detail, /needs a shell, "sh"/);
  assert.match(failed!.detail, /add "sh" to its permissions\.run/);
  assert.equal(await exists(join(dir, "out.txt")), false);
});

Deno.test("permissions: a shard narrows its task's permissions for its own commands", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: task
    commands: { make: touch task-ran }
    shards:
      - id: S
        title: shard
        commands: { make: touch shard-ran }
        permissions: { run: [git] }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1);
  const failed = await failure(dir, "T");
  assert.match(failed!.detail, /shard S may not run "touch"/);
  assert.equal(await exists(join(dir, "shard-ran")), false);
  assert.equal(await exists(join(dir, "task-ran")), false);
});

Deno.test("permissions: --allow-* on run and resume narrow a plan that grants more, naming the exact flag", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: TOUCH
    title: default permissions
    commands: { make: "touch src/marker" }
  - id: DIST
    title: declares a write
    commands: { make: "git --version" }
    permissions: { write: [dist], env: [WANTED] }
`,
    "src/.keep": "",
  });
  const r = await cli(["run", "--allow-run=git,sh", "--allow-write=src"], {
    cwd: dir,
  });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const touch = await failure(dir, "TOUCH");
  assert.equal(touch?.reason, "permission_denied");
  assert.match(
    touch!.detail,
    /--allow-run=git,sh; run with --allow-run=git,sh,touch/,
  );
  const dist = await failure(dir, "DIST");
  assert.match(
    dist!.detail,
    /task DIST needs write access to "dist", which the run does not allow \(--allow-write=src\); run with --allow-write=src,dist/,
  );
  assert.equal(await exists(join(dir, "src/marker")), false);

  // The same flags on resume, widened as the message says.
  const again = await cli(
    [
      "resume",
      "--allow-run=git,sh,touch",
      "--allow-write=src,dist",
      "--allow-env=WANTED",
    ],
    { cwd: dir },
  );
  assert.equal(again.code, 0, again.stderr + again.stdout);
  // --allow-write=src,dist confines TOUCH to them: its write in src lands.
  assert.equal(await exists(join(dir, "src/marker")), true);
});

Deno.test("permissions: --allow-env narrows the default environment to the base and the named variables", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: DUMP
    title: dump
    commands: { dump: "sh -c 'env > out.env'" }
`,
  });
  const r = await cli(["run", "--allow-env=KEEP_ME"], {
    cwd: dir,
    env: { KEEP_ME: "1", DROP_ME: "2" },
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const text = await Deno.readTextFile(join(dir, "out.env"));
  assert.match(text, /^KEEP_ME=1$/m);
  assert.match(text, /^PATH=/m);
  assert.doesNotMatch(text, /DROP_ME/);
});

Deno.test("permissions: orchestrate started with narrow Deno flags refuses a program cleanly, naming the flag", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: TOUCH
    title: touches
    commands: { make: "touch marker" }
`,
  });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      "--allow-run=git",
      "--unstable-worker-options",
      repoPath("src/main.ts"),
      "run",
    ],
    cwd: dir,
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1, text);
  assert.doesNotMatch(text, /NotCapable|Internal error/);
  const failed = await failure(dir, "TOUCH");
  assert.equal(failed?.reason, "permission_denied");
  assert.match(failed!.detail, /started without run access.*--allow-run/);
  assert.equal(await exists(join(dir, "marker")), false);
});

Deno.test("permissions: a path outside the root and a mistyped key are located plan errors", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: a
    permissions:
      write: [../elsewhere]
  - id: B
    title: b
    permissions: { wirte: [src] }
`,
  });
  const r = await cli(["plan", "validate"], { cwd: dir });
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.match(
    r.stderr,
    /orchestrator\.yml:6:15: .*"\.\.\/elsewhere" escapes the project root/,
  );
  assert.match(
    r.stderr,
    /orchestrator\.yml:9:20: .*wirte.*did you mean "write"/,
  );
});

Deno.test("permissions: an --allow-* entry the plan would reject is a usage error (exit 2), and nothing runs", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: a, commands: { make: "touch ran" } }
`,
  });
  for (
    const [flag, message] of [
      [
        "--allow-write=../outside",
        /--allow-write: Path "\.\.\/outside" escapes the project root/,
      ],
      ["--allow-read=/etc", /--allow-read: Path "\/etc" must be relative/],
      ["--allow-net=exa mple", /--allow-net: Invalid host "exa mple"/],
      ["--allow-env=NO-DASH", /--allow-env: Invalid variable name "NO-DASH"/],
    ] as const
  ) {
    const r = await cli(["run", flag], { cwd: dir });
    assert.equal(r.code, 2, flag);
    assert.match(r.stderr, message);
  }
  assert.equal(await exists(join(dir, "ran")), false);
  assert.equal(await exists(join(dir, ".codex/runs")), false);
});
