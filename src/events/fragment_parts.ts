/**
 * The fragments of a distributed run as the merge reads them (see
 * `merge_fragments.ts`): each once, in an order of their content alone
 * (never where they were found), with its folded state and its clock read
 * as never going back; and which fragment a task takes its events from.
 * @module
 */

import { foldEvents, type RunState } from "./fold.ts";
import type { Fragment } from "./fragment_read.ts";
import { touched } from "./project_state.ts";
import type { RunStartedEvent } from "./types.ts";

/** A fragment with what the merge reads of it. */
export interface Part {
  fragment: Fragment;
  start: RunStartedEvent;
  state: RunState;
  /** Per event, its time read as never going back within the fragment. */
  times: string[];
  /** Per task, the time of its last event here. */
  lastTs: Map<string, string>;
}

/**
 * The fragments, each once (by digest), in an order of their content
 * alone: the time their run started, its id, their digest. Fragments
 * without a `run_started` event are left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partsOf } from "./fragment_parts.ts";
 * const start = (run: string, ts: string) => ({ ts, run, type: "run_started", task: null,
 *   shard: null, plan_file: "p", plan_hash: "h", task_hashes: {}, tool_version: "0",
 *   deno_version: "2", selection: null, selected: [], concurrency: 1,
 *   strategy: "conservative", force: false, ci: {} }) as never;
 * const late = { path: "a.jsonl", digest: "1", events: [start("r2", "2026-01-02T00:00:00.000Z")] };
 * const early = { path: "b.jsonl", digest: "2", events: [start("r1", "2026-01-01T00:00:00.000Z")] };
 * assert.deepEqual(partsOf([late, early, late]).map((p) => p.start.run), ["r1", "r2"]);
 * ```
 */
export function partsOf(given: readonly Fragment[]): Part[] {
  const seen = new Set<string>();
  const parts: Part[] = [];
  for (const fragment of given) {
    if (seen.has(fragment.digest)) continue;
    seen.add(fragment.digest);
    const start = fragment.events.find((e) => e.type === "run_started") as
      | RunStartedEvent
      | undefined;
    if (start === undefined) continue;
    let clock = "";
    const times = fragment.events.map((e) =>
      clock = e.ts > clock ? e.ts : clock
    );
    const lastTs = new Map<string, string>();
    fragment.events.forEach((e, i) => {
      if (e.task !== null) lastTs.set(e.task, times[i]!);
    });
    parts.push({
      fragment,
      start,
      state: foldEvents(fragment.events),
      times,
      lastTs,
    });
  }
  return parts.sort((a, b) =>
    compare(a.start.ts, b.start.ts) || compare(a.start.run, b.start.run) ||
    compare(a.fragment.digest, b.fragment.digest)
  );
}

/**
 * The fragment whose events a task takes, or null when none ran it: its
 * own job's (the fragment whose selection it is) first, then one that
 * finished it, then the latest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownerOf } from "./fragment_parts.ts";
 * assert.equal(ownerOf([], "A"), null);
 * ```
 */
export function ownerOf(parts: readonly Part[], id: string): number | null {
  let best: number | null = null;
  let bestKey: [number, number, string] | null = null;
  parts.forEach((part, p) => {
    const task = part.state.tasks.get(id);
    if (task === undefined) return;
    const waits = task.state === "pending" && task.awaiting.length > 0;
    if (!touched(task) && !waits) return;
    const own = part.state.selection === id ? 0 : 1;
    const finished = task.state === "in_progress" || waits ? 1 : 0;
    const key: [number, number, string] = [
      own,
      finished,
      part.lastTs.get(id) ?? "",
    ];
    if (
      bestKey === null || key[0] < bestKey[0] ||
      (key[0] === bestKey[0] &&
        (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] > bestKey[2])))
    ) {
      best = p;
      bestKey = key;
    }
  });
  return best;
}

/**
 * Task ids in plan order (the recorded task hashes'), then any others by id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskOrder } from "./fragment_parts.ts";
 * assert.deepEqual(taskOrder([], { B: "b", A: "a" }), ["B", "A"]);
 * ```
 */
export function taskOrder(
  parts: readonly Part[],
  hashes: Record<string, string>,
): string[] {
  const order = Object.keys(hashes);
  const known = new Set(order);
  const more = new Set<string>();
  for (const part of parts) {
    for (const id of part.state.tasks.keys()) if (!known.has(id)) more.add(id);
  }
  return [...order, ...[...more].sort()];
}

/**
 * Orders strings by code unit (never by locale): the same on every machine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compare } from "./fragment_parts.ts";
 * assert.deepEqual(["b", "B", "a"].sort(compare), ["B", "a", "b"]);
 * ```
 */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
