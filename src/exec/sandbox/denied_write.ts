/**
 * Why a confined command failed, when its own output says so: a write the
 * sandbox refused shows as "Read-only file system" (EROFS) in the words of
 * whatever program tried it. Finding the path there lets the failure name
 * it and the permission that would allow it, instead of only "exited 1".
 * @module
 */

// One line that reports a refused write, in the ways common programs word it.
const REFUSED = /read-only file system|\bEROFS\b/i;

/**
 * The path of the first write the output reports refused (EROFS), or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refusedWritePath } from "./denied_write.ts";
 * assert.equal(refusedWritePath("touch: cannot touch 'out/x': Read-only file system\n"), "out/x");
 * assert.equal(refusedWritePath("sh: 1: cannot create /etc/y: Read-only file system"), "/etc/y");
 * assert.equal(refusedWritePath("OSError: [Errno 30] Read-only file system: 'data.db'"), "data.db");
 * assert.equal(refusedWritePath("Error: EROFS: read-only file system, open 'a/b.txt'"), "a/b.txt");
 * assert.equal(refusedWritePath("bash: log.txt: Read-only file system"), "log.txt");
 * assert.equal(refusedWritePath("all good"), null);
 * ```
 */
export function refusedWritePath(output: string): string | null {
  for (const line of output.split("\n")) {
    if (!REFUSED.test(line)) continue;
    const quoted = /['"‘“]([^'"’”]+)['"’”]/.exec(line);
    if (quoted) return quoted[1]!;
    const created = /cannot create (?:[a-z ]+ )?(\S+?):/.exec(line);
    if (created) return created[1]!;
    const prefixed = /(?:^|: )([^\s:]+): Read-only file system/i.exec(line);
    if (prefixed) return prefixed[1]!;
  }
  return null;
}
