/**
 * `StatCache.known`, the synchronous answer of a no-op re-run's inputs:
 * the same entries count as for `hash`, racy ones and `--force` excepted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { StatCache } from "../../src/engine/stat_cache.ts";
import { tempDir } from "../_cli.ts";

Deno.test("stat cache: known gives a hash only for an unchanged file whose entry is older than it by the racy margin", async () => {
  const root = await tempDir();
  const path = join(root, "a.txt");
  await Deno.writeTextFile(path, "a\n");
  const old = new Date(Date.now() - 10_000);
  await Deno.utime(path, old, old);
  const cache = await StatCache.load(root);
  let info = await Deno.stat(path);
  assert.equal(cache.known("a.txt", info), undefined, "no entry yet");
  // Recorded with its stat taken now: its ctime (just set) is too recent.
  await cache.hash("a.txt", info, Date.now(), () => Promise.resolve("h1"));
  assert.equal(cache.known("a.txt", info), undefined, "racy");
  // Recorded as if stat'ed well after its last change: trusted.
  await cache.hash(
    "a.txt",
    info,
    Date.now() + 5_000,
    () => Promise.resolve("h2"),
  );
  assert.equal(cache.known("a.txt", info), "h2");
  assert.equal(
    await cache.hash("a.txt", info, Date.now(), () => Promise.resolve("h3")),
    "h2",
  );
  cache.refresh = true;
  assert.equal(cache.known("a.txt", info), undefined, "--force hashes again");
  cache.refresh = false;
  await Deno.writeTextFile(path, "b\n");
  info = await Deno.stat(path);
  assert.equal(cache.known("a.txt", info), undefined, "changed");
});
