import assert from "node:assert/strict";
import { join } from "node:path";
import { PERMISSIONS, repoPath, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import type { RunEvent } from "../../src/events/types.ts";

/** Generous bound on a run that would otherwise hang (not a timing assertion). */
const HANG_BOUND_MS = 30_000;

/** A regex that backtracks for hours on {@link SPIN_TEXT} (2^40 paths). */
const SPIN = "Matches in data.txt: /^(a+)+$/";
const SPIN_TEXT = "a".repeat(40) + "!";

interface Started {
  child: Deno.ChildProcess;
  /** Exit code, or null when the bound passed and the run was killed. */
  code: Promise<number | null>;
}

/** Starts `orchestrate run` in `cwd`; kills it if it has not ended within {@link HANG_BOUND_MS}. */
function startRun(cwd: string, wrap: string[] = []): Started {
  const args = ["run", "--quiet", ...PERMISSIONS, repoPath("src/main.ts")];
  const child = new Deno.Command(wrap[0] ?? Deno.execPath(), {
    args: wrap.length > 0
      ? [...wrap.slice(1), Deno.execPath(), ...args, "run"]
      : [...args, "run"],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, HANG_BOUND_MS);
  });
  const code = Promise.race([
    child.output().then((o) => o.code),
    bound,
  ]).finally(() => clearTimeout(timer));
  return { child, code };
}

/** Pids of processes whose parent is `pid` and whose arguments include `marker` (`ps`: tests may not list /proc). */
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

/** Waits until the run has started a check helper process; its pids. */
async function helpersOf(run: Started): Promise<number[]> {
  let ended = false;
  run.code.then(() => ended = true);
  for (;;) {
    const found = await childrenWith(run.child.pid, "__check");
    if (found.length > 0) return found;
    assert.ok(
      !ended,
      "the run ended (or hung) without starting a check helper",
    );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether `pid` is running (a zombie waiting to be reaped has ended). */
async function alive(pid: number): Promise<boolean> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "stat=", "-p", String(pid)],
    stdout: "piped",
  }).output();
  const state = new TextDecoder().decode(out.stdout).trim();
  return state !== "" && !state.startsWith("Z");
}

function failure(events: RunEvent[], task: string) {
  const e = events.find((e) => e.type === "task_failed" && e.task === task);
  assert.ok(e && e.type === "task_failed", `task_failed ${task}`);
  return e;
}

function checkReasons(events: RunEvent[], task: string): string[] {
  return events.flatMap((e) =>
    e.type === "acceptance_failed" && e.task === task ? [e.reason] : []
  );
}

Deno.test("checks: a runaway Matches is stopped by the task's timebox (reason timeout, exit 1)", async () => {
  const dir = await tempProject({
    "data.txt": SPIN_TEXT,
    "orchestrator.yml": `version: 1
tasks:
  - id: SPIN
    title: catastrophic regex
    constraints: { timebox: 2s }
    acceptance: ["${SPIN}"]
  - { id: AFTER, title: later, dependencies: [SPIN], commands: { x: "touch after" } }
`,
  });
  const run = startRun(dir);
  assert.equal(await run.code, 1, "the run ends (exit 1) instead of hanging");
  const events = await latestEvents(dir);
  assert.equal(failure(events, "SPIN").reason, "timeout");
  assert.deepEqual(checkReasons(events, "SPIN"), [
    "stopped before it finished",
  ]);
  assert.equal(events.at(-1)!.type, "completed");
  assert.deepEqual(await childrenWith(run.child.pid, "__check"), []);
});

Deno.test("checks: Ctrl-C during a runaway Matches exits 130 and records the interruption", async () => {
  const dir = await tempProject({
    "data.txt": SPIN_TEXT,
    "orchestrator.yml": `version: 1
tasks:
  - { id: SPIN, title: catastrophic regex, acceptance: ["${SPIN}"] }
`,
  });
  const run = startRun(dir);
  const helpers = await helpersOf(run);
  run.child.kill("SIGINT");
  assert.equal(await run.code, 130);
  const events = await latestEvents(dir);
  assert.equal(failure(events, "SPIN").reason, "interrupted");
  assert.ok(events.some((e) => e.type === "interrupted"));
  for (const pid of helpers) {
    assert.equal(await alive(pid), false, "the busy helper was killed");
  }
});

