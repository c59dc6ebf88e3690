/**
 * One run from many machines: the fragments of a distributed run (each
 * job's own run log, see `fragment_read.ts`) merged into the events of ONE
 * run, which folds to the state a local run of the same outcomes records.
 *
 * - One `run_started` (the fragments' plan and task hashes; `selected`: the
 *   tasks they selected or ran, and the tasks they never reached).
 * - Each task's events come from the fragment that ran it (its own job's
 *   first: the one whose selection it is), with their original times; a
 *   fragment that only passed a task over (outside its selection) gives
 *   none.
 * - A task no fragment ran is recorded as a local run records a task it
 *   never reached: blocked by a failed dependency, or left pending behind
 *   one that did not finish (a gate); the others were outside the run's
 *   selection, as in a `--task` run.
 * - A task a torn fragment left running is recorded as interrupted.
 * - A `completed` event with the outcome a local run would have recorded.
 *
 * Deterministic: the fragments are ordered by what they hold, never by
 * where they were found, so any order and folder layout give the same
 * bytes. Events are ordered by time (each fragment's clock read as never
 * going back), then task id, then their order in their fragment.
 * @module
 */

import { countStates, foldEvents, type RunState } from "./fold.ts";
import type { Fragment } from "./fragment_read.ts";
import {
  compare,
  ownerOf,
  type Part,
  partsOf,
  taskOrder,
} from "./fragment_parts.ts";
import { ownResult, type Reach, unrunResult } from "./task_reach.ts";
import {
  blockedReason,
  type CiInfo,
  OUTSIDE_SELECTION,
  type RunEvent,
  type RunOutcome,
} from "./types.ts";
import { sha256 } from "../plan/hash.ts";

/** Fragments of different plans: they are not one run. */
export class MergeRefused extends Error {
  override name = "MergeRefused";
}

/** Options of {@link mergeFragments}. */
export interface MergeOptions {
  /** The merged run's id (default: `merged-` and a hash of its events). */
  run?: string;
  /** Per task, its dependencies (the plan's); else those the fragments recorded. */
  dependencies?: Readonly<Record<string, readonly string[]>>;
  /** The plan file recorded in `run_started` (default: the fragments'). */
  planFile?: string;
}

/** The merged run. */
export interface MergedRun {
  /** Its id. */
  run: string;
  /** Its events, in log order. */
  events: RunEvent[];
  /** The log's text: one JSON line per event. */
  text: string;
  /** Its folded state. */
  state: RunState;
  /** The plan hash of every fragment. */
  plan_hash: string;
  /** The fragments merged (copies of one file counted once), in merge order. */
  fragments: Fragment[];
}

/** An event without its run id (the merged run's is set last). */
type Unstamped = RunEvent extends infer E
  ? E extends RunEvent ? Omit<E, "run"> : never
  : never;

/** An event of the merged log and where it sorts. */
interface Placed {
  event: Unstamped;
  ts: string;
  task: string;
  part: number;
  line: number;
}

/**
 * Merges the fragments of one run.
 *
 * @param given The fragments (any order).
 * @param options The run id, the plan's dependencies, the plan file.
 * @returns The merged run.
 * @throws {MergeRefused} When there is no fragment, or two are runs of different plans.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeFragments } from "./merge_fragments.ts";
 * const start = (run: string, ts: string, selected: string[]) => ({
 *   ts, run, type: "run_started", task: null, shard: null, plan_file: "p.yml",
 *   plan_hash: "h", task_hashes: { A: "a", B: "b" }, tool_version: "0",
 *   deno_version: "2", selection: selected[0]!, selected, concurrency: 1,
 *   strategy: "conservative", force: false, ci: {}, dependencies: { B: ["A"] },
 * }) as never;
 * const done = (run: string, ts: string, task: string) => ({
 *   ts, run, type: "task_completed", task, shard: null, duration_ms: 5, fingerprint: null,
 * }) as never;
 * const a = { path: "a.jsonl", digest: "1", events: [start("r1", "2026-01-01T00:00:00.000Z", ["A"]), done("r1", "2026-01-01T00:00:01.000Z", "A")] };
 * const b = { path: "b.jsonl", digest: "2", events: [start("r2", "2026-01-01T00:00:02.000Z", ["B"]), done("r2", "2026-01-01T00:00:03.000Z", "B")] };
 * const merged = await mergeFragments([b, a], { run: "M" });
 * assert.equal(merged.state.outcome, "success");
 * assert.deepEqual([...merged.state.tasks.values()].map((t) => t.state), ["completed", "completed"]);
 * assert.equal((await mergeFragments([a, b], { run: "M" })).text, merged.text);
 * ```
 */
