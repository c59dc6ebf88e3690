/**
 * The IR a run works from, kept beside its log: written (atomically, by the
 * lock holder) before the `run_started` or `plan_updated` event that names
 * its hash, so `status`, `approve` and `resume` read the plan as the run
 * recorded it instead of evaluating the plan file again (a TypeScript plan
 * may read the clock). One file per IR, named by its hash: a crash between
 * the write and the event leaves an unused file, never a mismatch.
 * @module
 */

import { join } from "../fs/path.ts";
import type { Plan } from "../plan/ir.ts";
import { sha256 } from "../plan/hash.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";
import { readRegularBytes } from "../fs/regular_file.ts";
import {
  controlFolder,
  describeKind,
  entryKind,
  setAside,
} from "./control_entry.ts";

/** A run's recorded IR, as read back. */
export type RecordedPlan =
  | { kind: "found"; plan: Plan; hash: string }
  /** The run predates recorded IRs (or names no plan hash). */
  | { kind: "missing" }
  /** The file is there but is not the IR its name promises. */
  | { kind: "damaged"; reason: string };

/**
 * Path of the recorded IR with hash `hash` in a run's artifact folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordedPlanPath } from "./recorded_plan.ts";
 * assert.equal(recordedPlanPath("/p/.codex/runs/r1", "ab12"), "/p/.codex/runs/r1/plan-ab12.json");
 * ```
 */
export function recordedPlanPath(artifactDir: string, hash: string): string {
  return join(artifactDir, `plan-${hash}.json`);
}

/**
 * The IR's hash as its loader computed it (see `LoadedPlan.hash`), and the
 * artifact folder of an earlier run that may have recorded the same IR.
 */
export interface KnownPlan {
  /** sha-256 of `JSON.stringify(plan)`, as the loader computed it. */
  hash: string;
  /** An earlier run's artifact folder, or null when there is none. */
  earlier: string | null;
}

/**
 * Writes `plan` into a run's artifact folder (unless the same IR is already
 * there) and returns its hash: the sha-256 of exactly the text written.
 * With `known`, a copy already recorded (in this folder or the earlier
 * run's) whose bytes have that hash is used as it is: the plan is neither
 * serialized nor hashed again (a re-run of an unchanged plan of 1,000
 * tasks spares ~5 ms of its start).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRecordedPlan, writeRecordedPlan } from "./recorded_plan.ts";
 * const dir = await Deno.makeTempDir();
 * const plan = { version: 1, tasks: [] } as never;
 * const hash = await writeRecordedPlan(`${dir}/r1`, plan);
 * assert.deepEqual(await readRecordedPlan(`${dir}/r1`, hash), { kind: "found", plan, hash });
 * // The next run's copy comes from the first run's file.
 * assert.equal(await writeRecordedPlan(`${dir}/r2`, plan, { hash, earlier: `${dir}/r1` }), hash);
 * assert.deepEqual(await readRecordedPlan(`${dir}/r2`, hash), { kind: "found", plan, hash });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeRecordedPlan(
  artifactDir: string,
  plan: Plan,
  known?: KnownPlan,
): Promise<string> {
  await controlFolder(artifactDir);
  if (known !== undefined) {
    const path = recordedPlanPath(artifactDir, known.hash);
    if (await recordedBytes(path, known.hash) !== null) return known.hash;
    const copy = known.earlier === null ? null : await recordedBytes(
      recordedPlanPath(known.earlier, known.hash),
      known.hash,
    );
    if (copy !== null) {
      await replaceOdd(path);
      writeFileAtomic(path, copy, { mode: 0o600 });
      return known.hash;
    }
  }
  const text = JSON.stringify(plan);
  const hash = await sha256(text);
  const path = recordedPlanPath(artifactDir, hash);
  const kind = await entryKind(path);
  if (kind === "file" && (await Deno.readTextFile(path)) === text) return hash;
  await replaceOdd(path);
  // Private like the run's other files (its log, its commands' output).
  writeFileAtomic(path, text, { mode: 0o600 });
  return hash;
}

/** Not the IR it names (a folder, a link, a FIFO): set aside, to be written again. */
async function replaceOdd(path: string): Promise<void> {
  const kind = await entryKind(path);
  if (kind !== "file" && kind !== "missing") await setAside(path);
}

/** The largest recorded IR copied as it is (a bigger one is serialized again). */
const COPY_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The bytes of the recorded IR at `path` when it is a regular file (not a
 * link) whose sha-256 is `hash`, else null: then it is exactly the IR of
 * that hash, whoever wrote it.
 */
async function recordedBytes(
  path: string,
  hash: string,
): Promise<Uint8Array | null> {
  try {
    if (await entryKind(path) !== "file") return null;
    const bytes = await readRegularBytes(path, COPY_MAX_BYTES);
    return await sha256(bytes) === hash ? bytes : null;
  } catch {
    return null; // Gone or unreadable: serialized again.
  }
}

/**
 * Reads back the IR recorded with hash `hash` (null: the run names none),
 * checking that the file's content still has that hash.
 */
export async function readRecordedPlan(
  artifactDir: string,
  hash: string | null,
): Promise<RecordedPlan> {
  if (hash === null) return { kind: "missing" };
  const path = recordedPlanPath(artifactDir, hash);
  const kind = await entryKind(path);
  if (kind !== "file" && kind !== "missing") {
    return {
      kind: "damaged",
      reason: `${path} is ${describeKind(kind)}, not the recorded plan`,
    };
  }
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { kind: "missing" };
    throw e;
  }
  if ((await sha256(text)) !== hash) {
    return {
      kind: "damaged",
      reason: `${path} does not match its hash (edited or damaged)`,
    };
  }
  let plan: Plan | null = null;
  try {
    plan = JSON.parse(text);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  if (typeof plan !== "object" || plan === null || !Array.isArray(plan.tasks)) {
    return { kind: "damaged", reason: `${path} is not a plan` };
  }
  return { kind: "found", plan, hash };
}
