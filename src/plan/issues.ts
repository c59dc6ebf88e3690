/**
 * zod issues → diagnostics: unions flattened to the branch the user meant,
 * unknown keys with the nearest known key, enum values with a suggestion,
 * types named as YAML users know them (mapping, list).
 * @module
 */

import type { z } from "zod";
import type { Diagnostic, DocPath } from "./diagnostic.ts";
import { EXPECTED } from "./expected.ts";
import { closest } from "./suggest.ts";

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** A "Missing required key" diagnostic, kept apart until typos are known. */
interface Missing {
  diagnostic: Diagnostic;
  parent: string;
  key: string;
}

/**
 * Turns the issues of a failed `safeParse` into diagnostics for `file`.
 * A missing key is not reported when an unknown key of the same mapping is a
 * typo of it (`titel` for `title`): the typo's diagnostic says it all.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { issuesToDiagnostics } from "./issues.ts";
 * const schema = z.strictObject({ title: z.string() });
 * const r = schema.safeParse({ titel: "x" });
 * issuesToDiagnostics(r.error!.issues, schema, { titel: "x" }, "plan.yml")
 *   .map((d) => d.message);
 * // ['Unknown key "titel": did you mean "title"?']
 * ```
 */
export function issuesToDiagnostics(
  issues: readonly Issue[],
  schema: AnySchema,
  data: unknown,
  file: string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const missing: Missing[] = [];
  const typos = new Set<string>();
  const push = (path: DocPath, message: string, atKey = false) => {
    const d: Diagnostic = { file, path, message };
    if (atKey) d.atKey = true;
    out.push(d);
    return d;
  };
  const pushMissing = (parent: DocPath, key: string, message: string) =>
    missing.push({
      diagnostic: push(parent, message),
      parent: JSON.stringify(parent),
      key,
    });
  const visit = (issue: Issue, prefix: DocPath) => {
    const path = [...prefix, ...issue.path] as (string | number)[];
    const value = valueAt(data, path);
    switch (issue.code) {
      case "invalid_union": {
        if (issue.errors.length === 0) {
          const options = (issue as unknown as { options?: unknown[] }).options;
          if (value === undefined) {
            pushMissing(
              path.slice(0, -1),
              String(path[path.length - 1]),
              `Missing required key "${String(path[path.length - 1])}": ${
                oneOf((options ?? []).map(String))
              }`,
            );
          } else push(path, discriminatorMessage(options ?? [], value));
          return;
        }
        // A branch that refused the value itself (wrong type, or a literal such as
        // `true` that a mapping is not) is not the one the user meant.
        const matching = issue.errors.filter((branch) =>
          !branch.some((i) =>
            i.path.length === 0 &&
            (i.code === "invalid_type" || i.code === "invalid_value")
          )
        );
        if (matching.length > 0) {
          for (const i of matching[0]!) visit(i, path);
          return;
        }
        const expected = issue.errors.flatMap((b) =>
          b.filter((i) => i.code === "invalid_type").map((i) =>
            typeName((i as { expected: string }).expected)
          )
        );
        push(
          path,
          `${fieldPath(path)}: expected ${
            expectedAt(schema, path, data) ??
              [...new Set(expected)].join(" or ")
          }, got ${kindOf(value)}`,
        );
        return;
      }
      case "unrecognized_keys": {
        const known = knownKeysAt(schema, path, data);
        for (const key of issue.keys) {
          const moved = MOVED_KEYS[key];
          const near = closest(key, known);
          if (near) typos.add(JSON.stringify([JSON.stringify(path), near]));
          const hint = moved && known.includes(moved.split(".")[0]!)
            ? `did you mean "${moved}"?${
              MOVED_WHY[key] ? ` (${MOVED_WHY[key]})` : ""
            }`
            : near
            ? `did you mean "${near}"?`
            : `known keys: ${known.join(", ")}`;
          push([...path, key], `Unknown key "${key}": ${hint}`, true);
        }
        return;
      }
      case "invalid_value": {
        const values = issue.values;
        if (value === undefined) {
          const key = String(path[path.length - 1]);
          const hint = values.length === 1
            ? `: add ${key}: ${JSON.stringify(values[0])}`
            : "";
          pushMissing(
            path.slice(0, -1),
            key,
            `Missing required key "${key}"${hint}`,
          );
        } else if (values.every((v) => typeof v === "string")) {
          push(path, enumMessage(value, values as string[]));
        } else push(path, issue.message);
        return;
      }
      case "invalid_type": {
        if (value === undefined) {
          const key = String(path[path.length - 1]);
          pushMissing(path.slice(0, -1), key, `Missing required key "${key}"`);
          return;
        }
        if (!issue.message.startsWith("Invalid input")) {
          push(path, issue.message); // the schema's own words
          return;
        }
        if (path.length === 0) {
          push(
            path,
            `Expected a mapping with "tasks:" at the top level, got ${
              kindOf(value)
            }`,
          );
          return;
        }
        let message = `${fieldPath(path)}: expected ${
          expectedAt(schema, path, data) ?? typeName(issue.expected)
        }, got ${kindOf(value)}`;
        if (issue.expected === "array" && typeof value === "string") {
          message += ` (write [${JSON.stringify(value)}])`;
        }
        push(path, message);
        return;
      }
      case "invalid_key": {
        const inner = issue.issues[0]?.message ?? issue.message;
        push(
          path,
          `Invalid name ${JSON.stringify(path[path.length - 1])}: ${inner}`,
          true,
        );
        return;
      }
      case "too_small":
      case "too_big": {
        if (issue.origin === "number") {
          const bound = issue.code === "too_small"
            ? `at least ${issue.minimum}`
            : `at most ${issue.maximum}`;
          push(
            path,
            `Invalid value ${JSON.stringify(value)}: must be ${bound}`,
          );
        } else push(path, issue.message);
        return;
      }
      default:
        push(path, issue.message);
    }
  };
  for (const issue of issues) visit(issue, []);
  const typo = (m: Missing) => typos.has(JSON.stringify([m.parent, m.key]));
  const hidden = new Set(missing.filter(typo).map((m) => m.diagnostic));
  return out.filter((d) => !hidden.has(d));
}

