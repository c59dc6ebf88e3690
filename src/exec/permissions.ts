/**
 * Task permissions → the {@link ProcessPolicy} of its processes. Each
 * category is a stack of layers, all of which must allow: what the plan
 * grants (the task's own `permissions`, else the orchestrator's, else the
 * built-in default), a shard's narrowing, and the run-wide `--allow-*`
 * flags. Names are resolved here: executables to real paths on the task's
 * PATH, paths to absolute ones under the project root.
 * @module
 */

import { resolve } from "../fs/path.ts";
import type { Permissions, Shard, Task } from "../plan/ir.ts";
import { findOnPath } from "./argv.ts";
import {
  childEnv,
  envListAllows,
  isSecretVariable,
} from "./permissions_env.ts";
import type { NetPolicy, ProcessPolicy } from "./policy.ts";

/** A permission category, as in the plan and in the `--allow-*` flags. */
export type Category = "run" | "read" | "write" | "env" | "net";

/** The categories, in the order messages and the IR list them. */
export const CATEGORIES: readonly Category[] = [
  "run",
  "read",
  "write",
  "env",
  "net",
];

/**
 * The run-wide restriction (`--allow-run=git,cargo` ...): a category left
 * out is not restricted by the run; an empty list allows nothing (`none`).
 */
export type RunFlags = { readonly [C in Category]?: readonly string[] };

/**
 * The value of an `--allow-*` flag as a list: comma-separated, `none` (or
 * nothing) for an empty list.
 *
 * @example
 * ```ts
 * import { parseAllowList } from "./permissions.ts";
 * parseAllowList("git, cargo"); // ["git", "cargo"]
 * parseAllowList("none"); // []
 * ```
 */
