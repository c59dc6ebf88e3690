/**
 * `run --watch`: what to watch after a run (the plan's files, every task's
 * `inputs` and `paths.preferred`), and waiting, debounced, for the next
 * change among them. Files orchestrate writes (`.codex/`, TASKS.md) and
 * `.git/` never count, so a run cannot trigger itself.
 * @module
 */

import picomatch from "picomatch";
import { STATE_DIR } from "../fs/state_dir.ts";
import { isAbsolute, join, relative } from "../fs/path.ts";
import type { Plan } from "../plan/ir.ts";

/** What `--watch` watches: folders to listen on, and which changed paths count. */
export interface WatchTargets {
  /** Absolute folders (recursive) or files. */
  roots: string[];
  /** Whether a changed path (relative to the project root) counts. */
  counts(path: string): boolean;
  /** Whether a changed path is one of the plan's own files. */
  isPlan(path: string): boolean;
  /** What is watched, for people. */
  description: string;
}

/** Time without further changes before a run starts. */
export const DEBOUNCE_MS = 300;

const IGNORED = [STATE_DIR, ".git", "TASKS.md", "node_modules"];

/**
 * The folders and patterns `--watch` follows for `plan`: its files, and
 * every task's (and shard's) `inputs` and `paths.preferred`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchTargets } from "./watch.ts";
 * const plan = { tasks: [{ inputs: ["src/**\/*.rs"], paths: { preferred: ["docs/"] }, shards: [] }] };
 * const t = watchTargets(plan as never, "/p", ["/p/orchestrator.yml"]);
 * assert.deepEqual(t.roots, ["/p/src", "/p/docs", "/p/orchestrator.yml"]);
 * assert.equal(t.counts("src/a/b.rs"), true);
 * assert.equal(t.counts("src/a/b.txt"), false);
 * assert.equal(t.counts("docs/x.md"), true);
 * assert.equal(t.counts(".codex/runs/x.jsonl"), false);
 * ```
 */
export function watchTargets(
  plan: Plan,
  root: string,
  planFiles: readonly string[],
): WatchTargets {
  const patterns = new Set<string>();
  for (const task of plan.tasks) {
    for (const p of task.inputs) patterns.add(p);
    for (const p of task.paths.preferred) patterns.add(p);
    for (const shard of task.shards) {
      for (const p of shard.paths.preferred) patterns.add(p);
    }
  }
  // A folder stands for everything below it, as in `inputs` and `paths`.
  const globs = [...patterns].flatMap((p) => {
    const clean = p.replace(/\/+$/, "");
    return picomatch.scan(clean).isGlob ? [clean] : [clean, `${clean}/**`];
  });
  const match = globs.length > 0
    ? picomatch(globs, { dot: true })
    : () => false;
  const plans = new Set(planFiles.map((f) => relative(root, f)));
  const bases = new Set<string>();
  for (const p of patterns) {
    const base = picomatch.scan(p.replace(/\/+$/, "")).base;
    bases.add(base === "" ? root : join(root, base));
  }
  const roots = [...bases, ...planFiles].filter((path, i, all) =>
    all.indexOf(path) === i
  );
  return {
    roots,
    counts: (path) =>
      !IGNORED.some((i) => path === i || path.startsWith(`${i}/`)) &&
      (plans.has(path) || match(path)),
    isPlan: (path) => plans.has(path),
    description: patterns.size === 0
      ? "the plan's files (no task declares inputs or paths)"
      : `the plan's files and ${patterns.size} input/path pattern${
        patterns.size === 1 ? "" : "s"
      }`,
  };
}

/**
 * Waits for changes that count, then for {@link DEBOUNCE_MS} without
 * another, and returns the changed paths (relative to `root`); null when
 * `signal` aborts first. Roots that do not exist yet are skipped.
 */
export async function nextChange(
  targets: WatchTargets,
  root: string,
  signal: AbortSignal,
  debounceMs = DEBOUNCE_MS,
): Promise<string[] | null> {
  const roots: string[] = [];
  for (const path of targets.roots) {
    try {
      await Deno.stat(path);
      roots.push(path);
    } catch {
      // Not there yet: a change inside it shows in a watched parent, or not at all.
    }
  }
  if (roots.length === 0) roots.push(root);
  const watcher = Deno.watchFs(roots, { recursive: true });
  const stop = () => watcher.close();
  signal.addEventListener("abort", stop, { once: true });
  const changed = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<string[] | null>((resolve) => {
      (async () => {
        for await (const event of watcher) {
          for (const path of event.paths) {
            const rel = isAbsolute(path) ? relative(root, path) : path;
            if (!targets.counts(rel)) continue;
            changed.add(rel);
            clearTimeout(timer);
            timer = setTimeout(
              () => resolve([...changed].sort()),
              debounceMs,
            );
          }
        }
        resolve(null); // closed: aborted
      })().catch(() => resolve(null));
    });
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", stop);
    try {
      watcher.close();
    } catch {
      // Already closed.
    }
  }
}
