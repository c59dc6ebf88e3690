/**
 * `run --watch`: what to watch (the plan's files, and the `inputs` and
 * `paths.preferred` of every watched task), and which tasks a changed path
 * affects. Files orchestrate writes (`.codex/`, TASKS.md) and `.git/`
 * never count, so a run cannot trigger itself.
 * @module
 */

import picomatch from "picomatch";
import { STATE_DIR } from "../fs/state_dir.ts";
import { join, relative } from "../fs/path.ts";
import { selectWithDependencies } from "../graph/select.ts";
import type { Plan, Task } from "../plan/ir.ts";

/** What `--watch` watches: folders to listen on, and which changed paths count. */
export interface WatchTargets {
  /** Absolute folders (recursive) or files. */
  roots: string[];
  /** The plan's own files (absolute). */
  planFiles: readonly string[];
  /** Whether a changed path (relative to the project root) counts. */
  counts(path: string): boolean;
  /** Whether a changed path is one of the plan's own files. */
  isPlan(path: string): boolean;
  /**
   * The watched tasks whose `inputs` or `paths.preferred` (a shard's too)
   * name a changed path, in plan order. A task that declares neither reads
   * no file the plan knows of: no change of a file affects it.
   */
  affected(paths: readonly string[]): string[];
  /**
   * Whether a run of the tasks `ran` left nothing to do after its change
   * of `path`: a declared output or preferred path of one of them, read
   * only by tasks that ran too, after it (they depend on it) or being it.
   * A change the run made that another task reads is a change like any
   * other.
   */
  madeBy(path: string, ran: ReadonlySet<string>): boolean;
  /** What is watched, for people. */
  description: string;
}

/** Time without further changes before a run starts. */
export const DEBOUNCE_MS = 300;

const IGNORED = [STATE_DIR, ".git", "TASKS.md", "node_modules"];

/** A matcher of paths and globs where a folder stands for everything below it. */
function matcher(patterns: Iterable<string>): (path: string) => boolean {
  const globs = [...patterns].flatMap((p) => {
    const clean = p.replace(/\/+$/, "");
    return picomatch.scan(clean).isGlob ? [clean] : [clean, `${clean}/**`];
  });
  return globs.length > 0 ? picomatch(globs, { dot: true }) : () => false;
}

/** A task's watched patterns: its `inputs` and its own and shards' `paths.preferred`. */
function taskPatterns(task: Task): string[] {
  return [
    ...task.inputs,
    ...task.paths.preferred,
    ...task.shards.flatMap((s) => s.paths.preferred),
  ];
}

/**
 * The folders and patterns `--watch` follows for `plan`: its files, and
 * the `inputs` and `paths.preferred` of each task in `watched` (default:
 * every task).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchTargets } from "./watch.ts";
 * const task = (id: string, inputs: string[], preferred: string[]) =>
 *   ({ id, inputs, outputs: [], paths: { preferred }, shards: [] });
 * const plan = { tasks: [task("A", ["src/**\/*.rs"], ["docs/"]), task("B", [], [])] };
 * const t = watchTargets(plan as never, "/p", ["/p/orchestrator.yml"]);
 * assert.deepEqual(t.roots, ["/p/src", "/p/docs", "/p/orchestrator.yml"]);
 * assert.equal(t.counts("src/a/b.rs"), true);
 * assert.equal(t.counts("src/a/b.txt"), false);
 * assert.equal(t.counts(".codex/runs/x.jsonl"), false);
 * assert.deepEqual(t.affected(["docs/x.md"]), ["A"]);
 * assert.deepEqual(t.affected(["orchestrator.yml"]), []);
 * ```
 */
export function watchTargets(
  plan: Plan,
  root: string,
  planFiles: readonly string[],
  watched?: ReadonlySet<string>,
): WatchTargets {
  const tasks = plan.tasks.filter((t) => watched?.has(t.id) ?? true);
  const patterns = new Set(tasks.flatMap(taskPatterns));
  const match = matcher(patterns);
  const byTask = tasks.map((t) => ({
    id: t.id,
    match: matcher(taskPatterns(t)),
  }));
  // Where a task writes: its outputs, and the paths it prefers (an agent's patch lands there).
  const makers = tasks.map((t) => ({
    id: t.id,
    match: matcher([
      ...t.outputs,
      ...t.paths.preferred,
      ...t.shards.flatMap((s) => s.paths.preferred),
    ]),
  }));
  const plans = new Set(planFiles.map((f) => relative(root, f)));
  const bases = new Set<string>();
  for (const p of patterns) {
    const base = picomatch.scan(p.replace(/\/+$/, "")).base;
    bases.add(base === "" ? root : join(root, base));
  }
  const roots = [...new Set([...bases, ...planFiles])];
  return {
    roots,
    planFiles,
    counts: (path) =>
      !IGNORED.some((i) => path === i || path.startsWith(`${i}/`)) &&
      (plans.has(path) || match(path)),
    isPlan: (path) => plans.has(path),
    affected: (paths) =>
      byTask.filter((t) => paths.some((p) => t.match(p))).map((t) => t.id),
    madeBy: (path, ran) => {
      const made = makers.filter((t) => ran.has(t.id) && t.match(path));
      const readers = byTask.filter((t) => t.match(path));
      // A reader that wrote it itself (a formatter) or depends on its writer read it after.
      return made.length > 0 && readers.every((r) => {
        const upstream = selectWithDependencies(plan.tasks, r.id);
        return ran.has(r.id) && made.some((m) => upstream.has(m.id));
      });
    },
    description: patterns.size === 0
      ? "the plan's files (no task declares inputs or paths)"
      : `the plan's files and ${patterns.size} input/path pattern${
        patterns.size === 1 ? "" : "s"
      }`,
  };
}