Deno.test("checks: a helper busy in a regex ends when the run is killed outright", async () => {
  const dir = await tempProject({
    "data.txt": SPIN_TEXT,
    "orchestrator.yml": `version: 1
tasks:
  - { id: SPIN, title: catastrophic regex, acceptance: ["${SPIN}"] }
`,
  });
  const run = startRun(dir);
  const helpers = await helpersOf(run);
  run.child.kill("SIGKILL");
  await run.code;
  for (let waited = 0; await alive(helpers[0]!); waited += 50) {
    assert.ok(waited < HANG_BOUND_MS, "the orphaned helper is still running");
    await new Promise((r) => setTimeout(r, 50));
  }
});

Deno.test("checks: paths that lead outside the project through a symlink are refused", async () => {
  const elsewhere = await tempProject({ "secret.txt": "TOKEN=42\n" });
  const dir = await tempProject({
    "README.md": "hello\n",
    "docs/guide.md": "# Guide\n",
    "orchestrator.yml": `version: 1
tasks:
  - id: INSIDE
    title: links that stay inside the root are followed
    acceptance: ["Contains in docs/readme-link.md: hello", "File exists: docs/*-link.md"]
  - id: OUT
    title: links out of the root
    dependencies: [INSIDE]
    paths: { preferred: [linked] }
    acceptance:
      - "File exists: passwd"
      - "Contains in passwd: root"
      - "Not contains in docs: TOKEN"
      - "File exists: docs/*.txt"
      - "Matches: /TOKEN/"
`,
  });
  await Deno.symlink("/etc/passwd", join(dir, "passwd"));
  await Deno.symlink(
    join(elsewhere, "secret.txt"),
    join(dir, "docs/secret.txt"),
  );
  await Deno.symlink(elsewhere, join(dir, "linked"));
  await Deno.symlink("../README.md", join(dir, "docs/readme-link.md"));
  const run = startRun(dir);
  assert.equal(await run.code, 1);
  const events = await latestEvents(dir);
  assert.ok(
    events.some((e) => e.type === "task_completed" && e.task === "INSIDE"),
    JSON.stringify(checkReasons(events, "INSIDE")),
  );
  const refused = (path: string) =>
    `${path} leads outside the project root through a symlink (refused)`;
  assert.deepEqual(checkReasons(events, "OUT"), [
    refused("passwd"),
    refused("passwd"),
    refused("docs/secret.txt"),
    refused("docs/secret.txt"),
    refused("linked"),
  ]);
});

Deno.test("checks: a file that cannot be read fails Contains, Not contains and Matches with the reason", async () => {
  const dir = await tempProject({
    "secret.txt": "password\n",
    "open.txt": "hello\n",
    "orchestrator.yml": `version: 1
tasks:
  - id: READ
    title: t
    paths: { preferred: ["*.txt"] }
    acceptance:
      - "Not contains: TODO"
      - "Contains in secret.txt: password"
      - "Matches in secret.txt: /pass/"
      - "Not contains in pipe: x"
      - "Not contains in locked: x"
      - "Contains in locked/inner.txt: x"
      - "File exists: locked/*.txt"
`,
    "locked/inner.txt": "x\n",
  });
  await Deno.chmod(join(dir, "secret.txt"), 0o000);
  await Deno.chmod(join(dir, "locked"), 0o000);
  const mkfifo = await new Deno.Command("mkfifo", { args: [join(dir, "pipe")] })
    .output();
  assert.ok(mkfifo.success, "mkfifo");
  // Root reads anything: drop the capabilities that let it (the rest of the run is unaffected).
  const wrap = Deno.uid() === 0
    ? ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    : [];
  const run = startRun(dir, wrap);
  assert.equal(await run.code, 1);
  const denied = "cannot read secret.txt: permission denied";
  assert.deepEqual(checkReasons(await latestEvents(dir), "READ"), [
    denied,
    denied,
    denied,
    "pipe is not a regular file",
    "cannot read locked: permission denied",
    "cannot read locked/inner.txt: permission denied",
    "cannot read locked: permission denied",
  ]);
});
