/**
 * A project's first run makes `.codex/` and records its plan's check in
 * the user's cache then, so the next command finds the plan cached: while
 * its commands run when it starts one (not after its last), at its end
 * when it starts none.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";

/** A fresh project, its plan given where its cache entries go, and a user cache folder of its own. */
async function fresh(plan: (plans: string) => string) {
  const home = await tempProject();
  const plans = join(home, "cache", "orchestrate", "plans");
  const cwd = await tempProject({ "orchestrator.yml": plan(plans) });
  const env = {
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_STATE_HOME: join(home, "state"),
  };
  return { cwd, env, plans };
}

async function entries(plans: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(plans))).map((e) => e.name);
  } catch {
    return [];
  }
}

Deno.test("run: a first run records its plan's check while its command runs, not after it", async () => {
  // The command waits for the entry (at most ~20 s, then fails): it
  // appears while the command runs only if it is written meanwhile.
  const { cwd, env, plans } = await fresh((plans) => {
    const wait = `i=0; until ls ${plans}/*.json; do i=$((i+1)); ` +
      `[ $i -gt 400 ] && exit 1; sleep 0.05; done`;
    return `version: 1\ntasks:\n  - id: A\n    title: a\n    commands: { wait: ${
      JSON.stringify(wait)
    } }\n`;
  });
  const r = await cli(["run", "--no-build"], { cwd, env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal((await entries(plans)).length, 1);
});

Deno.test("run: a first run that starts no command records its plan's check at its end", async () => {
  // Its only task waits at a gate: nothing starts.
  const { cwd, env, plans } = await fresh(() =>
    "version: 1\ntasks:\n  - { id: A, title: a, approvals: [review], commands: { t: 'true' } }\n"
  );
  const r = await cli(["run", "--no-build"], { cwd, env });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.equal((await entries(plans)).length, 1);
});
