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
import type { PlanSources } from "../plan/plan_files.ts";
import { includeMatcher } from "../plan/include.ts";

/** What `--watch` watches: folders to listen on, and which changed paths count. */
export interface WatchTargets {
  /** Absolute folders (recursive) or files. */
  roots: string[];
  /** Absolute folders watched alone, not below (an include such as `tasks/*.yml`). */
  shallowRoots: string[];
  /** The plan's own files (absolute), and the includes that may name more. */
  sources: PlanSources;
  /**
   * Whether a changed path (relative to the project root) counts: one a
   * pattern names, or a folder holding what one names (deleted, created
   * again, or replaced).
   */
  counts(path: string): boolean;
  /**
   * Whether a changed path is one of the plan's own files, a file an
   * `include:` glob names (a new one too), or a folder holding them.
   */
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

/** The fixed part of a pattern: the folder (or file) under which it names paths. */
function baseOf(pattern: string): string {
  const clean = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  return picomatch.scan(clean).isGlob ? picomatch.scan(clean).base : clean;
}

/** Whether `path` is one of `bases` or a folder above one (`""`: the root, above all). */
function holds(bases: readonly string[], path: string): boolean {
  return bases.some((b) =>
    b === path || path === "" || b.startsWith(`${path}/`)
  );
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
 * const sources = { files: ["/p/orchestrator.yml"], dir: "/p", includes: ["tasks/*.yml"] };
 * const t = watchTargets(plan as never, "/p", sources);
 * assert.deepEqual(t.roots, ["/p/src", "/p/docs", "/p/orchestrator.yml"]);
 * assert.deepEqual(t.shallowRoots, ["/p/tasks"]);
 * assert.equal(t.counts("src/a/b.rs"), true);
 * assert.equal(t.counts("src/a/b.txt"), false);
 * assert.equal(t.counts("src"), true); // the folder itself: deleted or made again
 * assert.equal(t.counts(".codex/runs/x.jsonl"), false);
 * assert.deepEqual(t.affected(["docs/x.md"]), ["A"]);
 * assert.deepEqual(t.affected(["orchestrator.yml"]), []);
 * assert.equal(t.isPlan("tasks/new.yml"), true); // a new file an include names
 * ```
 */
export function watchTargets(
  plan: Plan,
  root: string,
  sources: PlanSources,
  watched?: ReadonlySet<string>,
): WatchTargets {
  const planFiles = sources.files;
  const tasks = plan.tasks.filter((t) => watched?.has(t.id) ?? true);
  const patterns = new Set(tasks.flatMap(taskPatterns));
  const patternBases = [...patterns].map(baseOf);
  const match = matcher(patterns);
  const byTask = tasks.map((t) => {
    const own = matcher(taskPatterns(t));
    const bases = taskPatterns(t).map(baseOf);
    return { id: t.id, match: (p: string) => own(p) || holds(bases, p) };
  });
  // Where a task writes: its outputs, and the paths it prefers (an agent's patch lands there).
  const makers = tasks.map((t) => ({
    id: t.id,
    match: matcher([
      ...t.outputs,
      ...t.paths.preferred,
      ...t.shards.flatMap((s) => s.paths.preferred),
    ]),
  }));
  // Each task and what it depends on, worked out once: a formatter's run
  // asks it of every file it rewrote.
  const upstreams = new Map<string, ReadonlySet<string>>();
  const upstreamOf = (id: string) => {
    let found = upstreams.get(id);
    if (found === undefined) {
      found = selectWithDependencies(plan.tasks, id);
      upstreams.set(id, found);
    }
    return found;
  };
  const plans = new Set(planFiles.map((f) => relative(root, f)));
  // Includes name paths relative to the plan's folder, which may not be the root.
  const includes = sources.includes.map((g) => g.replace(/^\.\//, ""));
  const included = includeMatcher(includes);
  const includeBases = includes.map((g) =>
    relative(root, join(sources.dir, baseOf(g)))
  );
  // `tasks/*.yml` names files in one folder: watch it alone, not what is below.
  const flat = (g: string) =>
    picomatch.scan(g).isGlob && !picomatch.scan(g).glob.includes("/") &&
    !g.includes("**");
  const planBases = [...plans, ...includeBases];
  const isPlan = (path: string) =>
    plans.has(path) || holds(planBases, path) ||
    included(relative(sources.dir, join(root, path)));
  const bases = new Set<string>();
  for (const base of patternBases) {
    bases.add(base === "" ? root : join(root, base));
  }
  const roots = [
    ...new Set([
      ...bases,
      ...planFiles,
      ...includeBases.filter((_, i) => !flat(includes[i]!)).map((b) =>
        join(root, b)
      ),
    ]),
  ];
  const shallowRoots = [
    ...new Set(
      includeBases.filter((_, i) => flat(includes[i]!)).map((b) =>
        join(root, b)
      ),
    ),
  ];
  return {
    roots,
    shallowRoots,
    sources,
    counts: (path) =>
      !IGNORED.some((i) => path === i || path.startsWith(`${i}/`)) &&
      (isPlan(path) || match(path) || holds(patternBases, path)),
    isPlan,
    affected: (paths) =>
      byTask.filter((t) => paths.some((p) => t.match(p))).map((t) => t.id),
    madeBy: (path, ran) => {
      const made = makers.filter((t) => ran.has(t.id) && t.match(path));
      const readers = byTask.filter((t) => t.match(path));
      // A reader that wrote it itself (a formatter) or depends on its writer read it after.
      return made.length > 0 && readers.every((r) => {
        const upstream = upstreamOf(r.id);
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
