import assert from "node:assert/strict";
import fc from "fast-check";
import type { Diagnostic, Result } from "../../../src/plan/diagnostic.ts";
import {
  MAX_ALIASES,
  MAX_DEPTH,
  parseSource,
} from "../../../src/plan/parse/parse_source.ts";
import { billionLaughs, chainPlan } from "../../_plans.ts";

/** The single diagnostic of a failed parse. */
function failure(result: Result<unknown>): Diagnostic {
  assert.equal(result.ok, false, "expected the parse to fail");
  if (result.ok) throw new Error("unreachable");
  assert.equal(result.diagnostics.length, 1);
  return result.diagnostics[0]!;
}

Deno.test("parseSource: YAML and strict JSON to plain data", async () => {
  assert.deepEqual(await parseSource("version: 1\ntasks: []\n", "p.yml"), {
    ok: true,
    value: { version: 1, tasks: [] },
  });
  assert.deepEqual(await parseSource('{"version": 1}', "p.json"), {
    ok: true,
    value: { version: 1 },
  });
  // YAML 1.2: `yes` is a string, `0x1f` a number.
  const r = await parseSource("a: yes\nb: 0x1f\n", "p.yaml");
  assert.deepEqual(r, { ok: true, value: { a: "yes", b: 31 } });
});

Deno.test("parseSource: an empty or comment-only file is 'empty', in any format", async () => {
  for (
    const [source, file] of [["", "p.yml"], ["\n  \n", "p.json"], [
      "# todo\n\n  # later\n",
      "p.yml",
    ]]
  ) {
    const d = failure(await parseSource(source!, file!));
    assert.match(d.message, /^Plan file is empty/);
    assert.deepEqual([d.line, d.col], [1, 1]);
  }
});

Deno.test("parseSource: YAML syntax errors are located, with the source line", async () => {
  const d = failure(
    await parseSource(
      "version: 1\ntasks:\n  - id: A\n    title: [x\n",
      "p.yml",
    ),
  );
  assert.equal(d.file, "p.yml");
  assert.deepEqual([d.line, d.col], [4, 12]);
  assert.match(
    d.message,
    /^Invalid YAML: the "\[" opened here is never closed/,
  );
  assert.equal(d.sourceLine, "    title: [x");

  const dup = failure(await parseSource("a: 1\nb: 2\na: 3\n", "p.yml"));
  assert.deepEqual([dup.line, dup.col], [3, 1]);
  assert.match(dup.message, /duplicate key "a"/);

  const docs = failure(await parseSource("a: 1\n---\na: 2\n", "p.yml"));
  assert.deepEqual([docs.line, docs.col], [2, 1]);
  assert.match(docs.message, /a second one starts here/);
});

Deno.test("parseSource: JSON is strict (no trailing commas, no comments), errors located", async () => {
  const comma = failure(await parseSource('{\n  "a": [1, 2,]\n}', "p.json"));
  assert.deepEqual([comma.line, comma.col], [2, 13]);
  assert.equal(comma.message, 'Invalid JSON: trailing comma before "]"');

  const comment = failure(await parseSource('{ // no\n "a": 1 }', "p.json"));
  assert.deepEqual([comment.line, comment.col], [1, 3]);
  assert.match(comment.message, /expected a property name in double quotes/);

  const open = failure(await parseSource('{"a": "b', "p.json"));
  assert.deepEqual([open.line, open.col], [1, 7]);
  assert.equal(open.message, "Invalid JSON: string is never closed");

  const after = failure(await parseSource('{"a": 1} x', "p.json"));
  assert.deepEqual([after.line, after.col], [1, 10]);
});

Deno.test("parseSource: a billion-laughs alias bomb is refused with a clear error", async () => {
  const d = failure(await parseSource(billionLaughs(), "bomb.yml"));
  assert.match(d.message, /alias bomb/);
  assert.equal(d.line, 3); // "b:", the first line made of aliases
});

Deno.test(`parseSource: more than ${MAX_ALIASES} aliases are refused`, async () => {
  const uses = Array.from(
    { length: MAX_ALIASES + 1 },
    (_, i) => `  - { id: T${i}, title: *t }`,
  );
  const source = `version: 1\nproject: { name: &t x }\ntasks:\n${
    uses.join("\n")
  }\n`;
  const d = failure(await parseSource(source, "p.yml"));
  assert.match(d.message, new RegExp(`More than ${MAX_ALIASES} aliases`));
});

Deno.test("parseSource: 10,000-deep nesting is refused in YAML flow, YAML block and JSON", async () => {
  const n = 10_000;
  const cases: [string, string][] = [
    ["version: 1\nx: " + "[".repeat(n) + "]".repeat(n) + "\n", "flow.yml"],
    [
      "version: 1\nx: " + "{a: ".repeat(n) + "1" + "}".repeat(n) + "\n",
      "map.yml",
    ],
    ["version: 1\nx:\n" + "- ".repeat(n) + "1\n", "block.yml"],
    ['{"x": ' + "[".repeat(n) + "]".repeat(n) + "}", "deep.json"],
    ['{"x": ' + '{"a": '.repeat(n) + "1" + "}".repeat(n) + "}", "obj.json"],
  ];
  for (const [source, file] of cases) {
    const d = failure(await parseSource(source, file));
    assert.equal(
      d.message,
      `Nesting deeper than ${MAX_DEPTH} levels: no plan is this deep; refusing it`,
      file,
    );
    assert.ok(d.line !== undefined && d.col !== undefined, file);
  }
});

Deno.test("parseSource: nesting up to the limit is fine", async () => {
  const ok = await parseSource(
    "x: " + "[".repeat(MAX_DEPTH - 1) + "]".repeat(MAX_DEPTH - 1),
    "p.yml",
  );
  assert.equal(ok.ok, true);
});

Deno.test("parseSource: a 10 MB plan (YAML and JSON) parses", async () => {
  for (const json of [false, true]) {
    const source = chainPlan(30_000, { json });
    assert.ok(source.length > 10_000_000, `${source.length} bytes`);
    const r = await parseSource(source, json ? "big.json" : "big.yml");
    assert.ok(r.ok);
    assert.equal((r.value as { tasks: unknown[] }).tasks.length, 30_000);
  }
});

Deno.test("parseSource: a 10 MB scalar parses; a syntax error after it is still located", async () => {
  const huge = "x".repeat(10_000_000);
  const r = await parseSource(
    `version: 1\nproject:\n  name: ${huge}\n`,
    "p.yml",
  );
  assert.ok(r.ok);
  const d = failure(await parseSource(`name: ${huge}\n  bad: [\n`, "p.yml"));
  assert.equal(d.line, 2);
});

Deno.test("parseSource: never throws, whatever the text (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.constantFrom("p.yml", "p.json"),
      async (text, file) => {
        const r = await parseSource(text, file);
        if (!r.ok) {
          for (const d of r.diagnostics) {
            assert.ok(d.line! >= 1 && d.col! >= 1, JSON.stringify(d));
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("parseSource: YAML-ish fragments never throw either (property)", async () => {
  const token = fc.constantFrom(
    "a:",
    " ",
    "\n",
    "  ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    '"',
    "'",
    "&x ",
    "*x",
    "#",
    "---",
    "? ",
    "|",
    ">",
    "\t",
    "1",
    "true",
    "~",
    ":",
  );
  await fc.assert(
    fc.asyncProperty(fc.array(token, { maxLength: 60 }), async (tokens) => {
      await parseSource(tokens.join(""), "p.yml");
    }),
    { numRuns: 300 },
  );
});
