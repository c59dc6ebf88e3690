/**
 * zod issues → diagnostics: unions flattened to the branch the user meant,
 * unknown keys with the nearest known key, enum values with a suggestion.
 * @module
 */

import type { z } from "zod";
import type { Diagnostic, DocPath } from "./diagnostic.ts";
import { closest } from "./suggest.ts";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/**
 * Turns the issues of a failed `safeParse` into diagnostics for `file`.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { issuesToDiagnostics } from "./issues.ts";
 * const schema = z.strictObject({ title: z.string() });
 * const r = schema.safeParse({ titel: "x" });
 * issuesToDiagnostics(r.error!.issues, schema, { titel: "x" }, "plan.yml")[1]!.message;
 * // 'Unknown key "titel": did you mean "title"?'
 * ```
 */
export function issuesToDiagnostics(
  issues: readonly Issue[],
  schema: AnySchema,
  data: unknown,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (issue: Issue, prefix: DocPath) => {
    const path = [...prefix, ...issue.path] as (string | number)[];
    switch (issue.code) {
      case "invalid_union": {
        if (issue.errors.length === 0) {
          out.push({
            file,
            path,
            message: discriminatorMessage(issue, valueAt(data, path)),
          });
          return;
        }
        const matching = issue.errors.filter((branch) =>
          !branch.some((i) => i.code === "invalid_type" && i.path.length === 0)
        );
        if (matching.length > 0) {
          for (const i of matching[0]!) visit(i, path);
          return;
        }
        const expected = issue.errors.flatMap((b) =>
          b.filter((i) => i.code === "invalid_type").map((i) =>
            (i as { expected: string }).expected
          )
        );
        out.push({
          file,
          path,
          message: `Invalid value: expected ${
            [...new Set(expected)].join(" or ")
          }, got ${kindOf(valueAt(data, path))}`,
        });
        return;
      }
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          const near = closest(key, known);
          const hint = near
            ? `did you mean "${near}"?`
            : `known keys: ${known.join(", ")}`;
          out.push({
            file,
            path: [...path, key],
            atKey: true,
            message: `Unknown key "${key}": ${hint}`,
          });
        }
        return;
      }
      case "invalid_value": {
        const value = valueAt(data, path);
        const values = issue.values.map((v) => String(v));
        let message = issue.message;
        if (typeof value === "string") {
          const near = closest(value, values);
          message =
            `Invalid value "${value}": expected one of ${values.join(", ")}` +
            (near ? `; did you mean "${near}"?` : "");
        }
        out.push({ file, path, message });
        return;
      }
      case "invalid_type": {
        const value = valueAt(data, path);
        const message = value === undefined
          ? `Missing required key "${String(path[path.length - 1])}"`
          : `Invalid type: expected ${issue.expected}, got ${kindOf(value)}`;
        out.push({
          file,
          path: value === undefined ? path.slice(0, -1) : path,
          message,
        });
        return;
      }
      default:
        out.push({ file, path, message: issue.message });
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}

function discriminatorMessage(issue: Issue, value: unknown): string {
  const options = ((issue as unknown as { options?: unknown[] }).options ?? [])
    .map(String);
  const near = typeof value === "string" ? closest(value, options) : undefined;
  return `Invalid check kind ${JSON.stringify(value)}: expected one of ${
    options.join(", ")
  }` +
    (near ? `; did you mean "${near}"?` : "");
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

/** The value at `path` in `data`, or `undefined`. */
export function valueAt(data: unknown, path: DocPath): unknown {
  let here: unknown = data;
  for (const key of path) {
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<string | number, unknown>)[key];
  }
  return here;
}

/** Keys the schema allows for the object at `path` (all object branches). */
export function knownKeysAt(schema: AnySchema, path: DocPath): string[] {
  let current: AnySchema[] = [schema];
  for (const step of path) {
    current = current.flatMap(unwrap).flatMap((s) => childOf(s, step));
  }
  const keys = current.flatMap(unwrap).flatMap((s) => {
    const def = s._zod.def as { type: string; shape?: Record<string, unknown> };
    return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}

function unwrap(s: AnySchema): AnySchema[] {
  const def = s._zod.def as {
    type: string;
    innerType?: AnySchema;
    options?: AnySchema[];
    in?: AnySchema;
  };
  if (
    (def.type === "optional" || def.type === "default" ||
      def.type === "nullable") && def.innerType
  ) {
    return unwrap(def.innerType);
  }
  if (def.type === "union" && def.options) return def.options.flatMap(unwrap);
  if (def.type === "pipe" && def.in) return unwrap(def.in);
  return [s];
}

function childOf(s: AnySchema, step: string | number): AnySchema[] {
  const def = s._zod.def as {
    type: string;
    shape?: Record<string, AnySchema>;
    element?: AnySchema;
    valueType?: AnySchema;
  };
  if (def.type === "object" && typeof step === "string" && def.shape?.[step]) {
    return [def.shape[step]];
  }
  if (def.type === "array" && typeof step === "number" && def.element) {
    return [def.element];
  }
  if (def.type === "record" && def.valueType) return [def.valueType];
  return [];
}
