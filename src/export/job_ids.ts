/**
 * GitHub job ids and environment names for a plan's tasks and gates: job
 * ids start with a letter or `_` and hold only letters, digits, `-` and
 * `_`; GitHub compares them without case, so two ids that differ only in
 * case (or in a character mapped to `_`) get a numbered suffix.
 * @module
 */

/**
 * Hands out unique job ids (case-insensitively), in the order asked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JobIds } from "./job_ids.ts";
 * const ids = new JobIds();
 * assert.equal(ids.take("build.linux"), "build_linux");
 * assert.equal(ids.take("build_linux"), "build_linux-2");
 * assert.equal(ids.take("9lives"), "_9lives");
 * ```
 */
export class JobIds {
  #taken = new Set<string>();

  /** A fresh job id made from `name`. */
  take(name: string): string {
    let base = name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 90);
    if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
    let id = base;
    for (let n = 2; this.#taken.has(id.toLowerCase()); n++) id = `${base}-${n}`;
    this.#taken.add(id.toLowerCase());
    return id;
  }
}

/**
 * The GitHub environment a gate is bound to: its name when that is plain
 * (letters, digits, `.`, `-`, `_`), else the name with every other
 * character replaced by `-` (GitHub's settings page and expressions stay
 * unambiguous). Unique per plan: a clash gets a numbered suffix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { environmentNames } from "./job_ids.ts";
 * const names = environmentNames(["deploy", "ship it", "ship-it"]);
 * assert.deepEqual([...names.values()], ["deploy", "ship-it-2", "ship-it"]);
 * ```
 */
export function environmentNames(
  gates: readonly string[],
): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  // Plain names first: they keep their own name whatever the order.
  const plain = (g: string) => /^[A-Za-z0-9_.-]{1,100}$/.test(g);
  const ordered = [...gates.filter(plain), ...gates.filter((g) => !plain(g))];
  for (const gate of ordered) {
    if (out.has(gate)) continue;
    const base = plain(gate)
      ? gate
      : gate.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "")
        .slice(0, 90) || "gate";
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    out.set(gate, name);
  }
  return new Map(gates.map((g) => [g, out.get(g)!]));
}
