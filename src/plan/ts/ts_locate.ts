/**
 * Where a TypeScript plan wrote the value a diagnostic is about. The plan
 * runs in a worker, so where its DSL calls were made (and where items were
 * pushed into a task's dependencies later) cross back as (path, site) pairs
 * and are attached again to the copy the main thread validates. A value is
 * then looked for inside the DSL call that made its task, else where its
 * key and literal are written in any of the plan's files (a shared object,
 * a variable, a spread, a `satisfies` value, the argument a helper was
 * given). When that place does not identify one task (a loop, a helper, a
 * shared value), the message names the task(s) or shard(s); one mistake
 * written once is one error, whatever value each task got from it.
 * @module
 */

import type { Diagnostic, DocPath } from "../diagnostic.ts";
import { valueAt } from "../issues.ts";
import { closingBracket, codeOnly, escapeRegExp } from "./ts_scan.ts";

/** Where a DSL call (or a mutation) was written. */
export interface CallSite {
  file: string;
  line: number;
}

/**
 * Where the DSL call that produced an object was written: filled by the
 * loader for the copy of the plan's data it returns.
 *
 * @example
 * ```ts ignore
 * callSites.get(plan.tasks[0]); // { file: "orchestrator.ts", line: 3 }
 * ```
 */
export const callSites: WeakMap<object, CallSite> = new WeakMap();

/**
 * Where an item was added to a list after its DSL call (`push`), keyed by
 * the list and the item's index: filled by the loader.
 */
export const entrySites: WeakMap<object, Map<number, CallSite>> = new WeakMap();

/** The source of every file of a loaded plan, keyed by the plan's data. */
export const planSources: WeakMap<object, Map<string, string>> = new WeakMap();

/** Every module a TS plan's evaluation loaded (absolute path, source), keyed by the plan's data: what its cache entry is checked against. */
export const planModules: WeakMap<
  object,
  { absolute: string; source: string }[]
> = new WeakMap();

interface Place {
  file: string;
  line: number;
  col: number;
  sourceLine: string;
}

/**
 * Places diagnostics about a TS plan's data where the offending value was
 * written, naming the task(s) when the place alone does not tell; the same
 * problem reached by several tasks through one shared value is reported once.
 *
 * @example
 * ```ts ignore
 * locateInTs([{ file: "orchestrator.ts", path: ["tasks", 0, "titel"], message }], sources, data)[0]!.line;
 * ```
 */
export function locateInTs(
  diagnostics: Diagnostic[],
  sources: ReadonlyMap<string, string>,
  data: unknown,
): Diagnostic[] {
  const known = data !== null && typeof data === "object"
    ? planSources.get(data)
    : undefined;
  const all = new Map([...(known ?? []), ...sources]);
  const finder = new Finder(all, data);
  type Entry = { d: Diagnostic; units: Unit[]; name: boolean };
  const merged = new Map<string, Entry>();
  const out: (Diagnostic | Entry)[] = [];
  for (const d of diagnostics) {
    if (d.line !== undefined || !d.path || !all.has(d.file)) {
      out.push(d);
      continue;
    }
    const path = finder.mutatedEdge(d) ?? d.path;
    const at = finder.place(d.file, path);
    const located: Diagnostic = { ...d, ...at.place };
    if (d.related) {
      const r = finder.place(d.related.file, d.related.path).place;
      located.message += ` (${d.related.label} ${r.file}:${r.line}:${r.col})`;
    }
    const unit = finder.unit(path, located.message);
    // One mistake written once (in a loop, a helper, a shared value) is one
    // error, whatever value each task got from it: the same place and the
    // same message but for the values quoted in it.
    const key = JSON.stringify([at.place, sameWords(located.message)]);
    const entry = merged.get(key);
    if (entry) {
      if (unit && !entry.units.some((u) => sameUnit(u, unit))) {
        entry.units.push(unit);
      }
      continue;
    }
    const fresh = { d: located, units: unit ? [unit] : [], name: at.name };
    merged.set(key, fresh);
    out.push(fresh);
  }
  return out.map((item) => {
    if (!("units" in item)) return item;
    // Named when the place does not say which unit, or is shared by several.
    const names = item.name || item.units.length > 1
      ? unitNames(item.units, item.d.message)
      : undefined;
    return names
      ? { ...item.d, message: `${item.d.message} (${names})` }
      : item.d;
  });
}

