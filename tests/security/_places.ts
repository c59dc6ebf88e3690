/**
 * Places for sandbox tests: a folder outside the project that is not
 * under /tmp (a confined task gets a private /tmp, which would hide an
 * escape target there), and reading what a task left in the project.
 * @module
 */

import { chownTree, type TestUser } from "./_rig.ts";

const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* already gone */ }
  }
});

/** A folder under /var/tmp that `user` may write, removed when the tests end. */
export async function hostDirAs(user: TestUser): Promise<string> {
  const dir = await Deno.makeTempDir({
    dir: "/var/tmp",
    prefix: "orchestrate-host-",
  });
  made.push(dir);
  await Deno.chmod(dir, 0o755);
  await chownTree(dir, user);
  return dir;
}

/** The text of `path`, or null when it does not exist. */
export async function textOr(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}
