import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import {
  equalInConstantTime,
  hmacSha256Hex,
  sha256Hex,
} from "../../src/text/sha256.ts";

const native = (data: string | Uint8Array) =>
  createHash("sha256").update(data).digest("hex");

Deno.test("sha256Hex: the digests node:crypto gives, at every padding boundary and for Unicode", () => {
  for (let n = 0; n <= 200; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 131 + n) & 0xff);
    assert.equal(sha256Hex(bytes), native(bytes), `${n} bytes`);
  }
  for (const text of ["", "abc", "é€𝄞\u0000", "x".repeat(100_000)]) {
    assert.equal(sha256Hex(text), native(text));
  }
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 600 }), (text) => {
      assert.equal(sha256Hex(text), native(text));
    }),
  );
});

Deno.test("hmacSha256Hex: node:crypto's HMAC for short, block-sized and long keys", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      (key, text) => {
        assert.equal(
          hmacSha256Hex(key, text),
          createHmac("sha256", key).update(text).digest("hex"),
        );
      },
    ),
  );
  const block = new Uint8Array(64).fill(7);
  assert.equal(
    hmacSha256Hex(block, "m"),
    createHmac("sha256", block).update("m").digest("hex"),
  );
});

Deno.test("equalInConstantTime: equal only for the same bytes and length", () => {
  const a = new Uint8Array([1, 2, 3]);
  assert.equal(equalInConstantTime(a, new Uint8Array([1, 2, 3])), true);
  assert.equal(equalInConstantTime(a, new Uint8Array([1, 2, 4])), false);
  assert.equal(equalInConstantTime(a, new Uint8Array([1, 2])), false);
});