/** A task, or a shard of a task, that a diagnostic is about. */
interface Unit {
  task: string;
  shard?: string;
}

function sameUnit(a: Unit, b: Unit): boolean {
  return a.task === b.task && a.shard === b.shard;
}

/** A message with its quoted values and numbers left out. */
function sameWords(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\d+/g, "0");
}

/**
 * `task "A"`, `tasks "A", "B"`, `shards "S-1", "S-2" of task "W"`: the
 * units a diagnostic reached, when its place alone does not say.
 */
function unitNames(units: Unit[], message: string): string | undefined {
  if (units.length === 0) return undefined;
  const list = (noun: string, ids: string[]) =>
    `${noun}${ids.length === 1 ? "" : "s"} ${
      ids.map((id) => JSON.stringify(id)).join(", ")
    }`;
  const tasks = [...new Set(units.filter((u) => !u.shard).map((u) => u.task))];
  const shards = units.filter((u) => u.shard);
  const parts: string[] = [];
  if (tasks.length > 0) parts.push(list("task", tasks));
  if (shards.length > 0) {
    const owners = [...new Set(shards.map((u) => u.task))];
    parts.push(
      `${list("shard", shards.map((u) => u.shard!))} of ${
        list("task", owners)
      }`,
    );
  }
  const text = parts.join("; ");
  // A message that already names its only task says enough.
  return units.length === 1 && !units[0]!.shard &&
      mentions(message, units[0]!.task)
    ? undefined
    : text;
}

/** Whether a message names `id` outside its "did you mean" suggestion. */
function mentions(message: string, id: string): boolean {
  return message.replace(/did you mean .*$/, "").includes(JSON.stringify(id));
}

/** Looks values up in the plan's sources. */
class Finder {
  #lines = new Map<string, string[]>();
  #code = new Map<string, string>();

  constructor(
    private sources: ReadonlyMap<string, string>,
    private data: unknown,
  ) {}

  /** The id of the task a path is in. */
  taskId(path: DocPath): string | undefined {
    if (path[0] !== "tasks" || typeof path[1] !== "number") return undefined;
    const id = (valueAt(this.data, path.slice(0, 2)) as { id?: unknown })?.id;
    return typeof id === "string" ? id : undefined;
  }

  /**
   * The task, or the shard of a task, a path is in; the shard is left out
   * when the message names it already (a duplicate shard id).
   */
  unit(path: DocPath, message: string): Unit | undefined {
    const task = this.taskId(path);
    if (task === undefined) return undefined;
    if (path[2] !== "shards" || typeof path[3] !== "number") return { task };
    const id = (valueAt(this.data, path.slice(0, 4)) as { id?: unknown })?.id;
    return typeof id === "string" && !mentions(message, id)
      ? { task, shard: id }
      : { task };
  }

  /**
   * For a dependency cycle, the path of one of its edges that was added
   * after the task was defined (`deps.push(...)`), if any.
   */
  mutatedEdge(d: Diagnostic): DocPath | undefined {
    const cycle = /^Dependency cycle: (.*)$/.exec(d.message);
    if (!cycle) return undefined;
    const ids = cycle[1]!.split(" -> ");
    const tasks = valueAt(this.data, ["tasks"]);
    if (!Array.isArray(tasks)) return undefined;
    for (let k = 0; k + 1 < ids.length; k++) {
      const i = tasks.findIndex((t) => t?.id === ids[k]);
      const deps = tasks[i]?.dependencies;
      if (!Array.isArray(deps)) continue;
      const j = deps.indexOf(ids[k + 1]);
      if (entrySites.get(deps)?.has(j)) return ["tasks", i, "dependencies", j];
    }
    return undefined;
  }

