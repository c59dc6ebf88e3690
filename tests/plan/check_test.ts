import assert from "node:assert/strict";
import {
  type Check,
  CHECK_PREFIXES,
  checkLabel,
  describeCheck,
  parseCheck,
  regexProblem,
} from "../../src/plan/check.ts";

function parsed(text: string): Check {
  const r = parseCheck(text);
  assert.ok(r.ok, r.ok ? "" : r.message);
  return r.check;
}

function problem(text: string): string {
  const r = parseCheck(text);
  assert.ok(!r.ok, `"${text}" should not parse`);
  return r.message;
}

/** Acceptance strings and the checks they parse to. */
const GRAMMAR: [string, Check][] = [
  ["Tests pass: cargo test --all", {
    kind: "tests_pass",
    command: "cargo test --all",
  }],
  ["Command: test -d dist", { kind: "command", command: "test -d dist" }],
  ["File exists: src/**/*.rs", { kind: "file_exists", path: "src/**/*.rs" }],
  ["Contains: enum AppError", { kind: "contains", text: "enum AppError" }],
  ["Not contains: TODO", { kind: "not_contains", text: "TODO" }],
  ["Matches: /fn \\w+\\(/i", {
    kind: "matches",
    pattern: "fn \\w+\\(",
    flags: "i",
  }],
  ["Manual: UI reviewed by design", {
    kind: "manual",
    text: "UI reviewed by design",
  }],
  // Only the first colon separates; the argument keeps the rest, trimmed.
  [
    "Contains: impl std::error::Error for AppError",
    { kind: "contains", text: "impl std::error::Error for AppError" },
  ],
  ["  Tests pass:   make test  ", { kind: "tests_pass", command: "make test" }],
  // `in <file>` names the file for Contains, Not contains and Matches.
  [
    "Contains in src/lib.rs: mod error;",
    { kind: "contains", text: "mod error;", file: "src/lib.rs" },
  ],
  [
    "Not contains in docs/a.md: TODO",
    { kind: "not_contains", text: "TODO", file: "docs/a.md" },
  ],
  ["Matches in a.txt: /x+/", { kind: "matches", pattern: "x+", file: "a.txt" }],
  // Without slashes, the argument is the pattern itself.
  ["Matches: a|b", { kind: "matches", pattern: "a|b" }],
];

Deno.test("parseCheck: the grammar, prefix by prefix", () => {
  for (const [text, check] of GRAMMAR) {
    assert.deepEqual(parsed(text), check, text);
  }
  assert.equal(Object.keys(CHECK_PREFIXES).length, 7);
});

Deno.test("parseCheck: only Contains, Not contains and Matches take `in <file>`", () => {
  assert.match(problem("Tests pass in x: y"), /Unknown acceptance check kind/);
});

Deno.test("parseCheck: unknown kinds get a suggestion, or the list", () => {
  assert.equal(
    problem("Test pass: x"),
    'Unknown acceptance check kind "Test pass": did you mean "Tests pass:"?',
  );
  assert.equal(
    problem("contains: x"),
    'Unknown acceptance check kind "contains": did you mean "Contains:"?',
  );
  assert.match(problem("Lint clean: x"), /known kinds: Tests pass, Command/);
});

Deno.test("parseCheck: missing colon, empty argument, bad regex", () => {
  assert.match(problem("cargo test"), /expected "<Kind>: <argument>"/);
  assert.equal(
    problem("Manual:"),
    'Acceptance check "Manual:" needs an argument',
  );
  assert.equal(
    problem("Matches: /(/"),
    "Invalid regular expression /(/: Unterminated group",
  );
  assert.match(problem("Matches: /a/z"), /flags "z"/);
});

Deno.test("regexProblem: undefined for valid expressions", () => {
  assert.equal(regexProblem("^a+$", "gimsuy"), undefined);
  assert.equal(
    regexProblem("a: (", ""),
    "Invalid regular expression /a: (/: Unterminated group",
  );
  assert.match(regexProblem("a", "gg")!, /Invalid flags/);
});

Deno.test("describeCheck: round-trips through parseCheck", () => {
  for (
    const text of [
      "Tests pass: cargo test",
      "Command: make",
      "File exists: a/b.txt",
      "Contains: x y",
      "Contains in a.rs: fn",
      "Not contains: TODO",
      "Not contains in b.md: FIXME",
      "Matches: /a+b/i",
      "Matches in c.txt: /^v\\d+$/m",
      "Manual: looks good",
    ]
  ) {
    const check = parsed(text);
    assert.equal(describeCheck(check), text);
    assert.deepEqual(parsed(describeCheck(check)), check);
  }
});

Deno.test("checkLabel: the prefix of each kind", () => {
  for (const [label, kind] of Object.entries(CHECK_PREFIXES)) {
    const check = parsed(`${label}: x`);
    assert.equal(check.kind, kind);
    assert.equal(checkLabel(check), label);
  }
});
