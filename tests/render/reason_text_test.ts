/**
 * Reasons in words: each literal kind gives the sentence the engine used to
 * build itself (`--dry-run`, its `--json`, the event lines), word for word.
 */
import assert from "node:assert/strict";
import {
  dryRunReasonText,
  gateHint,
  skipText,
} from "../../src/render/reason_text.ts";

Deno.test("reason text: every dry-run reason kind in the words --dry-run has always printed", () => {
  const cases: [Parameters<typeof dryRunReasonText>[0], string | null][] = [
    [null, null],
    [{ kind: "outside_selection" }, "outside the selection"],
    [
      { kind: "done_earlier" },
      "done earlier in this run (completed or skipped before)",
    ],
    [
      { kind: "up_to_date" },
      "up to date (fingerprint matches; acceptance is re-checked when run)",
    ],
    [
      { kind: "unless_accepted" },
      "runs unless its acceptance already holds (checked when run)",
    ],
    [
      { kind: "unless_up_to_date_after_dependencies" },
      "runs unless it is up to date once its dependencies have run (checked when run)",
    ],
    [
      { kind: "unless_up_to_date_or_accepted" },
      "runs unless it is up to date once its dependencies have run, or its acceptance already holds (checked when run)",
    ],
    [
      {
        kind: "gates",
        task: "D",
        gates: [
          { gate: "a", status: "missing" },
          { gate: "b", status: "stale", why: "definition_changed" },
        ],
      },
      "stops at gate a: orchestrate approve a --task D; b (approved for an earlier definition of the task, which has changed since): orchestrate approve b --task D",
    ],
    [
      { kind: "behind_gates", task: "D", gates: ["a", "b"] },
      "waits for D (gate a, b)",
    ],
    [{ kind: "blocked", by: "F" }, "blocked by F"],
  ];
  for (const [why, words] of cases) assert.equal(dryRunReasonText(why), words);
});

Deno.test("reason text: a stale apply_patch approval and the skip reasons", () => {
  assert.equal(
    gateHint(
      { gate: "apply_patch", status: "stale", why: "other_patch" },
      "AG",
    ),
    "apply_patch (approved for another patch than the one that waits): orchestrate approve apply_patch --task AG",
  );
  for (
    const reason of [
      "outside the selection",
      "up to date",
      "acceptance already holds",
    ] as const
  ) assert.equal(skipText(reason), reason);
});
