import assert from "node:assert/strict";
import { OutputError, OutputFile } from "../../src/exec/output_file.ts";
import { tempDir } from "../_cli.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

/** Writes `chunks` in order, awaiting each (as the runner does). */
async function writeAll(out: OutputFile, chunks: Uint8Array[]) {
  for (const c of chunks) assert.equal(await out.write(c), true);
}

Deno.test("OutputFile: no byte, no file", async () => {
  const path = `${await tempDir()}/out.log`;
  const out = new OutputFile(path);
  assert.deepEqual(await out.close(), { outputBytes: 0, droppedBytes: 0 });
  assert.equal(out.used, false);
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
});

Deno.test("OutputFile: under the cap, the output as it came", async () => {
  const path = `${await tempDir()}/out.log`;
  const out = new OutputFile(path, 10);
  await writeAll(out, [bytes("abc"), bytes("defghij")]);
  assert.deepEqual(await out.close(), { outputBytes: 10, droppedBytes: 0 });
  assert.equal(await Deno.readTextFile(path), "abcdefghij");
});

Deno.test("OutputFile: past the cap, a note of the dropped bytes then exactly the last `cap` bytes, for any chunking", async () => {
  const dir = await tempDir();
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let round = 0; round < 200; round++) {
    const cap = 1 + Math.floor(random() * 50);
    const total = cap + 1 + Math.floor(random() * 200);
    const text = Array.from(
      { length: total },
      (_, i) => String.fromCharCode(97 + (i * 7 + round) % 26),
    ).join("");
    const path = `${dir}/out-${round}.log`;
    const out = new OutputFile(path, cap);
    for (let at = 0; at < total;) {
      const n = Math.min(total - at, 1 + Math.floor(random() * cap * 2.5));
      assert.equal(await out.write(bytes(text.slice(at, at + n))), true);
      at += n;
    }
    assert.deepEqual(await out.close(), {
      outputBytes: total,
      droppedBytes: total - cap,
    });
    const kept = await Deno.readTextFile(path);
    assert.equal(
      kept,
      `[orchestrate: output cut: the first ${
        total - cap
      } bytes were dropped, the last ${cap} follow]\n${text.slice(-cap)}`,
      `cap ${cap}, total ${total}`,
    );
  }
});

Deno.test("OutputFile: a full disk is an OutputError, never a rejection of write or close", async () => {
  // /dev/full (ENOSPC on every write) needs --allow-all: `deno eval` has it.
  const module = new URL("../../src/exec/output_file.ts", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { OutputError, OutputFile } from "${module}";
      const out = new OutputFile("/dev/full");
      const first = await out.write(new TextEncoder().encode("hello\\n"));
      const second = await out.write(new TextEncoder().encode("more\\n"));
      const totals = await out.close();
      console.log(JSON.stringify({ first, second, totals,
        typed: out.error instanceof OutputError, message: out.error?.message }));`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(r.first, false);
  assert.equal(r.second, false);
  assert.equal(r.typed, true);
  assert.deepEqual(r.totals, { outputBytes: 6, droppedBytes: 0 });
  assert.match(
    r.message,
    /Cannot write command output to \/dev\/full: .*space/i,
  );
});

Deno.test("OutputFile: a missing directory is an OutputError", async () => {
  const out = new OutputFile(`${await tempDir()}/no/such/out.log`);
  assert.equal(await out.write(bytes("x")), false);
  assert.ok(out.error instanceof OutputError);
  await out.close();
});
