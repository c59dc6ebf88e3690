/**
 * Better words and places for YAML syntax errors, from `npm:yaml` (whose
 * messages name the construct) plus a look back for the unclosed bracket or
 * quote that a parser only notices lines later. Error path only.
 * @module
 */

import { parseDocument } from "yaml";

/** A located YAML syntax error. */
export interface YamlSyntaxError {
  /** Character offset of the problem. */
  offset: number;
  /** What is wrong there, without the "Invalid YAML" prefix. */
  message: string;
}

const CLOSERS: Record<string, string> = { "[": "]", "{": "}" };

/**
 * The first syntax error `npm:yaml` finds in `source`, described for people,
 * or `undefined` when it finds none (or cannot parse it at all).
 *
 * @example
 * ```ts
 * import { yamlSyntaxError } from "./yaml_syntax.ts";
 * yamlSyntaxError("a: 1\na: 2\n");
 * // { offset: 5, message: 'duplicate key "a": keys of a mapping must be unique' }
 * ```
 */
export function yamlSyntaxError(source: string): YamlSyntaxError | undefined {
  let errors;
  try {
    errors = parseDocument(source, { uniqueKeys: true, prettyErrors: false })
      .errors;
  } catch {
    return undefined;
  }
  const error = errors[0];
  if (!error) return undefined;
  const [start, end] = error.pos;
  const message = error.message.split("\n")[0]!.replace(
    /\s*at line \d+.*$/,
    "",
  );
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const key = /^("[^"\n]*"|'[^'\n]*'|[^\n]*?)\s*:(\s|$)/.exec(
        source.slice(start),
      )?.[1] ?? source.slice(start, end);
      return {
        offset: start,
        message: `duplicate key ${
          /^["']/.test(key) ? key : `"${key}"`
        }: keys of a mapping must be unique`,
      };
    }
    case "MULTIPLE_DOCS":
      return {
        offset: start,
        message:
          'a plan is one YAML document, but a second one starts here ("---")',
      };
    case "TAB_AS_INDENT":
      return {
        offset: start,
        message: "tabs are not allowed as indentation; use spaces",
      };
    case "MISSING_CHAR": {
      const quote = /closing (["'])/.exec(message)?.[1];
      if (!quote) return undefined; // js-yaml says it better ("bad indentation")
      const open = unclosed(source, start, quote);
      return open === undefined ? { offset: start, message: lower(message) } : {
        offset: open,
        message: `the quote ${quote} opened here is never closed`,
      };
    }
    case "BLOCK_AS_IMPLICIT_KEY":
      return {
        offset: start,
        message:
          'a value containing ": " must be quoted (or this is a mapping inside a one-line value)',
      };
    case "BAD_INDENT": {
      const bracket = /^Flow (sequence|map)/.exec(message)
        ? (message.includes("sequence") ? "[" : "{")
        : undefined;
      const open = bracket ? unclosed(source, start, bracket) : undefined;
      if (open !== undefined) {
        return {
          offset: open,
          message: `the "${bracket}" opened here is never closed with "${
            CLOSERS[bracket!]
          }" (or a following line is not indented enough)`,
        };
      }
      return { offset: start, message: lower(message) };
    }
    default:
      return { offset: start, message: lower(message) };
  }
}

/**
 * Offset of the quote or flow bracket `open` that is still open at `before`:
 * a small scan that knows comments, quoting and where a value may start
 * (so `echo [ x` in a plain scalar is not a bracket).
 */
function unclosed(
  source: string,
  before: number,
  open: string,
): number | undefined {
  const flows: { c: string; at: number }[] = [];
  let quote: { c: string; at: number } | undefined;
  for (let i = 0; i < before; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === "\\" && quote.c === '"') i++;
      else if (c === quote.c) {
        if (c === "'" && source[i + 1] === "'") i++;
        else quote = undefined;
      }
    } else if (c === "#" && /\s/.test(source[i - 1] ?? "\n")) {
      const end = source.indexOf("\n", i);
      i = end < 0 ? source.length : end;
    } else if ((c === "]" || c === "}") && flows.length > 0) flows.pop();
    else if (valueStartsAt(source, i)) {
      if (c === '"' || c === "'") quote = { c, at: i };
      else if (c === "[" || c === "{") flows.push({ c, at: i });
    }
  }
  if (open === '"' || open === "'") {
    return quote?.c === open ? quote.at : undefined;
  }
  return flows.findLast((f) => f.c === open)?.at;
}

/** Whether a YAML value may start at `i` (line start, after `: `, `- `, `[`, `{` or `,`). */
function valueStartsAt(source: string, i: number): boolean {
  let j = i - 1;
  while (source[j] === " " || source[j] === "\t") j--;
  const p = source[j];
  if (p === undefined || p === "\n" || p === "\r") return true;
  if (p === "[" || p === "{" || p === ",") return true;
  const spaced = j < i - 1;
  if (p === ":" || p === "?") return spaced;
  return p === "-" && spaced && /\s/.test(source[j - 1] ?? "\n");
}

/** The parser's token names, as people write them. */
const TOKENS: Record<string, string> = {
  "block-seq-ind": '"- " (a list item)',
  "explicit-key-ind": '"?"',
  "map-value-ind": '":"',
  "flow-map-end": '"}"',
  "flow-seq-end": '"]"',
  "flow-error-end": "end of flow collection",
  "comma": '","',
  "doc-start": '"---"',
};

function lower(message: string): string {
  const text = message.replace(
    /\b[a-z]+(-[a-z]+)+\b|\bcomma\b/g,
    (t) => TOKENS[t] ?? t,
  ).replace(/ token in YAML stream: .*$/, "");
  return text.charAt(0).toLowerCase() + text.slice(1);
}
