import assert from "node:assert/strict";
import { parseJsonc } from "../../src/text/jsonc.ts";

Deno.test("parseJsonc: comments and trailing commas go; strings keep //, /* and ,] as text", () => {
  const text = `{
    /* block
       comment */ "a": "x // y /* z */ ,]", // line
    "b": [1, 2,],
    "c": "quote \\" inside",
  }`;
  assert.deepEqual(parseJsonc(text), {
    a: "x // y /* z */ ,]",
    b: [1, 2],
    c: 'quote " inside',
  });
});

Deno.test("parseJsonc: broken JSON is a SyntaxError", () => {
  assert.throws(() => parseJsonc("{ broken"), SyntaxError);
});
