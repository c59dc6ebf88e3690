/**
 * The index's reference lists (names each file's code uses) and the text
 * search over the indexed files, as modules: what briefs find callers,
 * tests and quoted messages by.
 */

import assert from "node:assert/strict";
import { updateIndex } from "../../src/index/repo_index.ts";
import { searchText } from "../../src/index/text_search.ts";
import { tempProject } from "../_cli.ts";

Deno.test("index: each file's uses, without comments, strings or keywords; an older index is rebuilt", async () => {
  const dir = await tempProject({
    "a.py":
      'def run(args):\n    # helper_in_comment()\n    s = "string_word"\n    return helper(args)\n',
    "b.ts":
      "// parseThing()\nexport function go(): number {\n  return parseThing(`tmpl_word`);\n}\n",
    "c.rs":
      "fn main() {\n    let v = compute_total(3); /* hidden_call() */\n}\n",
  });
  Deno.mkdirSync(`${dir}/.codex`);
  Deno.writeTextFileSync(
    `${dir}/.codex/index.json`,
    JSON.stringify({ version: 1, files: {}, identifiers: {}, notes: [] }),
  );
  const { index, stats } = await updateIndex(dir);
  assert.equal(stats.scanned, 3);
  assert.deepEqual(index.files["a.py"]!.uses, ["run", "args", "helper"]);
  assert.deepEqual(index.files["b.ts"]!.uses, ["parseThing"]);
  assert.deepEqual(index.files["c.rs"]!.uses, ["main", "compute_total"]);
});

Deno.test("text search: ripgrep and the index's scan agree; forbidden and ignored files left out", async () => {
  const dir = await tempProject({
    ".gitignore": "out/\n",
    "src/cli.py":
      'print("Unknown command: %s" % name)\n\nprint("unknown COMMAND again")\n',
    "tests/test_cli.py": 'assert "unknown command: x" in err\n',
    "examples/demo.py": 'print("unknown command")\n',
    "out/gen.py": 'print("unknown command")\n',
  });
  const { index } = await updateIndex(dir);
  const fast = await searchText(dir, index, "unknown command", {
    forbidden: ["examples/"],
  });
  const scan = await searchText(dir, index, "unknown command", {
    forbidden: ["examples/"],
    noRipgrep: true,
  });
  assert.deepEqual(fast, scan);
  assert.deepEqual(fast.map((h) => `${h.path}:${h.line}`), [
    "src/cli.py:1",
    "src/cli.py:3",
    "tests/test_cli.py:1",
  ]);
  assert.equal(fast[0]!.text, 'print("Unknown command: %s" % name)');
  const limited = await searchText(dir, index, "unknown command", { limit: 1 });
  assert.equal(limited.length, 1);
});
