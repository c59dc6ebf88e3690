/**
 * The JSDoc examples `deno test --doc` runs: each one that makes a
 * temporary folder or file removes it, so a test run leaves nothing behind.
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { repoPath } from "./_cli.ts";

/** Runnable examples (```ts, not `ts ignore`) of a source file, with their first line. */
function examples(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*```ts\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*\*\s*```\s*$/.test(lines[end]!)) end++;
    out.push({ line: start, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return out;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
      files.push(path);
    }
  }
  return files;
}

Deno.test("doc examples: every example that makes a temporary folder or file removes it", async () => {
  const leaks: string[] = [];
  const files = [...await sourceFiles(repoPath("src")), repoPath("mod.ts")];
  for (const file of files) {
    for (const { line, code } of examples(await Deno.readTextFile(file))) {
      if (/makeTemp(Dir|File)/.test(code) && !/\bremove(Sync)?\(/.test(code)) {
        leaks.push(`${relative(repoPath("."), file)}:${line}`);
      }
    }
  }
  assert.deepEqual(leaks, []);
});

Deno.test("doc examples: the scan finds an example that leaks", () => {
  const leaking = [
    "/**",
    " * ```ts",
    " * const dir = await Deno.makeTempDir();",
    " * ```",
    " */",
  ].join("\n");
  assert.equal(examples(leaking).length, 1);
  assert.match(examples(leaking)[0]!.code, /makeTempDir/);
});
