/**
 * A small scanner over TypeScript source: finds the bracket that closes an
 * opening one while skipping strings, template literals and comments. Enough
 * to delimit a call's arguments or a block without a full parser (regular
 * expression literals holding an unbalanced bracket can fool it).
 * @module
 */

const CLOSE: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/**
 * The index of the bracket closing the one at `open`, or -1.
 *
 * @example
 * ```ts
 * import { closingBracket } from "./ts_scan.ts";
 * closingBracket('f({ a: "}" }) + 1', 1); // 12
 * ```
 */
export function closingBracket(source: string, open: number): number {
  const stack: string[] = [];
  let i = open;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '"' || c === "'") {
      i = stringEnd(source, i, c);
    } else if (c === "`") {
      i = templateEnd(source, i);
    } else if (c === "/" && source[i + 1] === "/") {
      const end = source.indexOf("\n", i);
      i = end < 0 ? source.length : end;
    } else if (c === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      i = end < 0 ? source.length : end + 1;
    } else if (c in CLOSE) {
      stack.push(CLOSE[c]!);
    } else if (c === ")" || c === "]" || c === "}") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
    i++;
  }
  return -1;
}

/** The index of the quote closing the string that starts at `from`. */
function stringEnd(source: string, from: number, quote: string): number {
  for (let i = from + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === quote || source[i] === "\n") return i;
  }
  return source.length;
}

/** The index of the backquote closing the template that starts at `from`. */
function templateEnd(source: string, from: number): number {
  for (let i = from + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "`") return i;
    else if (source[i] === "$" && source[i + 1] === "{") {
      const end = closingBracket(source, i + 1);
      if (end < 0) return source.length;
      i = end;
    }
  }
  return source.length;
}

/**
 * `source` with comments and the text of strings and templates blanked
 * (same length, same lines; a template's `${}` expressions stay), so a
 * pattern search finds only code.
 *
 * @example
 * ```ts
 * import { codeOnly } from "./ts_scan.ts";
 * codeOnly('a("x") // b'); // 'a("_")     '
 * ```
 */
export function codeOnly(source: string): string {
  let out = "";
  let i = 0;
  const blank = (text: string) => text.replace(/[^\n]/g, " ");
  while (i < source.length) {
    const c = source[i]!;
    let end = -1;
    if (c === "`") {
      const template = templateCode(source, i);
      out += template.code;
      i = template.end + 1;
      continue;
    }
    if (c === '"' || c === "'") end = stringEnd(source, i, c);
    if (end >= 0) {
      const body = source.slice(i + 1, end);
      out += c + body.replace(/[^\n]/g, "_") + (source[end] ?? "");
      i = end + 1;
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      end = source.indexOf("\n", i);
      if (end < 0) end = source.length;
      out += blank(source.slice(i, end));
      i = end;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      end = source.indexOf("*/", i + 2);
      end = end < 0 ? source.length : end + 2;
      out += blank(source.slice(i, end));
      i = end;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** A template literal with its text blanked and its `${}` expressions kept as code. */
function templateCode(
  source: string,
  from: number,
): { code: string; end: number } {
  let code = "`";
  for (let i = from + 1; i < source.length; i++) {
    const c = source[i]!;
    if (c === "`") return { code: code + c, end: i };
    if (c === "$" && source[i + 1] === "{") {
      const close = closingBracket(source, i + 1);
      if (close < 0) break;
      code += "${" + codeOnly(source.slice(i + 2, close)) + "}";
      i = close;
      continue;
    }
    if (c === "\\") {
      code += source[i + 1] === "\n" ? "_\n" : "__";
      i++;
      continue;
    }
    code += c === "\n" ? c : "_";
  }
  return {
    code: code + source.slice(from + code.length).replace(/[^\n]/g, "_"),
    end: source.length,
  };
}

/**
 * `text` with the characters a regular expression treats specially escaped.
 *
 * @example
 * ```ts
 * import { escapeRegExp } from "./ts_scan.ts";
 * new RegExp(escapeRegExp("a.b")).test("axb"); // false
 * ```
 */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
