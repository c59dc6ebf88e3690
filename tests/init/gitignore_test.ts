import assert from "node:assert/strict";
import { join } from "node:path";
import {
  IGNORED_LINES,
  ignoreRunFiles,
  MARK,
} from "../../src/init/gitignore.ts";

async function withGitignore(
  text: string | null,
  test: (dir: string, read: () => string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const path = join(dir, ".gitignore");
  if (text !== null) await Deno.writeTextFile(path, text);
  try {
    await test(dir, () => Deno.readTextFileSync(path));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ignoreRunFiles: creates .gitignore with the marked block", async () => {
  await withGitignore(null, async (dir, read) => {
    assert.equal(await ignoreRunFiles(dir), "created");
    assert.equal(read(), [MARK, ...IGNORED_LINES].join("\n") + "\n");
  });
});

Deno.test("ignoreRunFiles: appends only the lines not there yet (CRLF files too), once", async () => {
  await withGitignore("dist/\r\n.codex/lock\r\n", async (dir, read) => {
    assert.equal(await ignoreRunFiles(dir), "appended");
    const text = read();
    assert.equal(
      text,
      ["dist/", ".codex/lock", "", MARK, ...IGNORED_LINES].filter((l, i) =>
        i < 4 || l !== ".codex/lock"
      ).join("\r\n") + "\r\n",
    );
    assert.equal(await ignoreRunFiles(dir), "unchanged");
    assert.equal(read(), text);
  });
});

Deno.test("ignoreRunFiles: a .gitignore that already has every line is left alone", async () => {
  const all = IGNORED_LINES.join("\n") + "\n";
  await withGitignore(all, async (dir, read) => {
    assert.equal(await ignoreRunFiles(dir), "unchanged");
    assert.equal(read(), all);
  });
});
