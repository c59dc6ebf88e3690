/**
 * Symbols of a source file (functions, classes, types, interfaces,
 * structs, enums, traits, impls, consts, methods) with their line numbers,
 * read by a line scanner over the file's code (comments and string
 * contents removed by {@link codeLines}). Why a scanner and not tree-sitter:
 * see the README ("Index"); measured 100x cheaper per file and no grammar
 * to load or embed, with the same declarations found on this repository.
 * @module
 */

import { codeLines, type Lexis } from "./code_lines.ts";

/** What a symbol declares. */
export type SymbolKind =
  | "function"
  | "method"
  | "class"
  | "interface"
  | "type"
  | "struct"
  | "enum"
  | "trait"
  | "impl"
  | "const"
  | "module"
  | "macro";

/** One declaration in a file. */
export interface IndexSymbol {
  name: string;
  kind: SymbolKind;
  /** 1-based line of the declaration. */
  line: number;
  /** The class, impl, trait or type a method belongs to. */
  container?: string;
}

/** Symbols kept per file at most: a generated file must not bloat the index. */
export const MAX_SYMBOLS_PER_FILE = 2000;

const C_LIKE: Lexis = {
  line: "//",
  block: true,
  nested: false,
  multiline: "`",
  raw: "",
  regex: true,
  triple: false,
  rust: false,
};

const LEXIS: Record<string, Lexis> = {
  __proto__: null as unknown as Lexis,
  typescript: C_LIKE,
  javascript: C_LIKE,
  go: { ...C_LIKE, raw: "`", regex: false },
  rust: { ...C_LIKE, nested: true, multiline: '"', regex: false, rust: true },
  python: {
    ...C_LIKE,
    line: "#",
    block: false,
    multiline: "",
    regex: false,
    triple: true,
  },
};

type Scanner = (lines: string[], out: Emit) => void;
type Emit = (symbol: IndexSymbol) => void;

const SCANNERS: Record<string, Scanner> = {
  __proto__: null as unknown as Scanner,
  typescript: scanJs,
  javascript: scanJs,
  rust: scanRust,
  python: scanPython,
  go: scanGo,
};

/**
 * Whether the index reads symbols from files of this language.
 *
 * @example
 * ```ts
 * import { hasScanner } from "./symbols.ts";
 * hasScanner("rust"); // true
 * hasScanner("markdown"); // false
 * ```
 */
export function hasScanner(language: string): boolean {
  return language in SCANNERS;
}

/**
 * The symbols declared in `text`, a file of `language`, in line order;
 * `[]` for a language without a scanner.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanSymbols } from "./symbols.ts";
 * const rust = "pub enum AppError { Io }\nimpl Display for AppError {\n    fn fmt(&self) {}\n}\n";
 * assert.deepEqual(scanSymbols("rust", rust), [
 *   { name: "AppError", kind: "enum", line: 1 },
 *   { name: "AppError", kind: "impl", line: 2, container: "Display" },
 *   { name: "fmt", kind: "method", line: 3, container: "AppError" },
 * ]);
 * ```
 */
export function scanSymbols(language: string, text: string): IndexSymbol[] {
  return scanFile(language, text).symbols;
}

/** Names used per file at most (a generated file must not bloat the index). */
export const MAX_USES_PER_FILE = 1000;

/**
 * The symbols declared in `text` and the names its code uses (identifiers
 * of three or more characters outside comments and strings, keywords left
 * out, in order of first use): what callers and tests are found by.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanFile } from "./symbols.ts";
 * const py = "def run(args):\n    # wrap_text is not called here\n    return helper(args)\n";
 * const { symbols, uses } = scanFile("python", py);
 * assert.deepEqual(symbols.map((s) => s.name), ["run"]);
 * assert.deepEqual(uses, ["run", "args", "helper"]);
 * ```
 */
