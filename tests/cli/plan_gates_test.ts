/**
 * A task's gate that `orchestrator.approvals.required` does not list is a
 * located error with "did you mean" — in YAML, JSON and TypeScript plans
 * alike — instead of a run that waits forever at a misspelt gate.
 * @module
 */

import assert from "node:assert/strict";
import { cli, repoPath, tempProject } from "../_cli.ts";

const DSL = repoPath("mod.ts");

const CASES: { name: string; files: Record<string, string>; at: RegExp }[] = [
  {
    name: "YAML",
    files: {
      "orchestrator.yml": `version: 1
orchestrator:
  approvals:
    required: [deploy, security]
tasks:
  - id: SHIP
    title: Ship
    approvals: [security, deploi]
`,
    },
    at:
      /^orchestrator\.yml:8:27: Unknown gate "deploi": not in orchestrator\.approvals\.required \(deploy, security\); did you mean "deploy"\?$/m,
  },
  {
    name: "JSON",
    files: {
      "orchestrator.json": JSON.stringify(
        {
          version: 1,
          orchestrator: { approvals: { required: ["deploy"] } },
          tasks: [{ id: "SHIP", title: "Ship", approvals: ["deploi"] }],
        },
        null,
        2,
      ) + "\n",
    },
    at:
      /^orchestrator\.json:\d+:\d+: Unknown gate "deploi": not in orchestrator\.approvals\.required \(deploy\); did you mean "deploy"\?$/m,
  },
  {
    name: "TypeScript",
    files: {
      "orchestrator.ts": `import { definePlan } from "${DSL}";
const gates = ["deploi"] as string[];
export default definePlan({
  version: 1,
  orchestrator: { approvals: { required: ["deploy"] } },
  tasks: [{ id: "SHIP", title: "Ship", approvals: gates as ["deploy"] }],
});
`,
    },
    at:
      /^orchestrator\.ts:\d+:\d+: Unknown gate "deploi": not in orchestrator\.approvals\.required \(deploy\); did you mean "deploy"\?$/m,
  },
];

for (const { name, files, at } of CASES) {
  Deno.test(`plan validate and run: a gate missing from approvals.required is a located error (${name}), exit 2, nothing runs`, async () => {
    const dir = await tempProject(files);
    const validate = await cli(["plan", "validate"], { cwd: dir });
    assert.equal(validate.code, 2, validate.stdout);
    assert.match(validate.stderr, at);
    const run = await cli(["run"], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, at);
  });
}

Deno.test("plan validate: without approvals.required any gate name is accepted; manual and apply_patch always are", async () => {
  const free = await tempProject({
    "orchestrator.yml":
      "version: 1\ntasks:\n  - { id: A, title: a, approvals: [anything] }\n",
  });
  assert.equal((await cli(["plan", "validate"], { cwd: free })).code, 0);
  const builtIn = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator:
  approvals:
    required: [deploy]
tasks:
  - { id: A, title: a, approvals: [manual, deploy] }
`,
  });
  const r = await cli(["plan", "validate"], { cwd: builtIn });
  assert.equal(r.code, 0, r.stderr);
});
