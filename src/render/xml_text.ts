/**
 * Plan and log text for SVG and HTML: control characters made visible
 * (`safeText`), then the five XML specials written as entities, so no
 * title can open a tag, end an attribute or start a CDATA end.
 * @module
 */

import { safeText } from "../text/safe_text.ts";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Text for element content or a quoted attribute of SVG or HTML.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { xmlText } from "./xml_text.ts";
 * assert.equal(xmlText(`<script>"x" & 'y'`), "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;");
 * assert.equal(xmlText("a\nb"), "a\\nb");
 * ```
 */
export function xmlText(text: string): string {
  return safeText(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Cuts text to at most `max` characters (code points), ending with `…`
 * when cut; the result still needs {@link xmlText}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clip } from "./xml_text.ts";
 * assert.equal(clip("abcdef", 4), "abc…");
 * assert.equal(clip("abc", 4), "abc");
 * ```
 */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join("") + "…";
}