export function scanFile(
  language: string,
  text: string,
): { symbols: IndexSymbol[]; uses: string[] } {
  const scan = SCANNERS[language];
  const lexis = LEXIS[language];
  if (!scan || !lexis) return { symbols: [], uses: [] };
  const found: IndexSymbol[] = [];
  const lines = codeLines(text, lexis);
  scan(lines, (symbol) => {
    if (found.length < MAX_SYMBOLS_PER_FILE) found.push(symbol);
  });
  const uses = new Set<string>();
  for (const line of lines) {
    for (const word of line.match(USE_WORD) ?? []) {
      if (!KEYWORDS.has(word)) uses.add(word);
    }
    if (uses.size >= MAX_USES_PER_FILE) break;
  }
  return { symbols: found, uses: [...uses].slice(0, MAX_USES_PER_FILE) };
}

const USE_WORD = /[A-Za-z_][A-Za-z0-9_]{2,}/g;

/** Keywords and builtins of the scanned languages: never a reference. */
const KEYWORDS = new Set(
  ("abstract and async await break case catch class const continue def del " +
    "default delete elif else enum export extends false final finally for " +
    "from func function get global impl import interface lambda let match mod " +
    "mut new none not null package private protected pub public readonly " +
    "return self Self set static struct super switch this throw trait true " +
    "try type typeof undefined unsafe use var void where while with yield " +
    "None True False pass raise assert nonlocal print len str int float bool " +
    "dict list tuple string number boolean unknown any never object fmt " +
    "crate dyn ref loop String Vec Option Some Result Ok Err usize u64 u32 " +
    "i64 i32 u8 f64 bool chan go defer range map interface").split(" "),
);

function braces(line: string): number {
  let d = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 123) d++;
    else if (c === 125) d--;
  }
  return d;
}

const JS_DECL =
  /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(function\s*\*?|class|interface|type|enum|const\s+enum|namespace)\s+([A-Za-z_$][\w$]*)/;
const JS_CONST =
  /^(?:export\s+)?(?:declare\s+)?const\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?(?:=\s*(.*))?$/;
const JS_FUNCTION_VALUE =
  /^(?:async\s+)?(?:function\b|\([^)]*\)?\s*(?::[^=]*)?(?:=>|$)|[A-Za-z_$][\w$]*\s*=>)/;
