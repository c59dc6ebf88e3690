import assert from "node:assert/strict";
import { cliAs, projectAs, securityTest } from "./_rig.ts";

securityTest("the rig runs orchestrate as the user it names", async (user) => {
  const dir = await projectAs(user, {
    "orchestrator.yml": `version: 1
tasks:
  - id: who
    title: Who runs
    type: chore
    commands:
      who: "sh -c 'id -u > uid.txt'"
`,
  });
  const r = await cliAs(user, ["run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    (await Deno.readTextFile(`${dir}/uid.txt`)).trim(),
    `${user.uid}`,
  );
});