  /**
   * Where the value at `path` was written, and whether that place needs
   * the task named (it is not inside one DSL call of the entry file that
   * made only this task).
   */
  place(fallback: string, path: DocPath): { place: Place; name: boolean } {
    const container = valueAt(this.data, path.slice(0, -1));
    const last = path[path.length - 1];
    const added = container !== null && typeof container === "object" &&
        typeof last === "number"
      ? entrySites.get(container)?.get(last)
      : undefined;
    if (added) {
      const line = this.lines(added.file)[added.line - 1] ?? "";
      const col = this.literalAt(path, added.file, added.line, 0)?.col ??
        Math.max(1, line.search(/\S/) + 1);
      return {
        place: { ...added, col, sourceLine: line },
        name: false,
      };
    }
    let site: CallSite | undefined;
    for (let n = path.length; n >= 0 && !site; n--) {
      const value = valueAt(this.data, path.slice(0, n));
      if (value !== null && typeof value === "object") {
        site = callSites.get(value);
      }
    }
    const file = site?.file ?? fallback;
    const line = site?.line ?? 1;
    // A literal written with its key wins: in the call, else anywhere (the
    // argument a helper was given, in its caller); then the key alone.
    const found = (site && this.inCall(path, site, true)) ??
      this.anywhere(path, file, line, true) ??
      (site && this.inCall(path, site, false)) ??
      this.anywhere(path, file, line, false);
    const place = found ?? this.lineStart(file, site?.line ?? 1);
    return { place, name: this.needsName(path, fallback, place) };
  }

  /** Whether the place alone does not say which task. */
  needsName(path: DocPath, entry: string, place: Place): boolean {
    const task = valueAt(this.data, path.slice(0, 2));
    if (path[0] !== "tasks" || task === null || typeof task !== "object") {
      return false;
    }
    const site = callSites.get(task);
    if (!site || site.file !== entry) return true;
    const tasks = valueAt(this.data, ["tasks"]) as unknown[];
    const shared = tasks.some((t) =>
      t !== task && t !== null && typeof t === "object" &&
      callSites.get(t)?.file === site.file &&
      callSites.get(t)?.line === site.line
    );
    const [from, to] = this.callLines(site);
    return shared || place.file !== site.file || place.line < from ||
      place.line > to;
  }

  /** The key of `path` inside the DSL call at `site`. */
  inCall(
    path: DocPath,
    site: CallSite,
    literalOnly: boolean,
  ): Place | undefined {
    const [from, to] = this.callLines(site);
    const key = keyOf(path);
    if (!key) return undefined;
    const lines = this.lines(site.file);
    const pattern = keyPattern(key);
    // A value equal to an earlier sibling's (a duplicate id): the nth such pair.
    const nth = this.earlierEquals(path);
    const value = valueAt(this.data, path);
    if (nth > 0 && isScalar(value)) {
      const hits = pairsIn(lines, from, to, key, value, site.file);
      if (hits[nth]) return hits[nth];
    }
    const scalar = isScalar(value);
    for (let i = from - 1; i < to && i < lines.length; i++) {
      const col = lines[i]!.search(pattern);
      if (col < 0) continue;
      const literal = this.literalAt(path, site.file, i + 1, col);
      if (literal || (literalOnly && scalar)) return literal;
      return {
        file: site.file,
        line: i + 1,
        col: col + 1,
        sourceLine: lines[i]!,
      };
    }
    return undefined;
  }

  /**
   * The key of `path` (with its literal value, for a scalar) anywhere in
   * the plan's files: in `file`, the nearest before `line`, else after it;
   * then in the other files.
   */
  anywhere(
    path: DocPath,
    file: string,
    line: number,
    literalOnly: boolean,
  ): Place | undefined {
    const key = keyOf(path);
    if (!key) return undefined;
    const pattern = keyPattern(key);
    const scalar = isScalar(valueAt(this.data, path));
    if (literalOnly && !scalar) return undefined;
    const files = [file, ...[...this.sources.keys()].filter((f) => f !== file)];
    for (const f of files) {
      const hits: Place[] = [];
      this.lines(f).forEach((text, i) => {
        const col = text.search(pattern);
        if (col < 0) return;
        const literal = this.literalAt(path, f, i + 1, col);
        if (literal) hits.push(literal);
        else if (!literalOnly) {
          hits.push({ file: f, line: i + 1, col: col + 1, sourceLine: text });
        }
      });
      if (hits.length === 0) continue;
      if (f !== file) return hits[0];
      const before = hits.filter((h) => h.line <= line);
      return before[before.length - 1] ?? hits[0];
    }
    return undefined;
  }

