/**
 * Issue 15, class 5: the applied patch is exactly the bytes that were
 * hashed and approved. The patch file is swapped for a FIFO that hands
 * out the approved patch to its first reader and a patch with an extra,
 * unapproved file to every later one (what a swap between reads does, made
 * deterministic): the unapproved file never lands.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { chownTree, cliAs, outsideDirAs, securityTest } from "./_rig.ts";
import {
  agentPlan,
  BOUND,
  exists,
  gitProjectAs,
  ofType,
  runEvents,
} from "./_agent_rig.ts";

const EXTRA = `diff --git a/evil.txt b/evil.txt
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/evil.txt
@@ -0,0 +1 @@
+unapproved
`;

securityTest(
  "patch bytes: a patch file swapped between reads never applies an unapproved hunk",
  async (user) => {
    const outside = await outsideDirAs(user);
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      "agent.sh": "cat > /dev/null\necho 'hello world' > greet.txt\n",
      "greet.txt": "hi\n",
    });
    const opts = { cwd: dir, ...BOUND };
    const run = await cliAs(user, ["run", "--sandbox", "off"], opts);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const approve = await cliAs(user, ["approve", "apply_patch"], opts);
    assert.equal(approve.code, 0, approve.stdout + approve.stderr);

    const [validated] = ofType(await runEvents(dir), "patch_validated");
    const file = join(dir, validated!.patch);
    const approved = join(outside, "approved.patch");
    const evil = join(outside, "evil.patch");
    await Deno.copyFile(file, approved);
    await Deno.writeTextFile(
      evil,
      (await Deno.readTextFile(approved)) + EXTRA,
    );
    await Deno.remove(file);
    const fifo = await new Deno.Command("mkfifo", { args: [file] }).output();
    assert.ok(fifo.success);
    await chownTree(dir, user);
    const writer = new Deno.Command("sh", {
      args: [
        "-c",
        // The pauses let each reader see the end of its copy before the next writer opens.
        `cat '${approved}' > '${file}'; sleep 0.5; while :; do cat '${evil}' > '${file}'; sleep 0.5; done`,
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const resume = await cliAs(user, ["resume", "--sandbox", "off"], opts);
      assert.equal(
        await exists(join(dir, "evil.txt")),
        false,
        `an unapproved hunk was applied: ${resume.stdout}`,
      );
      const events = await runEvents(dir);
      for (const applied of ofType(events, "patch_applied")) {
        assert.equal(applied.hash, validated!.hash);
      }
      // Applied as approved, or refused with a reason naming the patch.
      if (ofType(events, "patch_applied").length === 0) {
        assert.notEqual(resume.code, 0);
        assert.match(resume.stdout, new RegExp(validated!.patch));
        assert.equal(await Deno.readTextFile(join(dir, "greet.txt")), "hi\n");
      } else {
        assert.equal(
          await Deno.readTextFile(join(dir, "greet.txt")),
          "hello world\n",
        );
      }
    } finally {
      writer.kill("SIGKILL");
      await writer.status;
    }
  },
);

securityTest(
  "patch bytes: a patch file changed after approval is refused, nothing applied",
  async (user) => {
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      "agent.sh": "cat > /dev/null\necho 'hello world' > greet.txt\n",
      "greet.txt": "hi\n",
    });
    const opts = { cwd: dir, ...BOUND };
    const run = await cliAs(user, ["run", "--sandbox", "off"], opts);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const approve = await cliAs(user, ["approve", "apply_patch"], opts);
    assert.equal(approve.code, 0, approve.stdout + approve.stderr);
    const [validated] = ofType(await runEvents(dir), "patch_validated");
    const file = join(dir, validated!.patch);
    await Deno.writeTextFile(file, (await Deno.readTextFile(file)) + EXTRA);
    const resume = await cliAs(user, ["resume", "--sandbox", "off"], opts);
    assert.notEqual(resume.code, 0, resume.stdout);
    assert.match(resume.stdout, /changed since it was validated/);
    assert.equal(await exists(join(dir, "evil.txt")), false);
    assert.equal(await Deno.readTextFile(join(dir, "greet.txt")), "hi\n");
    assert.equal(ofType(await runEvents(dir), "patch_applied").length, 0);
  },
);