/**
 * Keys people write where another key (often nested) means what they
 * want, as other tools spell it: suggested when the mapping they wrote in
 * has that key's first part.
 */
const MOVED_KEYS: Record<string, string> = {
  timeout: "constraints.timebox",
  timebox: "constraints.timebox",
  time_limit: "constraints.timebox",
  forbidden_paths: "constraints.forbidden_paths",
  needs: "dependencies",
  depends_on: "dependencies",
  deps: "dependencies",
  retries: "retry",
  gates: "approvals",
};

/** Why a {@link MOVED_KEYS} suggestion, where it helps. */
const MOVED_WHY: Record<string, string> = {
  timeout:
    "a task's time limit; one command's own limit is written { run, timeout }",
  timebox: "a task's time limit",
  retries: "retry: N retries a failed command N times",
};

function enumMessage(value: unknown, values: string[]): string {
  if (typeof value !== "string") {
    return `Invalid value ${kindOf(value)}: ${oneOf(values)}`;
  }
  const near = closest(value, values);
  return `Invalid value "${value}": ${oneOf(values)}` +
    (near ? `; did you mean "${near}"?` : "");
}

function discriminatorMessage(options: unknown[], value: unknown): string {
  const names = options.map(String);
  const near = typeof value === "string" ? closest(value, names) : undefined;
  return `Invalid check kind ${JSON.stringify(value)}: ${oneOf(names)}` +
    (near ? `; did you mean "${near}"?` : "");
}

function oneOf(values: readonly string[]): string {
  return `expected one of ${values.join(", ")}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function typeName(expected: string): string {
  return Object.hasOwn(TYPE_NAMES, expected) ? TYPE_NAMES[expected]! : expected;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

/**
 * A document path as people read it: `tasks[2].commands.lint`.
 *
 * @example
 * ```ts
 * import { fieldPath } from "./issues.ts";
 * fieldPath(["orchestrator", "approvals", "required"]); // "orchestrator.approvals.required"
 * fieldPath(["tasks", 2, "my key"]); // 'tasks[2]["my key"]'
 * ```
 */
export function fieldPath(path: DocPath): string {
  let text = "";
  for (const step of path) {
    if (typeof step === "number") text += `[${step}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(step)) {
      text += text === "" ? step : `.${step}`;
    } else text += `[${JSON.stringify(step)}]`;
  }
  return text;
}

/** What the schema wants at `path`, in words, when it says (see `expected.ts`). */
function expectedAt(
  schema: AnySchema,
  path: DocPath,
  data: unknown,
): string | undefined {
  let current: AnySchema[] = [schema];
  path.forEach((step, n) => {
    const here = valueAt(data, path.slice(0, n));
    current = current.flatMap((s) => unwrap(s, here)).flatMap((s) =>
      childOf(s, step)
    );
  });
  for (let s of current) {
    for (;;) {
      const words = EXPECTED.get(s)?.expected;
      if (words !== undefined) return words;
      const def = s._zod.def as { type: string; innerType?: AnySchema };
      const wrapper = def.type === "optional" || def.type === "default" ||
        def.type === "nullable";
      if (!wrapper || !def.innerType) break;
      s = def.innerType;
    }
  }
  return undefined;
}

/** The value at `path` in `data` (own properties only), or `undefined`. */
export function valueAt(data: unknown, path: DocPath): unknown {
  let here: unknown = data;
  for (const key of path) {
    if (here === null || typeof here !== "object") return undefined;
    if (!Object.hasOwn(here, key)) return undefined; // not "constructor" of Object
    here = (here as Record<string | number, unknown>)[key];
  }
  return here;
}

