/**
 * Issue 15, class 12: orchestrate's own git trusts nothing an agent wrote
 * nor anything it inherited: not a `.git` file pointing at the agent's
 * repository (whose config names an fsmonitor command), not in-tree
 * `.gitattributes` (binary diffs, filter drivers), not `GIT_*` variables
 * of the caller (a pre-commit hook's `GIT_INDEX_FILE`).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cliAs, outsideDirAs, securityTest } from "./_rig.ts";
import {
  agentPlan,
  BOUND,
  exists,
  gitIn,
  gitProjectAs,
  ofType,
  runEvents,
} from "./_agent_rig.ts";

securityTest(
  "git config: an agent's .git file naming its own repository never runs its fsmonitor",
  async (user) => {
    const outside = await outsideDirAs(user);
    const marker = join(outside, "fsmonitor-ran");
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan({ gated: false }),
      "agent.sh": `cat > /dev/null
echo 'hello world' > greet.txt
# The agent replaces its worktree's .git with one of its own making.
git init -q evilwt && mv evilwt/.git evilgit && rm -rf evilwt
git --git-dir=evilgit config core.fsmonitor "sh -c 'touch ${marker}; exit 1' #"
git --git-dir=evilgit config core.hooksPath hooks
mkdir -p hooks && printf '#!/bin/sh\\ntouch ${marker}\\n' > hooks/post-index-change && chmod +x hooks/post-index-change
rm -rf .git && echo 'gitdir: evilgit' > .git
true
`,
      "greet.txt": "hi\n",
    });
    const run = await cliAs(user, ["run", "--sandbox", "off"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(await exists(marker), false, "the agent's fsmonitor ran");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(
      await Deno.readTextFile(join(dir, "greet.txt")),
      "hello world\n",
    );
  },
);

securityTest(
  "git config: in-tree .gitattributes cannot make an edit binary or hide it from the gate",
  async (user) => {
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      ".gitattributes": "*.sh -diff\n",
      "agent.sh": "cat > /dev/null\necho 'echo added' >> run.sh\n",
      "run.sh": "echo one\n",
      "greet.txt": "hi\n",
    });
    const run = await cliAs(user, ["run", "--sandbox", "off"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const [validated] = ofType(await runEvents(dir), "patch_validated");
    assert.deepEqual(
      [validated!.files, validated!.added, validated!.removed],
      [["run.sh"], 1, 0],
    );
    const text = await Deno.readTextFile(join(dir, validated!.patch));
    assert.match(text, /^\+echo added$/m);
    assert.doesNotMatch(text, /GIT binary patch|Binary files/);
    assert.match(run.stdout, /awaiting approval.*1 file \(run\.sh\), \+1 -0/);
  },
);

securityTest(
  "git config: a filter driver an agent's .gitattributes names is never run by orchestrate",
  async (user) => {
    const outside = await outsideDirAs(user);
    const marker = join(outside, "filter-ran");
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan({ gated: false }),
      "agent.sh":
        "cat > /dev/null\nprintf '*.txt filter=evil diff=evil\\n' > .gitattributes\necho 'hello world' > greet.txt\n",
      "greet.txt": "hi\n",
    });
    // A driver the user's repository defines (as git-lfs would): the agent only names it.
    await gitIn(
      dir,
      "config",
      "filter.evil.clean",
      `sh -c 'touch ${marker}; cat'`,
    );
    await gitIn(
      dir,
      "config",
      "filter.evil.smudge",
      `sh -c 'touch ${marker}; cat'`,
    );
    await gitIn(
      dir,
      "config",
      "diff.evil.textconv",
      `sh -c 'touch ${marker}; cat' --`,
    );
    const run = await cliAs(user, ["run", "--sandbox", "off"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(await exists(marker), false, "the filter ran");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(
      await Deno.readTextFile(join(dir, "greet.txt")),
      "hello world\n",
    );
  },
);

securityTest(
  "git config: GIT_INDEX_FILE and GIT_DIR inherited from a hook never reach orchestrate's git",
  async (user) => {
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      "agent.sh": "cat > /dev/null\necho 'hello world' > greet.txt\n",
      "greet.txt": "hi\n",
    });
    const index = join(dir, ".git/index");
    const before = await Deno.readFile(index);
    // As a pre-commit hook runs it: the user's index, and the user's repository.
    const env = { GIT_INDEX_FILE: index, GIT_DIR: join(dir, ".git") };
    const run = await cliAs(user, ["run", "--sandbox", "off"], {
      cwd: dir,
      env,
      ...BOUND,
    });
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.deepEqual(
      await Deno.readFile(index),
      before,
      "the user's index changed",
    );
    assert.equal(await gitIn(dir, "diff", "--cached", "--name-only"), "");
    const [validated] = ofType(await runEvents(dir), "patch_validated");
    assert.deepEqual(validated!.files, ["greet.txt"]);
  },
);

securityTest(
  "git config: an agent's own git never writes the user's index or repository, whatever GIT_* orchestrate inherited",
  async (user) => {
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      "agent.sh":
        "cat > /dev/null\necho 'hello world' > greet.txt\ngit add -A\ngit -c user.name=a -c user.email=a@a commit -qm agent\ntrue\n",
      "greet.txt": "hi\n",
    });
    const index = join(dir, ".git/index");
    const before = await Deno.readFile(index);
    const head = await gitIn(dir, "rev-parse", "HEAD");
    const env = { GIT_INDEX_FILE: index, GIT_DIR: join(dir, ".git") };
    const run = await cliAs(user, ["run", "--sandbox", "off"], {
      cwd: dir,
      env,
      ...BOUND,
    });
    assert.equal(run.code, 3, run.stdout + run.stderr);
    assert.deepEqual(
      await Deno.readFile(index),
      before,
      "the user's index changed",
    );
    assert.equal(
      await gitIn(dir, "rev-parse", "HEAD"),
      head,
      "the agent committed to the user's branch",
    );
    const [validated] = ofType(await runEvents(dir), "patch_validated");
    assert.deepEqual(validated!.files, ["greet.txt"]);
  },
);