const JS_METHOD =
  /^(?:(?:public|private|protected|static|async|readonly|override|abstract|declare|get|set)\s+)*\*?\s*(#?[A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(/;
const JS_NOT_METHOD = new Set([
  "if",
  "for",
  "while",
  "switch",
  "catch",
  "return",
  "function",
  "with",
  "super",
  "await",
  "typeof",
  "new",
]);

function scanJs(lines: string[], emit: Emit): void {
  let depth = 0;
  const classes: { name: string; depth: number }[] = [];
  lines.forEach((code, index) => {
    const line = index + 1;
    const text = code.trim();
    while (classes.length > 0 && depth < classes.at(-1)!.depth) classes.pop();
    const inClass = classes.at(-1);
    if (depth === 0 && text !== "") {
      const decl = JS_DECL.exec(text);
      if (decl) {
        const word = decl[1]!.replace(/\s+/g, " ");
        const kind: SymbolKind = word.startsWith("function")
          ? "function"
          : word === "const enum"
          ? "enum"
          : word === "namespace"
          ? "module"
          : word as SymbolKind;
        emit({ name: decl[2]!, kind, line });
        if (kind === "class" && braces(code) > 0) {
          classes.push({ name: decl[2]!, depth: 1 });
        }
      } else {
        const constant = JS_CONST.exec(text);
        if (constant) {
          const value = constant[2] ?? "";
          emit({
            name: constant[1]!,
            kind: JS_FUNCTION_VALUE.test(value) ? "function" : "const",
            line,
          });
        }
      }
    } else if (inClass && depth === inClass.depth && text !== "") {
      const method = JS_METHOD.exec(text);
      if (method && !JS_NOT_METHOD.has(method[1]!)) {
        emit({
          name: method[1]!,
          kind: "method",
          line,
          container: inClass.name,
        });
      }
    }
    depth = Math.max(0, depth + braces(code));
  });
}

const RUST_VIS = String.raw`(?:pub(?:\s*\([^)]*\))?\s+)?`;
const RUST_FN = new RegExp(
  String
    .raw`^${RUST_VIS}(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+(?:"[^"]*"\s+)?)?fn\s+([A-Za-z_]\w*)`,
);
const RUST_ITEM = new RegExp(
  String
    .raw`^${RUST_VIS}(?:unsafe\s+)?(struct|enum|union|trait|type|const|static|mod)\s+(?:mut\s+)?([A-Za-z_]\w*)`,
);
const RUST_IMPL = /^(?:unsafe\s+)?impl\b\s*(?:<(?:[^<>]|<[^<>]*>)*>)?\s*(.*)$/;
const RUST_MACRO = /^macro_rules!\s*([A-Za-z_]\w*)/;

function rustBase(type: string): string {
  // `&'a mut foo::Bar<T>` is `Bar`.
  const path = type.replace(/<.*$/, "").replace(
    /^[&\s]*(?:'\w+\s+)?(?:mut\s+|dyn\s+)?/,
    "",
  );
  return path.split("::").at(-1)!.trim();
}

function scanRust(lines: string[], emit: Emit): void {
  let depth = 0;
  // Bodies of `mod`, `impl` and `trait` blocks, innermost last.
  const scopes: {
    kind: "mod" | "impl" | "trait";
    name: string;
    depth: number;
  }[] = [];
  lines.forEach((code, index) => {
    const line = index + 1;
    const text = code.trim().replace(/^#\[[^\]]*\]\s*/, "");
    while (scopes.length > 0 && depth < scopes.at(-1)!.depth) scopes.pop();
    const scope = scopes.at(-1);
    const atItemLevel = depth === (scope?.depth ?? 0);
    const opens = braces(code) > 0;
    if (atItemLevel && text !== "") {
      const fn = RUST_FN.exec(text);
      const item = RUST_ITEM.exec(text);
      const impl = RUST_IMPL.exec(text);
      const macro = RUST_MACRO.exec(text);
      if (fn) {
        emit(
          scope && scope.kind !== "mod"
            ? { name: fn[1]!, kind: "method", line, container: scope.name }
            : { name: fn[1]!, kind: "function", line },
        );
      } else if (item) {
        const word = item[1]!;
        const kind: SymbolKind = word === "union"
          ? "struct"
          : word === "static"
          ? "const"
          : word === "mod"
          ? "module"
          : word as SymbolKind;
        emit({ name: item[2]!, kind, line });
        if (opens && (kind === "module" || kind === "trait")) {
          scopes.push({
            kind: kind === "module" ? "mod" : "trait",
            name: item[2]!,
            depth: depth + 1,
          });
        }
      } else if (impl && impl[1]!.trim() !== "") {
        const header = impl[1]!.replace(/\{.*$/, "").replace(/\bwhere\b.*$/, "")
          .trim();
        const forAt = header.search(/\sfor\s/);
        const self = rustBase(forAt < 0 ? header : header.slice(forAt + 5));
        const trait = forAt < 0 ? null : rustBase(header.slice(0, forAt));
        if (/^[A-Za-z_]\w*$/.test(self)) {
          emit(
            trait
              ? { name: self, kind: "impl", line, container: trait }
              : { name: self, kind: "impl", line },
          );
          if (opens) {
            scopes.push({ kind: "impl", name: self, depth: depth + 1 });
          }
        }
      } else if (macro) {
        emit({ name: macro[1]!, kind: "macro", line });
      }
    }
    depth = Math.max(0, depth + braces(code));
  });
}

const PY_DEF = /^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)/;
const PY_CONST = /^([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=(?!=)/;

function scanPython(lines: string[], emit: Emit): void {
  // Open `def`/`class` blocks with their indentation, innermost last.
  const blocks: { kind: "def" | "class"; name: string; indent: number }[] = [];
  let paren = 0; // inside a bracketed expression spanning lines
  lines.forEach((code, index) => {
    const line = index + 1;
    const text = code.trim();
    const bracketsBefore = paren;
    for (const c of code) {
      if (c === "(" || c === "[" || c === "{") paren++;
      else if (c === ")" || c === "]" || c === "}") {
        paren = Math.max(0, paren - 1);
      }
    }
    if (text === "" || bracketsBefore > 0 || /^["']{3}\s*$/.test(text)) return;
    const indent = code.length - code.trimStart().length;
    while (blocks.length > 0 && indent <= blocks.at(-1)!.indent) blocks.pop();
    const def = PY_DEF.exec(code);
    const parent = blocks.at(-1);
    if (def) {
      const name = def[3]!;
      const kind = def[2] as "def" | "class";
      if (!parent) {
        emit({ name, kind: kind === "def" ? "function" : "class", line });
      } else if (parent.kind === "class") {
        emit(
          kind === "def"
            ? { name, kind: "method", line, container: parent.name }
            : { name, kind: "class", line, container: parent.name },
        );
      }
      blocks.push({ kind, name, indent });
      return;
    }
    if (indent === 0) {
      const constant = PY_CONST.exec(code);
      if (constant) emit({ name: constant[1]!, kind: "const", line });
    }
  });
}

const GO_METHOD =
  /^func\s*\(\s*(?:[A-Za-z_]\w*\s+)?\*?\s*([A-Za-z_]\w*)(?:\[[^\]]*\])?\s*\)\s*([A-Za-z_]\w*)/;
const GO_FUNC = /^func\s+([A-Za-z_]\w*)/;
const GO_TYPE = /^([A-Za-z_]\w*)(?:\[[^\]]*\])?\s+(=\s*)?(struct|interface)?\b/;

function scanGo(lines: string[], emit: Emit): void {
  let depth = 0;
  let group: "type" | "const" | "var" | null = null;
  lines.forEach((code, index) => {
    const line = index + 1;
    const text = code.trim();
    if (group !== null) {
      if (text.startsWith(")") && depth === 0) group = null;
      else if (depth === 0 && text !== "") {
        if (group === "type") emitGoType(text, line, emit);
        else if (group === "const") {
          const name = /^([A-Za-z_]\w*)/.exec(text)?.[1];
          if (name && name !== "_") emit({ name, kind: "const", line });
        }
      }
    } else if (depth === 0 && text !== "") {
      const method = GO_METHOD.exec(text);
      const fn = GO_FUNC.exec(text);
      const opener = /^(type|const|var)\s*\(\s*$/.exec(text);
      if (method) {
        emit({ name: method[2]!, kind: "method", line, container: method[1]! });
      } else if (fn) {
        emit({ name: fn[1]!, kind: "function", line });
      } else if (opener) {
        group = opener[1] as "type" | "const" | "var";
      } else if (text.startsWith("type ")) {
        emitGoType(text.slice(5).trim(), line, emit);
      } else if (text.startsWith("const ")) {
        const name = /^const\s+([A-Za-z_]\w*)/.exec(text)?.[1];
        if (name && name !== "_") emit({ name, kind: "const", line });
      }
    }
    depth = Math.max(0, depth + braces(code));
  });
}

function emitGoType(text: string, line: number, emit: Emit): void {
  const type = GO_TYPE.exec(text);
  if (!type) return;
  const kind: SymbolKind = type[3] === "struct"
    ? "struct"
    : type[3] === "interface"
    ? "interface"
    : "type";
  emit({ name: type[1]!, kind, line });
}
