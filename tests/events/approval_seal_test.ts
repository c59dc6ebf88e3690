/** Seals on approvals (src/events/approval_seal.ts): every field that grants is covered. */
import assert from "node:assert/strict";
import {
  approvalProblem,
  NoApprovalsKey,
  sealApproval,
} from "../../src/events/approval_seal.ts";
import type { ApprovalGrantedEvent } from "../../src/events/types.ts";
import { tempDir } from "../_cli.ts";

const GRANT = {
  ts: "2026-01-01T00:00:00.000Z",
  run: "R",
  type: "approval_granted",
  task: null,
  shard: null,
  gate: "deploy",
  by: "ann",
  plan_hash: "p",
  task_hashes: { D: "h1" },
  note: "checked",
} as const;

Deno.test("approval seal: changing any field that decides the grant breaks the seal", () => {
  const sealed = sealApproval(GRANT);
  assert.equal(approvalProblem(sealed), null);
  const edits: Partial<ApprovalGrantedEvent>[] = [
    { run: "R2" },
    { ts: "2026-01-02T00:00:00.000Z" },
    { task: "D" },
    { gate: "prod" },
    { by: "eve" },
    { plan_hash: "q" },
    { task_hashes: { D: "h2" } },
    { task_hashes: { D: "h1", E: "h1" } },
    { task_hashes: undefined },
    { note: "other" },
  ];
  for (const edit of edits) {
    assert.match(
      approvalProblem({ ...sealed, ...edit })!,
      /does not match/,
      JSON.stringify(edit),
    );
  }
  assert.match(approvalProblem({ ...sealed, mac: undefined })!, /no seal/);
});

Deno.test("approval seal: another user's key (another state folder) does not verify; none at all cannot seal", async () => {
  const sealed = sealApproval(GRANT);
  const saved = Deno.env.get("XDG_STATE_HOME");
  const home = Deno.env.get("HOME");
  try {
    Deno.env.set("XDG_STATE_HOME", await tempDir());
    assert.match(approvalProblem(sealed)!, /no approvals key/);
    sealApproval(GRANT); // makes this folder's key
    assert.match(approvalProblem(sealed)!, /does not match/);
    Deno.env.delete("XDG_STATE_HOME");
    Deno.env.delete("HOME");
    assert.throws(() => sealApproval(GRANT), NoApprovalsKey);
  } finally {
    if (saved !== undefined) Deno.env.set("XDG_STATE_HOME", saved);
    if (home !== undefined) Deno.env.set("HOME", home);
  }
  assert.equal(approvalProblem(sealed), null);
});
