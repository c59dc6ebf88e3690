/**
 * A task object used as a dependency but left out of `tasks` is reported
 * as exactly that, through the real CLI, not as an unknown id.
 * @module
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

/** Bound on a CLI run that would otherwise hang (not an assertion). */
const KILL_AFTER_MS = 30_000;

const PLAN = `import { definePlan, defineTask } from "orchestrate";

const lib = defineTask({ id: "LIB-001", title: "Library" });
const docs = defineTask({ id: "DOC-001", title: "Docs", dependencies: [lib] });

export default definePlan({ version: 1, tasks: [docs] as never });
`;

Deno.test("plan validate: a dependency task that is not listed is 'defined but not listed', at definePlan", async () => {
  const cwd = await tempProject({ "orchestrator.ts": PLAN });
  const r = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 2, r.stderr);
  const first = r.stderr.split("\n")[0]!;
  assert.match(first, /^orchestrator\.ts:6:\d+: /);
  assert.match(
    first,
    /Task "LIB-001" is defined but not listed \(a dependency of "DOC-001"\): add it to the tasks of definePlan/,
  );
  assert.doesNotMatch(r.stderr, /Unknown dependency|^\s+at /m);
});

Deno.test("plan validate: listing the dependency task makes the same plan valid", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": PLAN.replace("[docs] as never", "[lib, docs]"),
  });
  const r = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 0, r.stderr);
});

Deno.test("plan validate: an inline task's unlisted dependency object is reported the same way", async () => {
  const cwd = await tempProject({
    "orchestrator.ts": `import { definePlan, defineTask } from "orchestrate";
const lib = defineTask({ id: "LIB-001", title: "Library" });
export default definePlan({
  version: 1,
  tasks: [{ id: "DOC-001", title: "Docs", dependencies: [lib] }] as never,
});
`,
  });
  const r = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
    killAfterMs: KILL_AFTER_MS,
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /^orchestrator\.ts:3:\d+: .*Task "LIB-001" is defined but not listed \(a dependency of "DOC-001"\)/,
  );
});
