/**
 * Whether two shards' `paths.preferred` may touch the same files, judged
 * conservatively: only sets whose fixed path prefixes are plainly apart are
 * disjoint; an empty set, a glob with no fixed folder, `..` or anything
 * else uncertain overlaps. Shards that overlap run their agents one after
 * another; disjoint ones may run at once.
 * @module
 */

/** A glob's special characters: the fixed part of a path ends before a segment holding one. */
const GLOB = /[*?[\]{}()!+@\\]/;

/**
 * The fixed folder or file a path hint stands for, as segments (compared
 * without case, for case-insensitive file systems), or null when it may be
 * anywhere.
 */
function fixedPart(hint: string): string[] | null {
  const segments = hint.replace(/^\.\//, "").split("/").filter((s) =>
    s !== "" && s !== "."
  );
  const fixed: string[] = [];
  for (const s of segments) {
    if (s === "..") return null;
    if (GLOB.test(s)) break;
    fixed.push(s.toLowerCase());
  }
  return fixed.length === 0 ? null : fixed;
}

/** One list of segments is the other or a folder above it. */
function nested(a: string[], b: string[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether two sets of path hints may overlap (see the module doc).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathsOverlap } from "./shard_overlap.ts";
 * assert.equal(pathsOverlap(["src/a"], ["src/b/**"]), false);
 * assert.equal(pathsOverlap(["src/a"], ["src/a/x.ts"]), true);
 * assert.equal(pathsOverlap(["src/*.ts"], ["src/b"]), true);
 * assert.equal(pathsOverlap(["**\/*.ts"], ["docs"]), true);
 * assert.equal(pathsOverlap([], ["docs"]), true);
 * ```
 */
export function pathsOverlap(
  a: readonly string[],
  b: readonly string[],
): boolean {
  if (a.length === 0 || b.length === 0) return true;
  const fa = a.map(fixedPart), fb = b.map(fixedPart);
  if (fa.includes(null) || fb.includes(null)) return true;
  return fa.some((x) => fb.some((y) => nested(x!, y!)));
}

/**
 * For each shard (in plan order), the earlier shards it must wait for:
 * those it overlaps, and what they waited for, so its worktree starts from
 * every earlier change it could build on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shardOrder } from "./shard_overlap.ts";
 * assert.deepEqual(shardOrder([["a"], ["b"], ["a/x", "b"]]), [[], [], [0, 1]]);
 * assert.deepEqual(shardOrder([["a"], ["a"], ["c"]]), [[], [0], []]);
 * ```
 */
export function shardOrder(paths: readonly (readonly string[])[]): number[][] {
  const after: number[][] = [];
  paths.forEach((mine, i) => {
    const wait = new Set<number>();
    for (let j = 0; j < i; j++) {
      if (pathsOverlap(mine, paths[j]!)) {
        wait.add(j);
        for (const k of after[j]!) wait.add(k);
      }
    }
    after.push([...wait].sort((x, y) => x - y));
  });
  return after;
}