/**
 * Issues for `__proto__` keys of mappings the schema reads as records
 * (command names): zod drops such a key without a word, and the command
 * would silently vanish. Strict objects already report it as unknown.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { prototypeKeyIssues } from "./issues.ts";
 * const schema = z.object({ commands: z.record(z.string(), z.string()) });
 * const data = JSON.parse('{"commands": {"__proto__": "make"}}');
 * prototypeKeyIssues(schema, data)[0]!.path; // ["commands", "__proto__"]
 * ```
 */
export function prototypeKeyIssues(
  schema: AnySchema,
  data: unknown,
): Issue[] {
  const issues = new Map<string, Issue>();
  const visit = (s: AnySchema, value: unknown, path: (string | number)[]) => {
    if (value === null || typeof value !== "object") return;
    for (const branch of unwrap(s, value)) {
      const def = branch._zod.def as {
        type: string;
        shape?: Record<string, AnySchema>;
        element?: AnySchema;
        keyType?: AnySchema;
        valueType?: AnySchema;
      };
      if (def.type === "array" && def.element && Array.isArray(value)) {
        value.forEach((v, i) => visit(def.element!, v, [...path, i]));
      } else if (def.type === "object" && def.shape) {
        for (const [key, child] of Object.entries(def.shape)) {
          if (Object.hasOwn(value, key)) {
            visit(child, (value as Record<string, unknown>)[key], [
              ...path,
              key,
            ]);
          }
        }
      } else if (def.type === "record" && def.valueType) {
        if (Object.hasOwn(value, "__proto__")) {
          const named = def.keyType?.["~standard"].validate("__proto__");
          const why = named && "issues" in named && named.issues?.[0]?.message;
          const at = [...path, "__proto__"];
          issues.set(JSON.stringify(at), {
            code: "invalid_key",
            origin: "record",
            path: at,
            input: "__proto__",
            message: "Invalid key",
            issues: [{
              code: "custom",
              path: [],
              input: "__proto__",
              message: why || "this name is reserved",
            }],
          } as Issue);
        }
        for (const [key, v] of Object.entries(value)) {
          visit(def.valueType, v, [...path, key]);
        }
      }
    }
  };
  visit(schema, data, []);
  return [...issues.values()];
}

/**
 * Keys the schema allows for the object at `path`: of every object branch,
 * or, in a discriminated union, of the branch that `data` selects.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { knownKeysAt } from "./issues.ts";
 * const schema = z.object({ a: z.object({ b: z.string(), c: z.string() }) });
 * knownKeysAt(schema, ["a"]); // ["b", "c"]
 * ```
 */
export function knownKeysAt(
  schema: AnySchema,
  path: DocPath,
  data?: unknown,
): string[] {
  let current: AnySchema[] = [schema];
  path.forEach((step, n) => {
    const here = valueAt(data, path.slice(0, n));
    current = current.flatMap((s) => unwrap(s, here)).flatMap((s) =>
      childOf(s, step)
    );
  });
  const here = valueAt(data, path);
  const keys = current.flatMap((s) => unwrap(s, here)).flatMap((s) => {
    const def = s._zod.def as { type: string; shape?: Record<string, unknown> };
    return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}

/** Object branches of `s`; `value` picks the branch of a discriminated union. */
function unwrap(s: AnySchema, value?: unknown): AnySchema[] {
  const def = s._zod.def as {
    type: string;
    innerType?: AnySchema;
    options?: AnySchema[];
    discriminator?: string;
    in?: AnySchema;
  };
  if (
    (def.type === "optional" || def.type === "default" ||
      def.type === "nullable") && def.innerType
  ) {
    return unwrap(def.innerType, value);
  }
  if (def.type === "union" && def.options) {
    const tag = def.discriminator === undefined
      ? undefined
      : valueAt(value, [def.discriminator]);
    const chosen = def.options.filter((o) =>
      tag === undefined || literalsOf(o, def.discriminator!).includes(tag)
    );
    return (chosen.length > 0 ? chosen : def.options).flatMap((o) =>
      unwrap(o, value)
    );
  }
  if (def.type === "pipe" && def.in) return unwrap(def.in, value);
  return [s];
}

function literalsOf(option: AnySchema, key: string): unknown[] {
  const shape = (option._zod.def as { shape?: Record<string, AnySchema> })
    .shape;
  const values = (shape?.[key]?._zod.def as { values?: unknown[] } | undefined)
    ?.values;
  return values ?? [];
}

function childOf(s: AnySchema, step: string | number): AnySchema[] {
  const def = s._zod.def as {
    type: string;
    shape?: Record<string, AnySchema>;
    element?: AnySchema;
    valueType?: AnySchema;
  };
  if (
    def.type === "object" && typeof step === "string" && def.shape &&
    Object.hasOwn(def.shape, step)
  ) {
    return [def.shape[step]!];
  }
  if (def.type === "array" && typeof step === "number" && def.element) {
    return [def.element];
  }
  if (def.type === "record" && def.valueType) return [def.valueType];
  return [];
}
