/**
 * Up-to-date fingerprints: a task's definition, the content of its inputs,
 * and its dependencies' fingerprints.
 * @module
 */

import { fastHash } from "../plan/fast_hash.ts";
import { sha256Hex } from "../text/sha256.ts";
import type { Plan, Task } from "../plan/ir.ts";
import { errorReason, joinUnder, matchFiles } from "./files.ts";
import { loadedStatCache, statCacheOf } from "./stat_cache.ts";

/**
 * Per task, a hash of its definition and (recursively) its dependencies'
 * definitions: a change anywhere upstream changes it. Recorded in
 * `run_started` so `resume` can tell which tasks changed.
 */
export function definitionHashes(plan: Plan): Record<string, string> {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const hashes: Record<string, string> = Object.create(null);
  // Dependencies first, depth first: any such order gives the same hashes,
  // without the plan-ordered topological sort (a heap; ~4 ms on 1,000 tasks).
  const stack: Task[] = [];
  for (const task of plan.tasks) {
    stack.push(task);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (hashes[top.id] !== undefined) {
        stack.pop();
        continue;
      }
      let ready = true;
      for (const d of top.dependencies) {
        const dep = byId.get(d);
        if (dep !== undefined && hashes[d] === undefined) {
          stack.push(dep);
          ready = false;
        }
      }
      if (!ready) continue;
      stack.pop();
      hashes[top.id] = fastHash(
        JSON.stringify(top) + top.dependencies.map((d) => hashes[d]).join(","),
      );
    }
  }
  // Keyed in plan order, whatever order they were computed in.
  const inPlanOrder: Record<string, string> = Object.create(null);
  for (const task of plan.tasks) inPlanOrder[task.id] = hashes[task.id]!;
  return inPlanOrder;
}

/**
 * The fingerprint of a task, or null when it cannot be up to date: it
 * declares no `inputs`, or a dependency has no fingerprint. Each input
 * file counts by its path and sha-256 ({@link fileSha256}); one that
 * cannot be read counts by its path and the reason. Under a root with a
 * stat cache (`useStatCache`), an unchanged file's hash comes from it,
 * and so does the fingerprint when its text is exactly the one kept.
 */
export async function fingerprint(
  root: string,
  task: Task,
  definitionHash: string,
  dependencyFingerprints: readonly (string | null)[],
): Promise<string | null> {
  if (
    task.inputs.length === 0 || dependencyFingerprints.some((f) => f === null)
  ) return null;
  const parts = [definitionHash, ...dependencyFingerprints as string[]];
  // Loaded already (as from the second task on): no await for it.
  const now = loadedStatCache(root);
  const cached = now === undefined ? statCacheOf(root) : null;
  // Before any stat: an entry is trusted only for files older than this.
  const statAt = Date.now();
  const found = await matchFiles(root, task.inputs);
  const cache = cached === null ? now ?? null : await cached;
  for (const file of found.files) {
    const path = joinUnder(root, file);
    const hash = () => fileSha256(path);
    let info = found.stats.get(file);
    if (cache !== null && info === undefined) {
      try {
        info = Deno.statSync(path); // Found by a walk: no stat yet.
      } catch {
        info = undefined; // Gone: hashing says why.
      }
    }
    parts.push(
      `${file}:${
        cache === null || info === undefined
          ? await hash()
          : cache.known(file, info) ??
            await cache.hash(file, info, statAt, hash)
      }`,
    );
  }
  for (const { path, reason } of found.unreadable) {
    parts.push(`${path}:unreadable:${reason}`);
  }
  // Plain JS: node:crypto is loaded only when a large file's content is hashed.
  const text = parts.join("\n");
  return cache === null
    ? sha256Hex(text)
    : cache.fingerprint(task.id, text, sha256Hex);
}

/** node:crypto, once a large file (or many) is hashed (~20 ms to load: a no-op re-run with a warm stat cache never does). */
let nodeCrypto: typeof import("node:crypto") | undefined;

/**
 * Files up to this size are hashed in plain JS while the process has
 * hashed at most {@link jsBudget} more bytes so: about what loading
 * node:crypto costs (cold JS hashes ~1 MiB in ~25 ms); past it, natively.
 */
const JS_FILE_MAX = 256 * 1024;
let jsBudget = 1024 * 1024;

/** Files up to this size are read whole (fast for many small files); larger ones stream. */
const WHOLE_MAX = 4 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/**
 * Hex sha-256 of a file's content, in bounded memory: a small file is read
 * at once, a large one streamed in 1 MiB chunks. A file that cannot be
 * read gives `unreadable:<reason>` instead.
 *
 * @example
 * ```ts ignore
 * await fileSha256("/repo/empty.txt"); // "e3b0c442...b855"
 * ```
 */
export async function fileSha256(path: string): Promise<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    return `unreadable:${errorReason(e)}`;
  }
  try {
    const info = file.statSync();
    const size = info.size;
    if (size <= WHOLE_MAX) {
      // A regular file's reads never wait: done synchronously, they spare a
      // hop to a worker thread each. A pipe or device keeps async reads.
      const bytes = info.isFile
        ? readAllSync(file, size)
        : await readAll(file, size);
      if (
        nodeCrypto === undefined && bytes.length <= JS_FILE_MAX &&
        bytes.length <= jsBudget
      ) {
        // A few small files (the one edited before a re-run): hashed in
        // plain JS, sparing node:crypto's ~20 ms load.
        jsBudget -= bytes.length;
        return sha256Hex(bytes);
      }
      const { createHash } = nodeCrypto ??= await import("node:crypto");
      if (bytes.length <= WHOLE_MAX) {
        return createHash("sha256").update(bytes).digest("hex");
      }
      return await streamHash(file, bytes);
    }
    return await streamHash(file, new Uint8Array(0));
  } catch (e) {
    return `unreadable:${errorReason(e)}`;
  } finally {
    file.close();
  }
}

/** {@link readAll} of a regular file, synchronously. */
function readAllSync(file: Deno.FsFile, size: number): Uint8Array {
  let buf = new Uint8Array(size + 1);
  let have = 0;
  for (;;) {
    if (have === buf.length) {
      if (have > WHOLE_MAX) return buf;
      const bigger = new Uint8Array(Math.min(buf.length * 2, WHOLE_MAX + 1));
      bigger.set(buf);
      buf = bigger;
    }
    const n = file.readSync(buf.subarray(have));
    if (n === null) return buf.subarray(0, have);
    have += n;
  }
}

/** Up to `WHOLE_MAX + 1` bytes (sized from stat, grown if the file grew). */
async function readAll(file: Deno.FsFile, size: number): Promise<Uint8Array> {
  let buf = new Uint8Array(size + 1);
  let have = 0;
  for (;;) {
    if (have === buf.length) {
      if (have > WHOLE_MAX) return buf;
      const bigger = new Uint8Array(Math.min(buf.length * 2, WHOLE_MAX + 1));
      bigger.set(buf);
      buf = bigger;
    }
    const n = await file.read(buf.subarray(have));
    if (n === null) return buf.subarray(0, have);
    have += n;
  }
}

/** Hashes `head` and then the rest of `file`, a chunk at a time. */
async function streamHash(
  file: Deno.FsFile,
  head: Uint8Array,
): Promise<string> {
  const { createHash } = nodeCrypto ??= await import("node:crypto");
  const hash = createHash("sha256").update(head);
  const buf = new Uint8Array(CHUNK);
  for (;;) {
    const n = await file.read(buf);
    if (n === null) return hash.digest("hex");
    hash.update(buf.subarray(0, n));
  }
}
