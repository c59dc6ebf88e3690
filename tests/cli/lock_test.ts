import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, PERMISSIONS, tempProject } from "../_cli.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** Each run that executes appends a line to `ran`, then waits for `go`. */
const PLAN = `version: 1
tasks:
  - id: A
    title: one at a time
    commands: { x: "sh -c 'echo $$ >> ran; i=0; while [ ! -f go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'" }
`;

async function lines(path: string): Promise<number> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "")
      .length;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

Deno.test("lock: of 8 runs started together, exactly one executes; the others exit 2 (4 rounds, two over a stale lock)", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  const gone = new Deno.Command("true").spawn();
  await gone.status;
  for (let round = 1; round <= 4; round++) {
    await Deno.remove(join(dir, "go")).catch(() => {});
    await Deno.remove(join(dir, "ran")).catch(() => {});
    if (round % 2 === 0) {
      // A lock left by a process that is gone: all 8 try to take it over at once.
      await Deno.writeTextFile(
        join(dir, ".codex/lock"),
        JSON.stringify({
          pid: gone.pid,
          host: Deno.hostname(),
          run: "crashed",
          started: "2026-01-01T00:00:00Z",
        }),
      );
    }
    const children = Array.from(
      { length: 8 },
      () =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "--quiet", ...PERMISSIONS, MAIN, "run"],
          cwd: dir,
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).spawn(),
    );
    let exited = 0;
    const outputs = children.map((c) =>
      c.output().then((o) => {
        exited++;
        return o;
      })
    );
    // A run that executes waits for `go`; every other one exits on its own.
    const limit = Date.now() + 60_000;
    while (exited + await lines(join(dir, "ran")) < 8 && Date.now() < limit) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await Deno.writeTextFile(join(dir, "go"), "");
    const results = await Promise.all(outputs);
    const codes = results.map((r) => r.code).sort();
    assert.equal(await lines(join(dir, "ran")), 1, `round ${round}: ran once`);
    assert.deepEqual(codes, [0, 2, 2, 2, 2, 2, 2, 2], `round ${round}`);
    for (const r of results.filter((r) => r.code === 2)) {
      assert.match(
        new TextDecoder().decode(r.stderr),
        /Another run \(\S+, pid \d+ on .*\) holds \.codex\/lock; wait for it to finish/,
      );
    }
  }
});

Deno.test("lock: an unreadable lock is left alone while young, then replaced; a pid of 0 or -1 is never signalled", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      `version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "sh -c 'echo x >> ran'" } }\n`,
  });
  await Deno.mkdir(join(dir, ".codex"));
  const lock = join(dir, ".codex/lock");
  for (const content of ["", '{"pid":-1,"host":"h","run":"r","started":"t"}']) {
    await Deno.writeTextFile(lock, content);
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(lock, old, old);
    const r = await cli(["run"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /replaced an unreadable \.codex\/lock/);
  }
  assert.equal(await lines(join(dir, "ran")), 2);
  // A fresh unreadable lock: its writer may be mid-write, so the run waits the grace period first.
  await Deno.writeTextFile(lock, '{"pid":');
  const writer = (async () => {
    await new Promise((r) => setTimeout(r, 300));
    await Deno.writeTextFile(
      lock,
      JSON.stringify({
        pid: Deno.pid,
        host: Deno.hostname(),
        run: "writer",
        started: "2026-01-01T00:00:00Z",
      }),
    );
  })();
  const r = await cli(["run"], { cwd: dir });
  await writer;
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /Another run \(writer, pid \d+/);
  assert.equal(await lines(join(dir, "ran")), 2);
});

Deno.test("lock: a held lock's run, host and start time reach the terminal with control characters escaped", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  await Deno.mkdir(join(dir, ".codex"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, ".codex/lock"),
    JSON.stringify({
      pid: Deno.pid, // This test process: alive.
      host: Deno.hostname(),
      run: "r\x1b[2J\x07",
      started: "now\r\nforged line",
    }) + "\n",
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, MAIN, "run"],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2, stderr);
  assert.match(stderr, /Another run/);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(stderr, /[\x07\x1b\r]/);
  assert.doesNotMatch(stderr, /\nforged line/);
});
