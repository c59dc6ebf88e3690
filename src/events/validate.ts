/**
 * Checks that a parsed log line carries, with the right types, every field
 * the fold reads for its event type. A damaged event is then a warning like
 * a torn line, never a crash of `status` or `resume`. Only the fields the
 * fold and the run history read are checked: it runs on every line of every
 * log, so it must stay cheap.
 * @module
 */

import type { RunEvent } from "./types.ts";

type Fields = Record<string, unknown>;
type Check = (e: Fields) => string | null;

const isString = (v: unknown): v is string => typeof v === "string";
const isStringOrNull = (v: unknown) => v === null || typeof v === "string";
const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);

function strings(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const item of v) if (typeof item !== "string") return false;
  return true;
}

function stringMap(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  for (const key in v) {
    if (typeof (v as Fields)[key] !== "string") return false;
  }
  return true;
}

/** The first field of `names` that fails `test`, as a problem; null when all pass. */
function need(
  e: Fields,
  test: (v: unknown) => boolean,
  what: string,
  ...names: string[]
): string | null {
  for (const name of names) {
    if (!test(e[name])) return `"${name}" is not ${what}`;
  }
  return null;
}

const task = (e: Fields) => need(e, isString, "a task id", "task");
const shard = (e: Fields) =>
  task(e) ?? need(e, isString, "a shard id", "shard");
const output = (e: Fields) =>
  need(e, isStringOrNull, "a path or null", "output");
const nothing = () => null;

const OUTCOMES = new Set(["success", "failed", "paused", "interrupted"]);

const CHECKS: Readonly<Record<RunEvent["type"], Check>> = {
  run_started: (e) =>
    need(e, isString, "a string", "plan_file", "plan_hash") ??
      need(e, stringMap, "a map of strings", "task_hashes") ??
      need(e, isStringOrNull, "a task id or null", "selection") ??
      need(e, strings, "a list of task ids", "selected"),
  plan_validated: nothing,
  plan_updated: (e) =>
    need(e, isString, "a string", "plan_hash") ??
      need(e, stringMap, "a map of strings", "task_hashes") ??
      need(e, strings, "a list of task ids", "changed", "added", "removed"),
  resumed: (e) => need(e, strings, "a list of task ids", "rerun"),
  task_started: task,
  task_completed: (e) =>
    task(e) ?? need(e, isNumber, "a number", "duration_ms") ??
      need(e, isStringOrNull, "a string or null", "fingerprint"),
  task_failed: (e) =>
    task(e) ?? need(e, isNumber, "a number", "duration_ms") ??
      need(e, isString, "a string", "reason", "detail"),
  task_blocked: (e) => task(e) ?? need(e, isString, "a string", "reason", "by"),
  skipped: (e) =>
    task(e) ?? need(e, isString, "a string", "reason") ??
      need(e, isStringOrNull, "a string or null", "fingerprint"),
  shard_started: shard,
  shard_completed: (e) =>
    shard(e) ?? need(e, isNumber, "a number", "duration_ms"),
  shard_failed: (e) =>
    shard(e) ?? need(e, isNumber, "a number", "duration_ms") ??
      need(e, isString, "a string", "reason", "detail"),
  command_run: output,
  retry_scheduled: nothing,
  acceptance_passed: output,
  acceptance_failed: output,
  awaiting_approval: (e) =>
    task(e) ?? need(e, strings, "a list of gates", "gates"),
  approval_granted: (e) =>
    need(e, isString, "a gate", "gate") ??
      need(e, isString, "a string", "plan_hash") ??
      (e.task_hashes === undefined
        ? null
        : need(e, stringMap, "a map of strings", "task_hashes")),
  build_started: nothing,
  interrupted: nothing,
  completed: (e) =>
    OUTCOMES.has(e.outcome as string)
      ? null
      : `"outcome" is not one of ${[...OUTCOMES].join(", ")}`,
};

/**
 * What is wrong with a parsed log line, or null when the fold can apply it.
 *
 * @param value A parsed JSON value.
 * @returns A short problem (`"task" is not a task id`), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventProblem } from "./validate.ts";
 * const base = { ts: "t", run: "r", task: "A", shard: null };
 * assert.equal(eventProblem({ ...base, type: "task_started" }), null);
 * assert.equal(eventProblem({ type: "task_completed" }), '"ts" is not a time');
 * assert.equal(eventProblem({ ...base, type: "skipped", task: 5 }), '"task" is not a task id or null');
 * assert.equal(eventProblem({ ...base, type: "skipped", task: null }), '"task" is not a task id');
 * ```
 */
export function eventProblem(value: unknown): string | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "not an object";
  }
  const e = value as Fields;
  const check = Object.hasOwn(CHECKS, e.type as string)
    ? CHECKS[e.type as RunEvent["type"]]
    : undefined;
  if (check === undefined) {
    return `unknown type ${JSON.stringify(e.type ?? null)}`;
  }
  return need(e, isString, "a time", "ts") ??
    need(e, isString, "a run id", "run") ??
    need(e, isStringOrNull, "a task id or null", "task") ??
    need(e, isStringOrNull, "a shard id or null", "shard") ??
    check(e);
}