export async function mergeFragments(
  given: readonly Fragment[],
  options: MergeOptions = {},
): Promise<MergedRun> {
  const parts = partsOf(given);
  if (parts.length === 0) {
    throw new MergeRefused("no run fragments to merge");
  }
  const first = parts[0]!;
  const planHash = first.state.plan_hash!;
  for (const part of parts.slice(1)) {
    if (part.state.plan_hash !== planHash) {
      throw new MergeRefused(
        `${part.fragment.path} is a run of another plan (plan hash ${
          short(part.state.plan_hash)
        }) than ${first.fragment.path} (plan hash ${
          short(planHash)
        }): only the fragments of one run merge`,
      );
    }
  }
  const taskHashes = first.state.task_hashes;
  const order = taskOrder(parts, taskHashes);
  const dependencies = dependenciesOf(parts, options.dependencies);

  // Each task's events from the fragment that ran it.
  const owners = new Map<string, number>();
  for (const id of order) {
    const owner = ownerOf(parts, id);
    if (owner !== null) owners.set(id, owner);
  }
  const placed: Placed[] = [];
  // Who approved what, from every job (a gate's approval covers tasks of other jobs).
  const approvals = new Set<string>();
  parts.forEach((part, p) => {
    part.fragment.events.forEach((event, line) => {
      if (event.type === "approval_recorded") {
        const { run: _, ...rest } = event;
        const key = JSON.stringify(rest);
        if (approvals.has(key)) return;
        approvals.add(key);
        const ts = part.times[line]!;
        placed.push({ event: rest, ts, task: "", part: p, line });
        return;
      }
      if (event.task === null || owners.get(event.task) !== p) return;
      const { run: _, ...rest } = event;
      placed.push({
        event: rest,
        ts: part.times[line]!,
        task: event.task,
        part: p,
        line,
      });
    });
  });
  const owned = foldEvents(
    placed.map((p) => ({ ...p.event, run: "" }) as RunEvent),
  );

  // A task its fragment left running: its job ended before the task did.
  const last = new Map<string, string>();
  for (const p of placed) last.set(p.task, p.ts);
  for (const id of order) {
    const task = owned.tasks.get(id);
    if (task?.state !== "in_progress") continue;
    const ts = last.get(id)!;
    placed.push({
      event: {
        ts,
        type: "task_failed",
        task: id,
        shard: null,
        duration_ms: elapsed(task.started_at ?? ts, ts),
        reason: "interrupted",
        detail: "its fragment ends before the task did",
      },
      ts,
      task: id,
      part: parts.length,
      line: 0,
    });
  }

  // Tasks no fragment ran: blocked, never reached, or outside the selection.
  const selectedSomewhere = new Set(parts.flatMap((p) => p.state.selected));
  const reach = new Map<string, Reach>();
  const reached = (id: string, seen: Set<string>): Reach => {
    const known = reach.get(id);
    if (known) return known;
    let result: Reach;
    if (owners.has(id)) result = ownResult(owned, id, last.get(id)!);
    else if (seen.has(id)) result = { kind: "outside", ts: "" };
    else {
      seen.add(id);
      result = unrunResult(
        (dependencies[id] ?? []).map((d) => ({ id: d, ...reached(d, seen) })),
        selectedSomewhere.has(id),
      );
    }
    reach.set(id, result);
    return result;
  };
  const selected: string[] = [];
  const outside: string[] = [];
  for (const id of order) {
    const r = reached(id, new Set());
    if (r.kind === "outside") outside.push(id);
    else selected.push(id);
    if (owners.has(id) || r.kind !== "blocked") continue;
    placed.push({
      event: {
        ts: r.ts,
        type: "task_blocked",
        task: id,
        shard: null,
        reason: blockedReason(r.by),
        by: r.by,
      },
      ts: r.ts,
      task: id,
      part: parts.length,
      line: 1,
    });
  }

  placed.sort((a, b) =>
    compare(a.ts, b.ts) || compare(a.task, b.task) || a.part - b.part ||
    a.line - b.line
  );
  const startTs = parts.map((p) => p.start.ts).sort()[0]!;
  const head: Unstamped[] = [
    {
      ts: startTs,
      type: "run_started",
      task: null,
      shard: null,
      plan_file: options.planFile ?? first.start.plan_file,
      plan_hash: planHash,
      task_hashes: { ...taskHashes },
      tool_version: first.start.tool_version,
      deno_version: first.start.deno_version,
      selection: null,
      selected,
      concurrency: Math.max(...parts.map((p) => p.start.concurrency)),
      strategy: first.start.strategy,
      force: parts.some((p) => p.start.force),
      ci: sharedCi(parts.map((p) => p.start.ci)),
      dependencies: Object.fromEntries(
        selected.map((id) => [id, [...(dependencies[id] ?? [])]]),
      ),
    },
    {
      ts: startTs,
      type: "plan_validated",
      task: null,
      shard: null,
      plan_hash: planHash,
      tasks: order.length,
    },
    ...outside.map((id) => ({
      ts: startTs,
      type: "skipped" as const,
      task: id,
      shard: null,
      reason: OUTSIDE_SELECTION as typeof OUTSIDE_SELECTION,
      fingerprint: null,
    })),
  ];
  const body = [...head, ...placed.map((p) => p.event)];
  const endTs = [startTs, ...placed.map((p) => p.ts)].sort().at(-1)!;
  const before = foldEvents(body.map((e) => ({ ...e, run: "" }) as RunEvent));
  const counts = countStates(before);
  body.push({
    ts: endTs,
    type: "completed",
    task: null,
    shard: null,
    outcome: outcomeOf(before, parts),
    duration_ms: elapsed(startTs, endTs),
    counts,
  });
  // The engine's key order: time and run first.
  const stamp = (e: Unstamped, run: string) => {
    const { ts, ...rest } = e;
    return { ts, run, ...rest } as RunEvent;
  };
  const lines = (run: string) =>
    body.map((e) => JSON.stringify(stamp(e, run))).join("\n") + "\n";
  const run = options.run ?? `merged-${(await sha256(lines(""))).slice(0, 16)}`;
  const text = lines(run);
  const events = body.map((e) => stamp(e, run));
  return {
    run,
    events,
    text,
    state: foldEvents(events),
    plan_hash: planHash,
    fragments: parts.map((p) => p.fragment),
  };
}

