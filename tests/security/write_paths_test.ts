/**
 * Class 3: write paths are resolved at each spawn. A link a first command
 * plants where a write path is (or on its way) is never followed by the
 * next command's bind: that command is refused, naming the path, and the
 * task fails. A write path that does not exist yet is created first.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { latestEvents } from "../engine/_events.ts";
import { hostDirAs, textOr } from "./_places.ts";
import { cliAs, outsideDirAs, projectAs, securityTest } from "./_rig.ts";

/** Plants `link` at `out/cache`, then writes through the next command's bind. */
function plantPlan(link: string, write: string, into: string): string {
  return `version: 1
tasks:
  - id: plant
    title: Plants a link, then writes through it
    type: chore
    permissions: { write: ${write} }
    commands:
      plant: "sh -c 'rm -rf out/cache; ln -s ${link} out/cache'"
      use: "sh -c 'echo pwned > ${into}/escape.txt'"
`;
}

async function assertRefused(dir: string, stdout: string, path: string) {
  const events = await latestEvents(dir);
  const failed = events.find((e) => e.type === "task_failed");
  assert.ok(failed, `the task failed: ${stdout}`);
  const detail = (failed as { detail?: string }).detail ?? "";
  assert.match(detail, new RegExp(path.replaceAll("/", "\\/")), detail);
  assert.match(detail, /symbolic link/, detail);
}

for (
  const [variant, outsideOf, linkOf, write] of [
    [
      "an absolute link under /tmp",
      outsideDirAs,
      (o: string) => o,
      "[out, out/cache]",
    ],
    [
      "an absolute link outside /tmp",
      hostDirAs,
      (o: string) => o,
      "[out, out/cache]",
    ],
    [
      "a relative link",
      outsideDirAs,
      (o: string, dir: string) => `../../${o.slice(dir.lastIndexOf("/") + 1)}`,
      "[out, out/cache]",
    ],
    [
      "a link on the way to a deeper write path",
      outsideDirAs,
      (o: string) => o,
      "[out, out/cache/sub]",
    ],
  ] as const
) {
  securityTest(
    `write paths: ${variant} planted at out/cache is not followed by the next command`,
    async (user) => {
      const outside = await outsideOf(user);
      const dir = await projectAs(user, { "out/.keep": "" });
      await Deno.writeTextFile(
        join(dir, "orchestrator.yml"),
        plantPlan(
          linkOf(outside, dir),
          write,
          write.includes("sub") ? "out/cache/sub" : "out/cache",
        ),
      );
      if (write.includes("sub")) {
        // The deeper path's folder exists outside: the bind would land there.
        await Deno.mkdir(join(outside, "sub"));
        await Deno.chown(join(outside, "sub"), user.uid, user.gid);
      }
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
      assert.notEqual(r.code, 0, r.stdout);
      assert.equal(await textOr(join(outside, "escape.txt")), null);
      assert.equal(await textOr(join(outside, "sub", "escape.txt")), null);
      await assertRefused(dir, r.stdout, "out/cache");
    },
  );
}

securityTest(
  "write paths: write: [out/] on a fresh checkout creates the folder",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - id: make
    title: Writes into a folder that does not exist yet
    type: chore
    permissions: { write: [out/, logs/today/] }
    commands:
      out: "sh -c 'echo made > out/made.txt'"
      logs: "sh -c 'echo made > logs/today/made.txt'"
`,
    });
    const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(await textOr(join(dir, "out/made.txt")), "made\n");
    assert.equal(await textOr(join(dir, "logs/today/made.txt")), "made\n");
  },
);

securityTest(
  "write paths: a write path that leaves the project through a link in it is refused",
  async (user) => {
    const outside = await outsideDirAs(user);
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - id: through
    title: Writes through a committed link
    type: chore
    permissions: { write: [vendor/cache] }
    commands:
      use: "sh -c 'echo pwned > vendor/cache/escape.txt'"
`,
    });
    await Deno.mkdir(join(dir, "vendor"));
    await Deno.symlink(outside, join(dir, "vendor/cache"));
    const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
    assert.notEqual(r.code, 0, r.stdout);
    assert.equal(await textOr(join(outside, "escape.txt")), null);
    await assertRefused(dir, r.stdout, "vendor/cache");
  },
);
