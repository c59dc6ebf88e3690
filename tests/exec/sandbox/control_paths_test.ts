/**
 * The control paths of a confined command (src/exec/sandbox/control_paths.ts)
 * and where bwrap binds them: after `write`, before the re-opened task areas.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { controlPaths } from "../../../src/exec/sandbox/control_paths.ts";
import { bwrapArgs } from "../../../src/exec/sandbox/bwrap.ts";
import { UNRESTRICTED } from "../../../src/engine/workspace.ts";

Deno.test("control paths: .codex and the plan files are read-only after every write bind; .codex/work re-opened after them", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(join(root, ".codex/work/R/agent/T/worktree/src"), {
    recursive: true,
  });
  await Deno.mkdir(join(root, ".codex/runs"), { recursive: true });
  await Deno.writeTextFile(join(root, "orchestrator.yml"), "version: 1\n");
  const policy = { ...UNRESTRICTED, write: [root], net: false as const };
  const plan = [join(root, "orchestrator.yml")];
  const paths = controlPaths(root, policy, plan);
  assert.deepEqual(paths.readOnly, [join(root, ".codex"), ...plan]);
  assert.deepEqual(paths.reopen, [join(root, ".codex/work")]);
  assert.deepEqual(paths.denyWrite, [
    join(root, ".codex/runs"),
    join(root, ".codex/lock"),
    ...plan,
  ]);
  const args = bwrapArgs(["true"], policy, {
    cwd: root,
    root,
    writable: [],
    ...paths,
  });
  const at = (flag: string, path: string) =>
    args.findIndex((a, i) => a === flag && args[i + 1] === path);
  assert.ok(at("--bind", root) < at("--ro-bind", join(root, ".codex")));
  assert.ok(
    at("--ro-bind", join(root, ".codex")) <
      at("--bind", join(root, ".codex/work")),
  );
  assert.ok(at("--ro-bind", plan[0]!) > at("--bind", root));
  await Deno.remove(root, { recursive: true });
});

Deno.test("control paths: an agent's write path is re-opened only when it really lies under .codex/work (a link out is refused)", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const tree = join(root, ".codex/work/R/agent/T/worktree");
  await Deno.mkdir(join(tree, "src"), { recursive: true });
  await Deno.mkdir(join(root, ".codex/runs/R"), { recursive: true });
  await Deno.symlink(join(root, ".codex/runs/R"), join(tree, "out"));
  const policy = {
    ...UNRESTRICTED,
    write: [join(tree, "src"), join(tree, "out"), join(root, "other")],
  };
  assert.deepEqual(controlPaths(root, policy, []).reopen, [join(tree, "src")]);
  // Nothing under .codex/work granted: nothing re-opened.
  const narrow = { ...UNRESTRICTED, write: [join(root, "out")] };
  assert.deepEqual(controlPaths(root, narrow, []).reopen, []);
  await Deno.remove(root, { recursive: true });
});

Deno.test("control paths: a .codex/work that is itself a link is never re-opened", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(join(root, ".codex/runs"), { recursive: true });
  await Deno.symlink(join(root, ".codex/runs"), join(root, ".codex/work"));
  const paths = controlPaths(root, UNRESTRICTED, []);
  assert.deepEqual(paths.reopen, []);
  await Deno.remove(root, { recursive: true });
});
