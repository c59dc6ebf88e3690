/**
 * The code of a source file with comments removed and the insides of
 * strings blanked, line for line: what the symbol scanner reads, so a
 * `class X` inside a comment, a docstring or a template literal is not
 * taken for a declaration.
 * @module
 */

/** How one language writes comments and strings. */
export interface Lexis {
  /** Starts a comment to the end of the line: `//` or `#`. */
  line: string;
  /** Block comments (`/* *\/`), or none. */
  block: boolean;
  /** Whether block comments nest (Rust). */
  nested: boolean;
  /** Quotes whose strings may span lines (template literals, Go raw strings). */
  multiline: string;
  /** Those of them without escapes (Go's backquoted strings). */
  raw: string;
  /** Python's `"""` and `'''`. */
  triple: boolean;
  /** JavaScript's regular expression literals (`/\{/`), blanked like strings. */
  regex: boolean;
  /** Rust's `r#"..."#` raw strings and `'a'` chars beside `'a` lifetimes. */
  rust: boolean;
}

/**
 * Lines of `text` with comments removed and string contents replaced by
 * spaces (the quotes stay, so `x = ""` still reads as an assignment).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeLines } from "./code_lines.ts";
 * const ts = { line: "//", block: true, nested: false, multiline: "`", raw: "", regex: true, triple: false, rust: false };
 * const text = 'a = "x{"; // class B\n/' + "* class C *" + "/ d";
 * assert.deepEqual(codeLines(text, ts), ['a = "  "; ', " d"]);
 * ```
 */
export function codeLines(text: string, lexis: Lexis): string[] {
  const out: string[] = [];
  let line = "";
  let i = 0;
  const n = text.length;
  // Open construct carried across lines.
  let depth = 0; // block comment nesting
  let quote = ""; // open multi-line string's closing delimiter
  let raw = false; // backslashes in it are plain characters
  const special = specialChars(lexis);
  const flush = () => {
    out.push(line);
    line = "";
  };
  while (i < n) {
    if (depth === 0 && quote === "") {
      // Copy plain code up to the next character that may start something.
      special.lastIndex = i;
      const next = special.exec(text)?.index ?? n;
      line += text.slice(i, next);
      i = next;
      if (i >= n) break;
    }
    const c = text[i]!;
    if (c === "\n") {
      flush();
      i++;
      continue;
    }
    if (c === "\r") {
      i++;
      continue;
    }
    if (depth > 0) {
      if (lexis.nested && text.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (text.startsWith("*/", i)) {
        depth--;
        i += 2;
      } else i++;
      continue;
    }
    if (quote !== "") {
      if (c === "\\" && !raw) {
        line += text[i + 1] === "\n" ? " " : "  ";
        i += text[i + 1] === "\n" ? 1 : 2;
        continue;
      }
      if (text.startsWith(quote, i)) {
        line += quote;
        i += quote.length;
        quote = "";
      } else {
        line += " ";
        i++;
      }
      continue;
    }
    if (text.startsWith(lexis.line, i)) {
      const end = text.indexOf("\n", i);
      i = end < 0 ? n : end;
      continue;
    }
    if (lexis.block && text.startsWith("/*", i)) {
      depth = 1;
      i += 2;
      continue;
    }
    if (
      lexis.triple && (text.startsWith('"""', i) || text.startsWith("'''", i))
    ) {
      quote = text.slice(i, i + 3);
      raw = false;
      line += quote;
      i += 3;
      continue;
    }
    if (lexis.rust && c === "r" && /^r#*"/.test(text.slice(i, i + 8))) {
      const hashes = /^r(#*)"/.exec(text.slice(i, i + 260))?.[1] ?? "";
      quote = `"${hashes}`;
      raw = true;
      line += `r${hashes}"`;
      i += 2 + hashes.length;
      continue;
    }
    if (lexis.rust && c === "'") {
      // A char literal ('a', '\n', '\u{1F600}'); otherwise a lifetime.
      const char = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'/
        .exec(text.slice(i, i + 12));
      if (char) {
        line += "' '";
        i += char[0].length;
      } else {
        line += c;
        i++;
      }
      continue;
    }
    if (lexis.regex && c === "/" && regexMayStart(line)) {
      const end = regexEnd(text, i);
      if (end > 0) {
        line += "/" + " ".repeat(end - i - 2) + "/";
        i = end;
        continue;
      }
    }
    if (lexis.multiline.includes(c)) {
      quote = c;
      raw = lexis.raw.includes(c);
      line += c;
      i++;
      continue;
    }
    if (c === '"' || (c === "'" && !lexis.rust)) {
      // A one-line string: blank it to its end or to the end of the line.
      line += c;
      i++;
      while (i < n && text[i] !== c && text[i] !== "\n") {
        if (text[i] === "\\" && text[i + 1] !== "\n") {
          line += " ";
          i++;
        }
        line += " ";
        i++;
      }
      if (text[i] === c) {
        line += c;
        i++;
      }
      continue;
    }
    line += c;
    i++;
  }
  out.push(line);
  return out;
}

const BEFORE_REGEX =
  /(?:^|[(,=:[!&|?{};+\-*%<>~^]|\b(?:return|typeof|case|in|of|yield|await|void|delete|throw|new|else|do))\s*$/;

/** Whether a `/` after `line` starts a regular expression rather than dividing. */
function regexMayStart(line: string): boolean {
  return BEFORE_REGEX.test(line);
}

/** Index just past the closing `/` of the regex literal at `start`, or -1 when it does not close on its line. */
function regexEnd(text: string, start: number): number {
  let inClass = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") return -1;
    if (c === "\\") i++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) return i + 1;
  }
  return -1;
}

const _SPECIAL = new WeakMap<Lexis, RegExp>();

/** The characters at which something other than plain code may start. */
function specialChars(lexis: Lexis): RegExp {
  let re = _SPECIAL.get(lexis);
  if (!re) {
    const chars = new Set([
      "\n",
      "\r",
      '"',
      "'",
      ...lexis.multiline,
      lexis.line[0]!,
    ]);
    if (lexis.block || lexis.regex) chars.add("/");
    if (lexis.rust) chars.add("r");
    const escaped = [...chars].map((c) => c.replace(/[\\\]^-]/g, "\\$&")).join(
      "",
    );
    re = new RegExp(`[${escaped}]`, "g");
    _SPECIAL.set(lexis, re);
  }
  return re;
}
