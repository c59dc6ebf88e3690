/**
 * TypeScript namespaces for the plan transpiler: sucrase drops a
 * `namespace` block without a word, so plan code that `deno check` accepts
 * would fail with a ReferenceError. Each block is rewritten, before sucrase
 * runs, into the function TypeScript itself emits, on the same lines.
 * @module
 */

import { closingBracket, codeOnly } from "./ts_scan.ts";

const NAMESPACE =
  /(^|[;{}\n])([ \t]*)(export[ \t]+)?namespace[ \t]+([A-Za-z_$][\w$]*)\s*\{/g;
const EXPORTED =
  /\bexport(\s+)(?:(?:const|let|var|class|enum|namespace|function\*?|async\s+function\*?)\s+([A-Za-z_$][\w$]*)|(?:type|interface|declare)\b)/y;

/**
 * `source` with each (non-`declare`) namespace turned into an object built
 * by a function, as `tsc` emits it; lines stay where they were.
 *
 * @example
 * ```ts
 * import { rewriteNamespaces } from "./ts_namespaces.ts";
 * rewriteNamespaces("namespace N { export const a = 1; }");
 * // "var N = N || {}; (function (N) {        const a = 1;  ;Object.assign(N, { a });})(N);"
 * ```
 */
export function rewriteNamespaces(source: string): string {
  if (!source.includes("namespace")) return source;
  const code = codeOnly(source);
  NAMESPACE.lastIndex = 0;
  const found = NAMESPACE.exec(code);
  if (!found) return source;
  const [whole, lead, indent, exported, name] = found as unknown as string[];
  const start = found.index + lead!.length + indent!.length;
  const open = found.index + whole!.length - 1;
  const close = closingBracket(source, open);
  if (close < 0) return source; // sucrase reports the syntax error
  const { body, names } = unexport(source.slice(open + 1, close));
  const head = `${exported ? "export " : ""}var ${name} = ${name} || {}; ` +
    `(function (${name}) {`;
  const tail = names.length
    ? ` ;Object.assign(${name}, { ${names.join(", ")} });})(${name});`
    : `})(${name});`;
  return source.slice(0, start) + head + rewriteNamespaces(body) + tail +
    rewriteNamespaces(source.slice(close + 1));
}

/** The body with its top-level `export` keywords blanked, and the value names they exported. */
function unexport(body: string): { body: string; names: string[] } {
  const code = codeOnly(body);
  const names: string[] = [];
  let out = "";
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = code[i]!;
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth--;
    EXPORTED.lastIndex = i;
    const m = depth === 0 && !/[\w$]/.test(code[i - 1] ?? "")
      ? EXPORTED.exec(code)
      : null;
    if (m) {
      if (m[2]) names.push(m[2]);
      out += "      ";
      i += "export".length - 1;
      continue;
    }
    out += body[i];
  }
  return { body: out, names };
}
