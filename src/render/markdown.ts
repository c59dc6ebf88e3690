/**
 * Small Markdown helpers for generated files: escaping text and links.
 * @module
 */

/**
 * Escapes text so Markdown shows it as written (backslashes, code ticks,
 * emphasis, brackets, HTML). An `_` inside a word is left alone, as
 * Markdown does not read it as emphasis there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkdown } from "./markdown.ts";
 * assert.equal(escapeMarkdown("a *b* [c] snake_case"), "a \\*b\\* \\[c\\] snake_case");
 * ```
 */
export function escapeMarkdown(text: string): string {
  // Most text (ids, titles, states) has none of the characters escaped: a
  // plain test spares the Unicode-aware replace (a TASKS.md of 1,000
  // tasks asks 3,000 times, cold).
  if (!MARKUP.test(text)) return text;
  return text.replace(
    /[\\`*[\]<>]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu,
    (c) => `\\${c}`,
  );
}

/** Every character {@link escapeMarkdown} may escape. */
const MARKUP = /[\\`*[\]<>_]/;

/**
 * A Markdown link to a relative path: separators made `/`, and characters
 * that would end the link percent-encoded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { markdownLink } from "./markdown.ts";
 * assert.equal(markdownLink("log", ".codex/runs/a b.jsonl"), "[log](.codex/runs/a%20b.jsonl)");
 * ```
 */
export function markdownLink(text: string, path: string): string {
  const url = encodeURI(path.replaceAll("\\", "/")).replace(
    /[()]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `[${escapeMarkdown(text)}](${url})`;
}
