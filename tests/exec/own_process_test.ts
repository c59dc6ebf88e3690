import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../_cli.ts";
import { killOwnProcesses, runOwn } from "../../src/exec/own_process.ts";
import { ownProgram, trustedPath } from "../../src/exec/programs.ts";

const SH = Deno.realPathSync("/bin/sh");

Deno.test("own process: exactly the environment given, nothing inherited", async () => {
  Deno.env.set("GIT_INDEX_FILE", "/inherited/index");
  try {
    const r = await runOwn({
      program: SH,
      args: ["-c", "env"],
      cwd: "/",
      env: { ONLY: "this" },
      timeoutMs: 30_000,
    });
    const names = new TextDecoder().decode(r.stdout).trim().split("\n")
      .map((l) => l.split("=")[0]).filter((n) => n !== "PWD");
    assert.deepEqual(names, ["ONLY"]);
  } finally {
    Deno.env.delete("GIT_INDEX_FILE");
  }
});

Deno.test("own process: killed at its timeout, and by killOwnProcesses (the second Ctrl-C)", async () => {
  const slow = { program: SH, args: ["-c", "sleep 30"], cwd: "/", env: {} };
  const timed = await runOwn({ ...slow, timeoutMs: 100 });
  assert.deepEqual([timed.code, timed.timedOut], [null, true]);
  const running = runOwn({ ...slow, timeoutMs: 60_000 });
  await new Promise((r) => setTimeout(r, 100));
  killOwnProcesses("SIGKILL");
  const killed = await running;
  assert.deepEqual([killed.code, killed.timedOut], [null, false]);
});

Deno.test("own programs: found only outside the project, as real paths", async () => {
  const root = await tempDir();
  const bin = join(root, "node_modules/.bin");
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(join(bin, "git"), "#!/bin/sh\necho planted\n");
  await Deno.chmod(join(bin, "git"), 0o755);
  const path = `${bin}:.:node_modules/.bin:${root}:/usr/bin:/bin`;
  assert.deepEqual(trustedPath(path, root), ["/usr/bin", "/bin"]);
  const git = ownProgram("git", path, root);
  assert.ok(git !== null && !git.startsWith(root), `${git}`);
  assert.equal(git, Deno.realPathSync(git!));
  assert.equal(ownProgram("git", bin, root), null);
});