/** The outcome a local run of the same results records. */
function outcomeOf(state: RunState, parts: readonly Part[]): RunOutcome {
  const outcomes = new Set(parts.map((p) => p.state.outcome));
  if (outcomes.has("error")) return "error";
  const counts = countStates(state);
  if (counts.failed > 0 || counts.blocked > 0) return "failed";
  if (counts.interrupted > 0) return "interrupted";
  if (counts.pending > 0 || counts.in_progress > 0) return "paused";
  // A fault outside any task (the run stopped, a final build failed).
  return outcomes.has("failed") ? "failed" : "success";
}

function dependenciesOf(
  parts: readonly Part[],
  given: MergeOptions["dependencies"],
): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = Object.create(null);
  for (const part of parts) {
    const recorded = part.start.dependencies ?? {};
    for (const id of Object.keys(recorded)) out[id] ??= recorded[id]!;
  }
  if (given) { for (const id of Object.keys(given)) out[id] = given[id]!; }
  return out;
}

/** The CI identifiers every fragment shares (the workflow run's, not a job's). */
function sharedCi(all: readonly CiInfo[]): CiInfo {
  const out: CiInfo = {};
  for (const key of Object.keys(all[0] ?? {})) {
    const value = all[0]![key]!;
    if (all.every((ci) => ci[key] === value)) out[key] = value;
  }
  return out;
}

function elapsed(from: string, to: string): number {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function short(hash: string | null): string {
  return (hash ?? "none").slice(0, 12);
}
