import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeMarkdown } from "../../src/render/markdown.ts";

/** The escape as a single replace, without the shortcut for plain text. */
const reference = (text: string) =>
  text.replace(
    /[\\`*[\]<>]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu,
    (c) => `\\${c}`,
  );

Deno.test("escapeMarkdown: text without markup comes back as it is; any text as the full replace gives it", () => {
  const char = fc.constantFrom(
    ..."ab Z09_-.*`[]<>\\é✓\u{1f600}\n".split(/(?:)/u),
  );
  fc.assert(
    fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
      const text = chars.join("");
      assert.equal(escapeMarkdown(text), reference(text));
    }),
    { numRuns: 2000 },
  );
  assert.equal(escapeMarkdown("t0001 — up to date"), "t0001 — up to date");
  assert.equal(escapeMarkdown("snake_case _x_"), "snake_case \\_x\\_");
});
