/**
 * Plain data: what a plan's default export may be made of (objects, arrays,
 * strings, numbers, booleans, null, undefined). A TypeScript plan is code, so
 * its export may hold a Proxy, a function, a getter that throws or a cycle;
 * each is refused with the path where it was found, never crashes a reader.
 * @module
 */

import { isProxy } from "node:util/types";
import type { DocPath } from "./diagnostic.ts";
import { MAX_DEPTH } from "./parse/source_text.ts";

/** A copy made of plain data only, or where the first other thing was. */
export type PlainCopy =
  | { ok: true; value: unknown }
  | {
    ok: false;
    path: DocPath;
    /** What was found there, as a sentence fragment ("a Proxy"). */
    problem: string;
    /** The copy as far as it got: the containers on `path` exist. */
    partial: unknown;
  };

/** Called for each object or array copied, with its source and where. */
export type OnCopy = (source: object, copy: object, path: DocPath) => void;

class NotPlain {
  constructor(readonly path: DocPath, readonly problem: string) {}
}

/**
 * Copies `value` if it is plain data: shared objects stay shared, getters
 * are read once. A Proxy (never touched, so its traps never run), a
 * function, a symbol, a bigint, an instance of a class, a cycle, nesting
 * deeper than {@link MAX_DEPTH} or a getter that throws is reported with its
 * path instead.
 *
 * @example
 * ```ts
 * import { copyPlainData } from "./plain_data.ts";
 * copyPlainData({ tasks: [{ id: "A" }] }).ok; // true
 * const r = copyPlainData({ tasks: [{ id: () => "A" }] });
 * if (!r.ok) r.path; // ["tasks", 0, "id"]  (r.problem: "a function")
 * ```
 */
export function copyPlainData(value: unknown, onCopy?: OnCopy): PlainCopy {
  const copies = new Map<object, object>();
  const open = new Set<object>();
  let root: unknown = undefined;
  const copy = (
    v: unknown,
    path: DocPath,
    attach: (c: unknown) => void,
  ): void => {
    const kind = primitiveProblem(v);
    if (kind === null) return attach(v);
    if (kind !== undefined) throw new NotPlain(path, kind);
    const object = v as object;
    if (isProxy(object)) throw new NotPlain(path, "a Proxy");
    if (open.has(object)) {
      throw new NotPlain(path, "a reference to an object that contains it");
    }
    const done = copies.get(object);
    if (done) return attach(done);
    if (path.length >= MAX_DEPTH) {
      throw new NotPlain(path, `nesting deeper than ${MAX_DEPTH} levels`);
    }
    const isArray = Array.isArray(object);
    if (!isArray && !isPlainObject(object)) {
      throw new NotPlain(path, describeObject(object));
    }
    const target: object = isArray ? [] : {};
    copies.set(object, target);
    open.add(object);
    attach(target);
    onCopy?.(object, target, path);
    const length = isArray ? (object as unknown[]).length : 0;
    const keys = isArray ? undefined : Object.keys(object);
    for (let i = 0; i < (keys ? keys.length : length); i++) {
      const key = keys ? keys[i]! : i;
      const at = [...path, key];
      let item: unknown;
      try {
        item = (object as Record<string | number, unknown>)[key];
      } catch (e) {
        throw new NotPlain(at, `a property that threw ${describeValue(e)}`);
      }
      // Defined, not assigned: a key "__proto__" stays a key, as in JSON.parse.
      copy(item, at, (value) => {
        Object.defineProperty(target, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      });
    }
    open.delete(object);
  };
  try {
    copy(value, [], (c) => root = c);
    return { ok: true, value: root };
  } catch (e) {
    if (!(e instanceof NotPlain)) throw e;
    return { ok: false, path: e.path, problem: e.problem, partial: root };
  }
}

/** null for a plain primitive, a description for another, undefined for an object. */
function primitiveProblem(v: unknown): string | null | undefined {
  switch (typeof v) {
    case "string":
    case "number":
    case "boolean":
    case "undefined":
      return null;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "bigint":
      return "a bigint";
    default:
      return v === null ? null : undefined;
  }
}

function isPlainObject(object: object): boolean {
  const proto = Object.getPrototypeOf(object);
  return proto === null || proto === Object.prototype;
}

/** "a Date", "a Map": read without running any getter of the object. */
function describeObject(object: object): string {
  const proto = Object.getPrototypeOf(object);
  const ctor = proto === null || isProxy(proto)
    ? undefined
    : Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  const name = typeof ctor === "function" && !isProxy(ctor)
    ? Object.getOwnPropertyDescriptor(ctor, "name")?.value
    : undefined;
  return typeof name === "string" && /^[A-Za-z_$][\w$]{0,40}$/.test(name)
    ? `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`
    : "an object that is not plain data";
}

/**
 * A short description of any value, e.g. a thrown one, that never runs code
 * of the value (no getter, no trap, no `toString`).
 *
 * @example
 * ```ts
 * import { describeValue } from "./plain_data.ts";
 * describeValue(42); // "42"
 * describeValue(new Proxy({}, {})); // "a Proxy"
 * describeValue(new TypeError("bad")); // "TypeError: bad"
 * ```
 */
export function describeValue(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…` : v);
    case "number":
    case "boolean":
    case "undefined":
      return String(v);
    case "bigint":
      return `${v}n`;
    case "symbol":
      return "a symbol";
    case "function":
      return isProxy(v) ? "a Proxy" : "a function";
    default:
      if (v === null) return "null";
      if (isProxy(v)) return "a Proxy";
      if (Array.isArray(v)) return "an array";
      if (Error.isError(v)) {
        const message = Object.getOwnPropertyDescriptor(v, "message")?.value;
        const kind = describeObject(v).replace(/^an? /, "");
        return typeof message === "string" ? `${kind}: ${message}` : kind;
      }
      return isPlainObject(v as object)
        ? "an object"
        : describeObject(v as object);
  }
}
