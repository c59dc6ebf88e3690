/**
 * Issue 15, class 13: the programs orchestrate itself runs are found once,
 * on a PATH without project folders, never a `git` a task planted in
 * `node_modules/.bin`; and `--allow-run=git` names the program `git`
 * starts, not every file called `git` on PATH (one that links to `sh`).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { chownTree, cliAs, outsideDirAs, securityTest } from "./_rig.ts";
import {
  BOUND,
  exists,
  gitProjectAs,
  ofType,
  runEvents,
} from "./_agent_rig.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

securityTest(
  "program resolution: a git a confined task planted in a project folder on PATH never runs as orchestrate's git",
  async (user) => {
    const outside = await outsideDirAs(user);
    const marker = join(outside, "planted-git-ran");
    const git = (await new Deno.Command("sh", {
      args: ["-c", "command -v git"],
      stdout: "piped",
    }).output()).stdout;
    const realGit = new TextDecoder().decode(git).trim();
    for (const folder of ["node_modules/.bin", "bin"]) {
      const dir = await gitProjectAs(user, {
        "orchestrator.yml": `version: 1
orchestrator:
  agent: { command: "sh agent.sh" }
tasks:
  - id: plant
    title: Plant a git
    type: chore
    permissions: { write: [${folder}] }
    commands:
      plant: "sh plant.sh"
  - id: FIX-1
    title: Change the project
    dependencies: [plant]
    commands:
      test: "true"
    agent: true
`,
        "plant.sh": `mkdir -p ${folder}
printf '#!/bin/sh\\ntouch ${marker}\\nexec ${realGit} "$@"\\n' > ${folder}/git
chmod +x ${folder}/git
`,
        "agent.sh": "cat > /dev/null\necho 'hello world' > greet.txt\n",
        "greet.txt": "hi\n",
        // The folder exists: a write path that does not is another class (3).
        [`${folder}/.keep`]: "",
      }, `.codex/runs/\n.codex/work/\nTASKS.md\n${folder}/\n`);
      const run = await cliAs(user, ["run"], {
        cwd: dir,
        // A project folder first on PATH, as `npm run` and direnv do; and "." too.
        env: { PATH: `${join(dir, folder)}:.:${folder}:${PATH}` },
        ...BOUND,
      });
      assert.ok(await exists(join(dir, folder, "git")), run.stdout);
      assert.equal(
        await exists(marker),
        false,
        `${folder}/git ran: ${run.stdout}`,
      );
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(
        await Deno.readTextFile(join(dir, "greet.txt")),
        "hello world\n",
      );
    }
  },
);

securityTest(
  "program resolution: --allow-run=git does not allow a git on PATH that links to sh",
  async (user) => {
    const outside = await outsideDirAs(user);
    await Deno.mkdir(join(outside, "bin"));
    await Deno.symlink("/bin/sh", join(outside, "bin", "git"));
    await chownTree(outside, user);
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - id: shell
    title: Runs a shell
    type: chore
    commands:
      pwn: "sh -c 'echo pwned > pwned.txt'"
`,
    });
    const run = await cliAs(user, ["run", "--allow-run=git"], {
      cwd: dir,
      env: { PATH: `${PATH}:${join(outside, "bin")}` },
      ...BOUND,
    });
    assert.equal(await exists(join(dir, "pwned.txt")), false, run.stdout);
    assert.notEqual(run.code, 0);
    const [failed] = ofType(await runEvents(dir), "task_failed");
    assert.equal(failed!.reason, "permission_denied");
    assert.match(run.stdout, /--allow-run=git,sh/);
  },
);
