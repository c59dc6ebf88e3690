import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FileTooLarge,
  mebibytes,
  NotARegularFile,
  readRegularText,
  refuseSpecialFile,
  refuseSpecialFileSync,
} from "../../src/fs/regular_file.ts";
import { mkfifo, tempDir } from "../_cli.ts";

Deno.test("readRegularText: a FIFO is refused without being opened (no writer ever comes)", async () => {
  const dir = await tempDir();
  const fifo = join(dir, "package.json");
  await mkfifo(fifo);
  await assert.rejects(readRegularText(fifo, 1024), NotARegularFile);
  await assert.rejects(refuseSpecialFile(fifo), NotARegularFile);
  assert.throws(() => refuseSpecialFileSync(fifo), NotARegularFile);
  // An I/O fault for the CLI (exit 74), not a bug.
  assert.ok(new NotARegularFile(fifo) instanceof Deno.errors.InvalidData);
});

Deno.test("readRegularText: a file over the limit is refused by its size, one at the limit is read whole", async () => {
  const dir = await tempDir();
  const file = join(dir, "big");
  await Deno.writeTextFile(file, "\uFEFFab\u00e9"); // BOM + 4 bytes
  assert.equal(await readRegularText(file, 7), "\uFEFFab\u00e9");
  try {
    await readRegularText(file, 6);
    assert.fail("read past the limit");
  } catch (error) {
    assert.ok(error instanceof FileTooLarge);
    assert.equal(error.size, 7);
    assert.equal(error.maxBytes, 6);
    assert.match(error.message, /is 1 KiB, over the limit of 1 KiB/);
  }
});

Deno.test("readRegularText: missing files and folders fail as Deno says, for the caller to word", async () => {
  const dir = await tempDir();
  await assert.rejects(
    readRegularText(join(dir, "absent"), 10),
    Deno.errors.NotFound,
  );
  await assert.rejects(readRegularText(dir, 10), Deno.errors.IsADirectory);
});

Deno.test("mebibytes: sizes as the limits state them", () => {
  assert.equal(mebibytes(64 * 1024 * 1024), "64 MiB");
  assert.equal(mebibytes(65 * 1024 * 1024 + 100), "65.1 MiB");
  assert.equal(mebibytes(1.5 * 1024 * 1024), "1.5 MiB");
  assert.equal(mebibytes(10), "1 KiB");
});