export function parseAllowList(value: string): string[] {
  if (value.trim() === "none") return [];
  return value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * What a task without `permissions` may do: start any program, read and
 * write anything the user may (except its forbidden paths), reach the
 * network, and get the orchestrator's environment minus secret-looking
 * variables. Deliberately unconfined, so ordinary builds (caches in HOME,
 * files shared through /tmp, docker) keep working and pay no sandbox cost;
 * declaring `write` or `net`, or running with `--allow-write`/`--allow-net`,
 * confines a task.
 */
export const DEFAULT_PERMISSIONS: Readonly<Required<Permissions>> = {
  run: true,
  read: true,
  write: true,
  env: true,
  net: true,
};

/** What the access of a run is computed from. */
export interface AccessSource {
  /** The project root (absolute). */
  root: string;
  /** The orchestrator's defaults (`orchestrator.permissions`). */
  defaults?: Permissions;
  flags: RunFlags;
  /** The orchestrator's own environment. */
  env: Readonly<Record<string, string>>;
  /**
   * The values masked in every task's output: every secret the run knows
   * of, granted or withheld (see `runSecrets`). Default: the secret values
   * of `env`.
   */
  secrets?: readonly string[];
}

/** One layer of a category: all, none, or a list as written. */
type Layer = boolean | readonly string[];

/**
 * The access of one task (or one shard of it, or the final build): its
 * {@link ProcessPolicy} and the refusals that name the flag to change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TaskAccess } from "./permissions.ts";
 * const access = new TaskAccess(
 *   { root: "/repo", flags: { write: ["src"] }, env: { PATH: "/usr/bin", NPM_TOKEN: "abcd" } },
 *   null, null, {},
 * );
 * assert.deepEqual(access.policy.write, ["/repo/src"]);
 * assert.equal(access.policy.env.NPM_TOKEN, undefined);
 * ```
 */
export class TaskAccess {
  readonly policy: ProcessPolicy;
  #source: AccessSource;
  #who: string;
  /** The task's and the shard's own declarations (what it asks for). */
  #own: Permissions[];
  /** Per category: the plan's layers (defaults or the task's, then the shard's). */
  #plan: Record<Category, Layer[]>;

  constructor(
    source: AccessSource,
    task: Task | null,
    shard: Shard | null,
    extraEnv: Readonly<Record<string, string>>,
  ) {
    this.#source = source;
    this.#who = shard
      ? `shard ${shard.id}`
      : task
      ? `task ${task.id}`
      : "the final build";
    this.#own = [task?.permissions, shard?.permissions].filter((p) =>
      p !== undefined
    );
    const layers = {} as Record<Category, Layer[]>;
    for (const c of CATEGORIES) {
      const base = task?.permissions?.[c] ?? source.defaults?.[c] ??
        DEFAULT_PERMISSIONS[c];
      const narrow = shard?.permissions?.[c];
      layers[c] = narrow === undefined ? [base] : [base, narrow];
    }
    this.#plan = layers;
    const all = (c: Category): Layer[] => {
      const flag = source.flags[c];
      return flag === undefined ? layers[c] : [...layers[c], flag];
    };
    const granted = filteredEnv(
      source.env,
      all("env").map((l) => l === true ? true : l === false ? [] : l),
    );
    const env = { ...granted, ...extraEnv };
    const path = env.PATH ?? "";
    const forbidden = [
      ...task?.paths.forbidden ?? [],
      ...task?.constraints.forbidden_paths ?? [],
      ...shard?.paths.forbidden ?? [],
    ].map((p) => resolve(source.root, p));
    const write = intersectPaths(
      all("write").map((l) => this.#paths(l)),
    );
    // The plan's `out/`: a folder, to be created when missing.
    const folders = new Set(
      all("write").flatMap((l) =>
        Array.isArray(l)
          ? l.filter((p) => p.endsWith("/")).map((p) => resolve(source.root, p))
          : []
      ),
    );
    const writeFolders = write === "all"
      ? []
      : write.filter((p) => folders.has(p));
    this.policy = {
      run: intersectSets(
        all("run").map((l) => resolvePrograms(l, path, source.root)),
      ),
      read: intersectPaths(all("read").map((l) => this.#paths(l))),
      write,
      ...(writeFolders.length > 0 ? { writeFolders } : {}),
      forbidden,
      net: intersectNet(all("net")),
      env,
      // Withheld secrets too: a task may print one it read some other way.
      secrets: [
        ...(source.secrets ?? secretValues(source.env)),
        ...secretValues(extraEnv),
      ],
    };
  }

  /**
   * Why the program a command spawns (`argv[0]`) may not start, naming the
   * permission or flag that would allow it, or null when it may. `line` is
   * the command line, for the message.
   */
  refuseProgram(program: string, line: string, cwd: string): string | null {
    // The common case costs no lookup: every program allowed, by the plan, the run and Deno.
    if (this.policy.run === "all" && denoMayRun(program)) return null;
    const found = locate(program, this.policy.env.PATH ?? "", cwd);
    // A program that does not exist is not refused: it fails as "command not found".
    if (found === null) return null;
    const path = this.policy.env.PATH ?? "";
    const real = realPath(found);
    const shown = `"${program}"${real === program ? "" : ` (${real})`}`;
    const needs = program === "sh" && !line.startsWith("sh ")
      ? `needs a shell, ${shown}, for: ${line}`
      : `may not run ${shown}`;
    const runs = (layers: Layer[]) =>
      intersectSets(
        layers.map((l) => resolvePrograms(l, path, this.#source.root)),
      );
    const allows = (set: "all" | readonly string[]) =>
      set === "all" || set.includes(real);
    if (!allows(runs(this.#plan.run))) {
      return `${this.#who} ${needs}: add "${program}" to its permissions.run`;
    }
    const flag = this.#source.flags.run;
    if (flag !== undefined && !allows(runs([flag]))) {
      return `${this.#who} ${needs}: the run allows only ${
        flagText("run", flag)
      }; run with ${flagText("run", [...flag, program])}`;
    }
    if (!denoMayRun(program)) {
      return `${this.#who} ${needs}: orchestrate itself was started without run access to it; start it with --allow-run (or add ${program} to Deno's --allow-run=...)`;
    }
    return null;
  }

  /**
   * What the task (or shard) declares that the run-wide flags do not allow,
   * as one message naming the flag that would, or null: such a task fails
   * before anything of it is spawned.
   */
  refuseDeclared(): string | null {
    const flags = this.#source.flags;
    for (const own of this.#own) {
      for (const c of CATEGORIES) {
        const declared = own[c], flag = flags[c];
        if (!Array.isArray(declared) || flag === undefined) continue;
        const missing = declared.filter((item) =>
          !this.#flagAllows(c, flag, item)
        );
        if (missing.length > 0) {
          return `${this.#who} needs ${c} access to ${
            missing.map((m) => `"${m}"`).join(", ")
          }, which the run does not allow (${flagText(c, flag)}); run with ${
            flagText(c, [...flag, ...missing])
          }`;
        }
      }
    }
    return null;
  }

  #flagAllows(c: Category, flag: readonly string[], item: string): boolean {
    switch (c) {
      case "env":
        return envListAllows(flag, item) ||
          (item.endsWith("*") && flag.includes(item));
      case "net":
        return intersectNet([[item], flag]) !== false;
      case "run": {
        const path = this.policy.env.PATH ?? "";
        const want = resolvePrograms([item], path, this.#source.root);
        const have = resolvePrograms(flag, path, this.#source.root);
        return flag.includes(item) ||
          (want !== "all" && have !== "all" && want.length > 0 &&
            want.every((p) => have.includes(p)));
      }
      case "read":
      case "write": {
        const want = resolve(this.#source.root, item);
        return flag.some((p) => isWithin(want, resolve(this.#source.root, p)));
      }
    }
  }

  #paths(layer: Layer): "all" | string[] {
    if (layer === true) return "all";
    if (layer === false) return [];
    return layer.map((p) => resolve(this.#source.root, p));
  }
}

/** `--allow-run=git,cargo` (`--allow-net=none` for an empty list). */
export function flagText(c: Category, list: readonly string[]): string {
  return `--allow-${c}=${
    list.length === 0 ? "none" : [...new Set(list)].join(",")
  }`;
}

/** Filtered environments by source and lists: most tasks of a big plan share one. */
const envCache = new WeakMap<object, Map<string, Record<string, string>>>();

function filteredEnv(
  from: Readonly<Record<string, string>>,
  lists: (true | readonly string[])[],
): Record<string, string> {
  let byLists = envCache.get(from);
  if (byLists === undefined) envCache.set(from, byLists = new Map());
  const key = JSON.stringify(lists);
  let env = byLists.get(key);
  if (env === undefined) byLists.set(key, env = childEnv(from, lists));
  return env;
}

/** Values of the secret variables of an environment (cached: a run shares a few). */
function secretValues(env: Readonly<Record<string, string>>): string[] {
  let values = secretCache.get(env);
  if (values === undefined) {
    values = Object.entries(env)
      .filter(([name, value]) => isSecretVariable(name, value))
      .map(([, value]) => value);
    secretCache.set(env, values);
  }
  return values;
}

const secretCache = new WeakMap<object, string[]>();

/** The file `program` (argv[0]) starts: found on `path`, or a path against `cwd`; null when none. */
function locate(program: string, path: string, cwd: string): string | null {
  if (!program.includes("/")) return findOnPath(program, path);
  const file = resolve(cwd, program);
  try {
    return Deno.statSync(file).isFile ? file : null;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** The real path of `path`, or `path` when it cannot be resolved. */
function realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotCapable
    ) return path;
    throw e;
  }
}

/**
 * A `run` layer as real paths: a name is the program it starts, the first
 * match on PATH (not every file of that name on PATH: a `git` that is a
 * link to `sh` further down would let `sh` run), paths as given.
 */
function resolvePrograms(
  layer: Layer,
  path: string,
  root: string,
): "all" | string[] {
  if (layer === true) return "all";
  if (layer === false) return [];
  const out = new Set<string>();
  for (const entry of layer) {
    if (entry.includes("/")) {
      out.add(realPath(resolve(root, entry)));
      continue;
    }
    const found = findOnPath(entry, path);
    if (found !== null) out.add(realPath(found));
  }
  return [...out];
}

function intersectSets(sets: ("all" | string[])[]): "all" | string[] {
  let result: "all" | string[] = "all";
  for (const set of sets) {
    result = result === "all"
      ? set
      : set === "all"
      ? result
      : result.filter((x) => set.includes(x));
  }
  return result;
}

/** Whether `path` is `folder` or below it. */
function isWithin(path: string, folder: string): boolean {
  return path === folder ||
    path.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
}

/** The paths every list allows: the deeper of each pair where one holds the other. */
function intersectPaths(lists: ("all" | string[])[]): "all" | string[] {
  let result: "all" | string[] = "all";
  for (const list of lists) {
    if (list === "all") continue;
    if (result === "all") {
      result = [...list];
      continue;
    }
    const next = new Set<string>();
    for (const a of result) {
      for (const b of list) {
        if (isWithin(a, b)) next.add(a);
        else if (isWithin(b, a)) next.add(b);
      }
    }
    result = [...next];
  }
  return result;
}

/** Hosts every layer allows (`host` allows `host:port`). */
function intersectNet(layers: Layer[]): NetPolicy {
  let result: NetPolicy = true;
  for (const layer of layers) {
    if (layer === true) continue;
    if (layer === false) return false;
    if (result === true) {
      result = [...layer];
      continue;
    }
    const next = new Set<string>();
    for (const a of result) {
      for (const b of layer) {
        if (a === b || a.startsWith(`${b}:`)) next.add(a);
        else if (b.startsWith(`${a}:`)) next.add(b);
      }
    }
    result = [...next];
  }
  return Array.isArray(result) && result.length === 0 ? false : result;
}

/** Whether this process itself may start `program` (Deno's own `--allow-run`). */
export function denoMayRun(program: string): boolean {
  runGranted ??=
    Deno.permissions.querySync({ name: "run" }).state === "granted";
  return runGranted ||
    Deno.permissions.querySync({ name: "run", command: program }).state ===
      "granted";
}
let runGranted: boolean | undefined;

/**
 * The last check before a spawn (layer 1), on the policy alone: why
 * `program` (argv[0], resolved on the policy's PATH or against `cwd`) may
 * not start, or null. The workspace has already refused, with the flag to
 * change, every program a task's steps name; this catches the rest.
 *
 * @example
 * ```ts ignore
 * refuseSpawn("curl", { ...policy, run: ["/usr/bin/git"] }, "/repo");
 * // '"curl" (/usr/bin/curl) is not among the programs this task may run (permissions.run, --allow-run)'
 * ```
 */
export function refuseSpawn(
  program: string,
  policy: ProcessPolicy,
  cwd: string,
): string | null {
  if (policy.run !== "all") {
    const found = locate(program, policy.env.PATH ?? "", cwd);
    const real = found === null ? null : realPath(found);
    if (real !== null && !policy.run.includes(real)) {
      return `"${program}" (${real}) is not among the programs this task may run (permissions.run, --allow-run)`;
    }
  }
  if (!denoMayRun(program)) {
    return `orchestrate itself was started without run access to "${program}": start it with --allow-run (or add ${program} to Deno's --allow-run=...)`;
  }
  return null;
}
