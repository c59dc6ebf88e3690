/**
 * Checks that a parsed log line carries, with the right types, every field
 * the fold reads for its event type. A damaged event is then a warning like
 * a torn line, never a crash of `status` or `resume`. Only the fields the
 * fold and the run history read are checked: it runs on every line of every
 * log, so it must stay cheap.
 * @module
 */

import type { RunEvent, RunOutcome } from "./types.ts";

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

function idLists(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  for (const key in v) if (!strings((v as Fields)[key])) return false;
  return true;
}

/** A problem with field `name` unless `ok`. */
function need(ok: boolean, name: string, what: string): string | null {
  return ok ? null : `"${name}" is not ${what}`;
}

const str = (e: Fields, name: string) =>
  need(typeof e[name] === "string", name, "a string");
const strOrNull = (e: Fields, name: string, what = "a string or null") =>
  need(isStringOrNull(e[name]), name, what);
const num = (e: Fields, name: string) =>
  need(isNumber(e[name]), name, "a number");
const ids = (e: Fields, name: string) =>
  need(strings(e[name]), name, "a list of task ids");
const hashes = (e: Fields, name: string) =>
  need(stringMap(e[name]), name, "a map of strings");

const task = (e: Fields) => need(isString(e.task), "task", "a task id");
const shard = (e: Fields) =>
  task(e) ?? need(isString(e.shard), "shard", "a shard id");
const output = (e: Fields) => strOrNull(e, "output", "a path or null");
const nothing = () => null;

const OUTCOMES = new Set<string>(
  [
    "success",
    "failed",
    "paused",
    "interrupted",
    "error",
  ] satisfies RunOutcome[],
);

const CHECKS: Readonly<Record<RunEvent["type"], Check>> = {
  run_started: (e) =>
    str(e, "plan_file") ?? str(e, "plan_hash") ?? hashes(e, "task_hashes") ??
      strOrNull(e, "selection", "a task id or null") ?? ids(e, "selected") ??
      need(
        e.dependencies === undefined || idLists(e.dependencies),
        "dependencies",
        "a map of task id lists",
      ) ??
      need(
        e.partial === undefined || e.partial === "only" ||
          e.partial === "widen",
        "partial",
        '"only", "widen" or absent',
      ),
  plan_validated: nothing,
  plan_updated: (e) =>
    str(e, "plan_hash") ?? hashes(e, "task_hashes") ?? ids(e, "changed") ??
      ids(e, "added") ?? ids(e, "removed"),
  resumed: (e) => ids(e, "rerun"),
  task_started: task,
  task_completed: (e) =>
    task(e) ?? num(e, "duration_ms") ?? strOrNull(e, "fingerprint"),
  task_failed: (e) =>
    task(e) ?? num(e, "duration_ms") ?? str(e, "reason") ?? str(e, "detail"),
  task_blocked: (e) => task(e) ?? str(e, "reason") ?? str(e, "by"),
  skipped: (e) => task(e) ?? str(e, "reason") ?? strOrNull(e, "fingerprint"),
  shard_started: shard,
  shard_completed: (e) => shard(e) ?? num(e, "duration_ms"),
  shard_failed: (e) =>
    shard(e) ?? num(e, "duration_ms") ?? str(e, "reason") ?? str(e, "detail"),
  command_run: output,
  retry_scheduled: nothing,
  acceptance_passed: output,
  acceptance_failed: output,
  awaiting_approval: (e) =>
    task(e) ?? need(strings(e.gates), "gates", "a list of gates"),
  approval_granted: (e) =>
    need(isString(e.gate), "gate", "a gate") ?? str(e, "plan_hash") ??
      (e.task_hashes === undefined ? null : hashes(e, "task_hashes")) ??
      need(isString(e.by), "by", "a name") ??
      need(e.note === undefined || isString(e.note), "note", "a string") ??
      need(e.mac === undefined || isString(e.mac), "mac", "a string"),
  approval_recorded: (e) =>
    need(isString(e.gate), "gate", "a gate") ??
      need(isString(e.by), "by", "a name") ?? str(e, "granted_in") ??
      (e.task_hashes === undefined ? null : hashes(e, "task_hashes")) ??
      need(e.note === undefined || isString(e.note), "note", "a string"),
  agent_started: (e) => task(e) ?? num(e, "attempt"),
  agent_finished: (e) => task(e) ?? num(e, "attempt") ?? output(e),
  patch_proposed: (e) => task(e) ?? num(e, "attempt"),
  agent_attempt_failed: (e) => task(e) ?? num(e, "attempt"),
  patch_validated: (e) =>
    task(e) ?? str(e, "patch") ?? str(e, "hash") ?? str(e, "task_hash") ??
      need(strings(e.files), "files", "a list of paths") ??
      num(e, "added") ?? num(e, "removed"),
  patch_applying: (e) => task(e) ?? str(e, "hash"),
  patch_applied: (e) => task(e) ?? str(e, "hash"),
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
  return need(isString(e.ts), "ts", "a time") ??
    need(isString(e.run), "run", "a run id") ??
    strOrNull(e, "task", "a task id or null") ??
    strOrNull(e, "shard", "a shard id or null") ??
    check(e);
}
