/**
 * Where strict JSON goes wrong: a small validating scanner run only after
 * `JSON.parse` failed, to name the first offending character and say what
 * was expected there (trailing commas get their own message).
 * @module
 */

/** A located JSON syntax error. */
export interface JsonSyntaxError {
  /** Character offset of the problem. */
  offset: number;
  /** What is wrong there. */
  message: string;
}

class Stop {
  constructor(readonly error: JsonSyntaxError) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * The first syntax error of `source` as strict JSON, or `undefined` when it
 * is valid. Nesting must already be bounded (the scanner recurses).
 *
 * @example
 * ```ts
 * import { jsonSyntaxError } from "./json_syntax.ts";
 * jsonSyntaxError('{"a": 1,}');
 * // { offset: 7, message: "trailing comma before \"}\"" }
 * ```
 */
export function jsonSyntaxError(source: string): JsonSyntaxError | undefined {
  let i = 0;
  const stop = (message: string, at = i): never => {
    throw new Stop({ offset: at, message });
  };
  const ws = () => {
    while (/[ \t\n\r]/.test(source[i] ?? "")) i++;
  };
  const found = () => {
    const c = source[i];
    if (c === undefined) return "the end of the file";
    return c === '"' ? `'"'` : JSON.stringify(c);
  };
  const string = () => {
    const start = i++;
    for (;;) {
      const c = source[i];
      if (c === undefined) stop("string is never closed", start);
      if (c === '"') return void i++;
      if (c === "\\") {
        ESCAPE.lastIndex = i;
        if (!ESCAPE.test(source)) stop("invalid escape sequence in string");
        i = ESCAPE.lastIndex;
      } else if (c! < " ") {
        stop("control character (such as a line break) in string; write \\n");
      } else i++;
    }
  };
  const sequence = (close: string, item: () => void, what: string) => {
    i++;
    ws();
    if (source[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (source[i] === close) return void i++;
      if (source[i] !== ",") {
        stop(`expected "," or "${close}" after ${what}, found ${found()}`);
      }
      const comma = i++;
      ws();
      if (source[i] === close) stop(`trailing comma before "${close}"`, comma);
    }
  };
  const value = (): void => {
    ws();
    const c = source[i];
    if (c === "{") {
      return sequence("}", () => {
        ws();
        if (source[i] !== '"') {
          stop(`expected a property name in double quotes, found ${found()}`);
        }
        string();
        ws();
        if (source[i] !== ":") {
          stop(`expected ":" after the property name, found ${found()}`);
        }
        i++;
        value();
      }, "a property");
    }
    if (c === "[") return sequence("]", value, "an item");
    if (c === '"') return string();
    for (const word of ["true", "false", "null"]) {
      if (source.startsWith(word, i)) return void (i += word.length);
    }
    NUMBER.lastIndex = i;
    if (c !== undefined && /[-\d]/.test(c) && NUMBER.test(source)) {
      const start = i;
      i = NUMBER.lastIndex;
      if (/[\w.]/.test(source[i] ?? "")) stop("invalid number", start);
      return;
    }
    stop(`expected a value, found ${found()}`);
  };
  try {
    value();
    ws();
    if (i < source.length) {
      stop(`unexpected ${found()} after the end of the plan`);
    }
    return undefined;
  } catch (e) {
    if (e instanceof Stop) return e.error;
    throw e;
  }
}
