/**
 * Choosing a sandbox (src/exec/sandbox/confine.ts): where the one asked for
 * cannot run, `auto` falls back to the audit and says so once; a sandbox
 * named explicitly fails closed.
 */
import assert from "node:assert/strict";
import { UNRESTRICTED } from "../../../src/engine/workspace.ts";
import {
  Sandbox,
  SandboxUnavailable,
} from "../../../src/exec/sandbox/confine.ts";
import type { RunRequest } from "../../../src/exec/runner.ts";
import { ROOT_ESCAPE_CAPS } from "../../../src/exec/sandbox/bwrap.ts";

const confined: RunRequest = {
  command: "make",
  cwd: "/repo",
  outputPath: "/repo/.codex/runs/r/out.log",
  policy: { ...UNRESTRICTED, forbidden: ["/repo/vendor"] },
};
const MISSING = "/nonexistent/orchestrate-test/bwrap";

Deno.test("sandbox: auto without bwrap warns once and leaves the command to the audit", async () => {
  const warnings: string[] = [];
  const sandbox = new Sandbox("auto", (m) => warnings.push(m), {
    bwrap: MISSING,
  });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual((await sandbox.wrap(["make"], confined)).argv, ["make"]);
  }
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /^warning: no sandbox: bubblewrap \(bwrap\) is not installed; tasks with write or net limits run with the write audit only/,
  );
});

Deno.test("sandbox: --sandbox bwrap without bwrap fails closed", async () => {
  const sandbox = new Sandbox("bwrap", () => {}, { bwrap: MISSING });
  await assert.rejects(
    sandbox.wrap(["make"], confined),
    (e) =>
      e instanceof SandboxUnavailable &&
      /--sandbox bwrap: bubblewrap \(bwrap\) is not installed/.test(e.message),
  );
});

Deno.test("sandbox: an unrestricted command and --sandbox off run bare", async () => {
  const sandbox = new Sandbox("bwrap", () => {}, { bwrap: MISSING });
  const open = { ...confined, policy: UNRESTRICTED };
  assert.deepEqual((await sandbox.wrap(["make"], open)).argv, ["make"]);
  const off = new Sandbox("off", () => {}, { bwrap: MISSING });
  assert.deepEqual((await off.wrap(["make"], confined)).argv, ["make"]);
});

Deno.test("sandbox: auto on Linux wraps a confined command in bwrap with the forbidden path read-only", async () => {
  const sandbox = new Sandbox("auto", () => {}, {
    bwrap: "/bin/true",
    os: "linux",
  });
  const { argv } = await sandbox.wrap(["make", "all"], {
    ...confined,
    cwd: "/",
    policy: { ...UNRESTRICTED, forbidden: ["/etc", "/nonexistent/x"] },
  });
  assert.equal(argv[0], "/bin/true");
  const at = argv.indexOf("/etc");
  assert.deepEqual(argv.slice(at - 1, at + 2), ["--ro-bind", "/etc", "/etc"]);
  // bwrap cannot bind what does not exist: the audit guards it.
  assert.equal(argv.includes("/nonexistent/x"), false);
  assert.ok(argv.includes("--unshare-pid"));
  assert.equal(argv.includes("--unshare-net"), false);
  assert.deepEqual(argv.slice(-3), ["--", "make", "all"]);
});

Deno.test("sandbox: a command without limits runs in a pid namespace of its own, unless its task keeps processes running", async () => {
  const sandbox = new Sandbox("auto", () => {}, {
    bwrap: "/bin/true",
    os: "linux",
  });
  const open = { ...confined, cwd: "/", policy: UNRESTRICTED };
  const wrapped = await sandbox.wrap(["make"], open);
  assert.equal(wrapped.argv[0], "/bin/true");
  assert.ok(wrapped.argv.includes("--unshare-pid"));
  assert.ok(wrapped.argv.includes("--die-with-parent"));
  assert.equal(wrapped.pidNamespace, true);
  // The same files, network and rights: nothing else is unshared.
  for (const flag of ["--unshare-net", "--unshare-user"]) {
    assert.equal(wrapped.argv.includes(flag), false, flag);
  }
  // Root gives up only what reaches past the namespace; anyone else has
  // no capability there to give up.
  const dropped = wrapped.argv.flatMap((arg, i) =>
    wrapped.argv[i - 1] === "--cap-drop" ? [arg] : []
  );
  assert.deepEqual(
    dropped,
    Deno.uid() === 0 ? [...ROOT_ESCAPE_CAPS] : [],
  );
  assert.equal(dropped.includes("ALL"), false);
  const kept = await sandbox.wrap(["make"], { ...open, keepRunning: true });
  assert.deepEqual(kept.argv, ["make"]);
});

Deno.test("sandbox: a confined command drops every capability; net: false gets the seccomp filter on fd 9", async () => {
  const sandbox = new Sandbox("auto", () => {}, {
    bwrap: "/bin/true",
    os: "linux",
  });
  const wrapped = await sandbox.wrap(["make"], {
    ...confined,
    cwd: "/",
    policy: { ...UNRESTRICTED, net: false },
  });
  const at = wrapped.argv.indexOf("/bin/true");
  assert.deepEqual(wrapped.argv.slice(0, at), [
    "/bin/sh",
    "-c",
    'exec 9<&0 </dev/null; exec "$@"',
    "sh",
  ]);
  const args = wrapped.argv.slice(at);
  assert.ok(args.includes("--unshare-user"));
  const drop = args.indexOf("--cap-drop");
  assert.deepEqual(args.slice(drop, drop + 2), ["--cap-drop", "ALL"]);
  const seccomp = args.indexOf("--seccomp");
  assert.deepEqual(args.slice(seccomp, seccomp + 2), ["--seccomp", "9"]);
  assert.ok(wrapped.stdin && wrapped.stdin.length > 0);
  // With the network allowed: no filter, no trampoline.
  const open = await sandbox.wrap(["make"], {
    ...confined,
    cwd: "/",
    policy: { ...UNRESTRICTED, write: [] },
  });
  assert.equal(open.argv[0], "/bin/true");
  assert.equal(open.argv.includes("--seccomp"), false);
  assert.equal(open.stdin, undefined);
});

Deno.test("sandbox: a write path that became a link is refused before the spawn", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await Deno.symlink("/etc", `${root}/out`);
  const sandbox = new Sandbox("auto", () => {}, {
    bwrap: "/bin/true",
    os: "linux",
  });
  const wrapped = await sandbox.wrap(["make"], {
    ...confined,
    cwd: root,
    policy: { ...UNRESTRICTED, write: [`${root}/out`] },
  });
  assert.match(wrapped.refused ?? "", /^write path out is a symbolic link/);
  await Deno.remove(root, { recursive: true });
});
