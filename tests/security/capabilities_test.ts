/**
 * Class 2: a confined task has no capability, root included: it cannot
 * remount the read-only file system, unmount the cover of a forbidden
 * path, write outside its paths, or signal or trace the orchestrator.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hostDirAs, textOr } from "./_places.ts";
import { cliAs, projectAs, securityTest } from "./_rig.ts";

/** A confined task (write: [out], out/keep.txt forbidden) that tries everything, recording each result in out/. */
function plan(outside: string): string {
  const orchestrator = "${ORCHESTRATE_COMMAND_TAG%%.*}";
  return `version: 1
tasks:
  - id: escape
    title: Tries to escape
    type: chore
    paths: { forbidden: [out/keep.txt] }
    permissions: { write: [out] }
    commands:
      caps: "sh -c 'grep -E \\"^Cap(Prm|Eff|Bnd)\\" /proc/self/status > out/caps.txt'"
      remount: "sh -c 'mount -o remount,rw,bind / 2>&1; echo $? > out/remount.txt; echo x > ${outside}/after-remount.txt; true'"
      unmount: "sh -c 'umount out/keep.txt 2>&1; echo $? > out/umount.txt; echo changed > out/keep.txt; true'"
      signal: "sh -c 'kill -0 ${orchestrator} 2>/dev/null; echo $? > out/kill.txt; cat /proc/${orchestrator}/environ > out/environ.txt 2>/dev/null; true'"
`;
}

securityTest(
  "capabilities: a confined task has none, cannot remount, unmount a cover, write outside or reach the orchestrator",
  async (user) => {
    const outside = await hostDirAs(user);
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(outside),
      "out/keep.txt": "original\n",
    });
    const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
    const out = join(dir, "out");
    const caps = await textOr(join(out, "caps.txt"));
    assert.ok(caps !== null, `the caps command ran: ${r.stderr}`);
    for (const line of caps.trim().split("\n")) {
      assert.match(line, /^Cap(Prm|Eff|Bnd):\s+0+$/, caps);
    }
    assert.notEqual((await textOr(join(out, "remount.txt")))?.trim(), "0");
    assert.equal(await textOr(join(outside, "after-remount.txt")), null);
    assert.notEqual((await textOr(join(out, "umount.txt")))?.trim(), "0");
    assert.equal(await textOr(join(out, "keep.txt")), "original\n");
    assert.notEqual((await textOr(join(out, "kill.txt")))?.trim(), "0");
    assert.equal((await textOr(join(out, "environ.txt"))) ?? "", "");
  },
);