  /**
   * How many earlier items of the list that holds `path`'s object have the
   * same value at the same key (0 for none, or a path not of that shape).
   */
  earlierEquals(path: DocPath): number {
    const index = path[path.length - 2];
    const key = path[path.length - 1];
    if (typeof index !== "number" || typeof key !== "string") return 0;
    const list = valueAt(this.data, path.slice(0, -2));
    if (!Array.isArray(list)) return 0;
    const value = list[index]?.[key];
    let n = 0;
    for (let k = 0; k < index; k++) {
      if (
        list[k] !== null && typeof list[k] === "object" &&
        list[k][key] === value
      ) n++;
    }
    return n;
  }

  /** A scalar's literal at or after (`line`, `col`), within a few lines. */
  literalAt(
    path: DocPath,
    file: string,
    line: number,
    col: number,
  ): Place | undefined {
    const value = valueAt(this.data, path);
    if (!isScalar(value)) return undefined;
    const literals = typeof value === "string"
      ? [JSON.stringify(value), `'${value}'`, `\`${value}\``]
      : [String(value)];
    const lines = this.lines(file);
    for (let i = line - 1; i < Math.min(lines.length, line + 5); i++) {
      const text = lines[i]!;
      const at = Math.min(
        ...literals.map((l) => text.indexOf(l, i === line - 1 ? col : 0))
          .filter((n) => n >= 0),
      );
      if (Number.isFinite(at)) {
        return { file, line: i + 1, col: at + 1, sourceLine: text };
      }
    }
    return undefined;
  }

  /** The first and last line of the call written at `site`. */
  callLines(site: CallSite): [number, number] {
    const code = this.code(site.file);
    const lines = this.lines(site.file);
    let start = 0;
    for (let i = 0; i < site.line - 1 && i < lines.length; i++) {
      start += lines[i]!.length + 1;
    }
    const open = code.indexOf("(", start);
    const close = open < 0 ? -1 : closingBracket(code, open);
    if (close < 0) return [site.line, site.line];
    return [site.line, code.slice(0, close).split("\n").length];
  }

  lineStart(file: string, line: number): Place {
    const text = this.lines(file)[line - 1] ?? "";
    return {
      file,
      line,
      col: Math.max(1, text.search(/\S/) + 1),
      sourceLine: text,
    };
  }

  lines(file: string): string[] {
    let lines = this.#lines.get(file);
    if (!lines) {
      lines = (this.sources.get(file) ?? "").split("\n");
      this.#lines.set(file, lines);
    }
    return lines;
  }

  code(file: string): string {
    let code = this.#code.get(file);
    if (code === undefined) {
      code = codeOnly(this.sources.get(file) ?? "");
      this.#code.set(file, code);
    }
    return code;
  }
}

/** The last property name on a path. */
function keyOf(path: DocPath): string | undefined {
  return [...path].reverse().find((k): k is string => typeof k === "string");
}

/** Every `key: <literal of value>` written in lines `from`..`to` (1-based), in order. */
function pairsIn(
  lines: readonly string[],
  from: number,
  to: number,
  key: string,
  value: string | number,
  file: string,
): Place[] {
  const literals = typeof value === "string"
    ? [JSON.stringify(value), `'${value}'`, `\`${value}\``]
    : [String(value)];
  const pair = new RegExp(
    `(?<![\\w$])["']?${escapeRegExp(key)}["']?\\s*:\\s*`,
    "g",
  );
  const out: Place[] = [];
  for (let i = from - 1; i < to && i < lines.length; i++) {
    const text = lines[i]!;
    for (const m of text.matchAll(pair)) {
      const at = m.index + m[0].length;
      if (literals.some((l) => text.startsWith(l, at))) {
        out.push({ file, line: i + 1, col: at + 1, sourceLine: text });
      }
    }
  }
  return out;
}

function keyPattern(key: string): RegExp {
  return new RegExp(`(?<![\\w$])["']?${escapeRegExp(key)}["']?\\s*:`);
}

function isScalar(value: unknown): value is string | number {
  return typeof value === "string" || typeof value === "number";
}
