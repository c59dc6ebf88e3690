/**
 * A small declarative command table: flags parsed with `node:util`'s
 * `parseArgs` (commander would add ~35 ms to every start; see the commit),
 * typed from the table, and help generated from it.
 * @module
 */

import { parseArgs } from "./parse_args.ts";
import { print } from "../output/stdio.ts";
import { UsageError } from "./errors.ts";
import type { ExitCode } from "../exit_code.ts";

export { UsageError };

interface _OptionBase {
  description: string;
  short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
}

/** A flag that takes a text value: `--file plan.yml`. */
export interface StringOption extends _OptionBase {
  type: "string";
}

/** A flag that is on or off: `--force`. */
export interface BooleanOption extends _OptionBase {
  type: "boolean";
}

/** A flag that takes a whole number of at least `min` (default 0): `--concurrency 4`. */
export interface IntegerOption extends _OptionBase {
  type: "integer";
  min?: number;
}

/** One flag of a command. */
export type OptionSpec = StringOption | BooleanOption | IntegerOption;

/** The flags of a command, by long name. */
export type OptionSpecs = Record<string, OptionSpec>;

/** The value a flag gives its command: text, a number or a switch. */
export type OptionValue<T extends OptionSpec> = [T] extends [StringOption]
  ? string
  : [T] extends [IntegerOption] ? number
  : boolean;

/**
 * The parsed flags of a command, typed from its table: every flag is
 * optional (absent when not given). A table typed only as
 * {@link OptionSpecs} (no literal names) gives loose values.
 */
export type OptionValues<O extends OptionSpecs> = string extends keyof O
  ? Record<string, string | boolean | undefined>
  : { -readonly [K in keyof O]?: OptionValue<O[K]> };

/** Parsed flags and positionals handed to a command. */
export interface Invocation<O extends OptionSpecs = OptionSpecs> {
  options: OptionValues<O>;
  positionals: string[];
}

/** A command or a group of subcommands. */
export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  name: string;
  summary: string;
  /** Positional arguments, for help and arity checks (`repeats`: the last one may come many times). */
  args?: { name: string; required: boolean; repeats?: boolean }[];
  options?: O;
  subcommands?: CommandSpec[];
  /**
   * Runs the command; returns its exit code, or throws a `CliError`
   * (`UsageError`, `PlanInvalid`, ...) for an expected failure.
   */
  /** Resolves to its exit code: one of the table's (see `exit_code.ts`). */
  run?(invocation: Invocation<O>): Promise<ExitCode>;
}

/**
 * Declares a command whose `run` sees its flags typed from `options`:
 * a `string` flag is a `string`, an `integer` flag a `number`, a `boolean`
 * flag a `boolean`, and each may be absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineCommand, dispatch } from "./command.ts";
 * let seen = 0;
 * const add = defineCommand({
 *   name: "add",
 *   summary: "Add",
 *   options: { times: { type: "integer", min: 1, description: "How often" } },
 *   run({ options }) {
 *     seen = options.times ?? 1; // a number, not a string
 *     return Promise.resolve(0);
 *   },
 * });
 * assert.equal(await dispatch(add, ["--times", "3"], "add"), 0);
 * assert.equal(seen, 3);
 * ```
 */
export function defineCommand<const O extends OptionSpecs>(
  spec: CommandSpec<O>,
): CommandSpec {
  return spec as unknown as CommandSpec;
}

const HELP: BooleanOption = {
  type: "boolean",
  short: "h",
  description: "Show this help",
};

/**
 * `-C DIR` / `--cwd DIR`, on every command: change to DIR first, as
 * `git -C` does (before the command's name or among its flags; each one
 * relative to the one before; `""` changes nothing).
 */
export const CWD_OPTION: StringOption = {
  type: "string",
  short: "C",
  value: "DIR",
  description: "Run as if started in DIR",
};

/**
 * `--param KEY=VALUE`, on every command: a value a TypeScript plan's
 * function form receives (repeatable; see `plan/params.ts`).
 */
export const PARAM_OPTION: StringOption = {
  type: "string",
  value: "KEY=VALUE",
  description: "A parameter for a TypeScript plan's function form (repeatable)",
};

/**
 * Changes the working directory for `-C DIR`.
 * @throws {UsageError} When DIR is missing, not a folder, or not allowed.
 */
function changeDirectory(dir: string): void {
  if (dir === "") return;
  try {
    Deno.chdir(dir);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "no such folder"
      : e instanceof Deno.errors.NotADirectory
      ? "not a folder"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : null;
    if (why === null) throw e;
    throw new UsageError(`Cannot change to "${dir}" (-C): ${why}`);
  }
}

/** One of the leading `-C`/`--cwd` flags: its folder, or the flag given without one. */
type LeadingCwd = { dir: string } | { missing: string };

/**
 * The `-C`/`--cwd` flags at the start of `argv` (before a command's name),
 * in order, and where the rest starts; a flag without its folder ends them.
 */
function leadingCwd(argv: string[]): { flags: LeadingCwd[]; rest: number } {
  const flags: LeadingCwd[] = [];
  let i = 0;
  for (;;) {
    const arg = argv[i];
    if (arg === undefined) return { flags, rest: i };
    if (arg === "-C" || arg === "--cwd") {
      const dir = argv[i + 1];
      if (dir === undefined) {
        flags.push({ missing: arg });
        return { flags, rest: argv.length };
      }
      flags.push({ dir });
      i += 2;
    } else if (arg.startsWith("--cwd=")) {
      flags.push({ dir: arg.slice("--cwd=".length) });
      i += 1;
    } else if (/^-C./.test(arg)) {
      flags.push({ dir: arg.slice(2) });
      i += 1;
    } else return { flags, rest: i };
  }
}

/**
 * Applies the `-C`/`--cwd` flags at the start of `argv` (before a command's
 * name) and returns the rest.
 */
function takeLeadingCwd(argv: string[], help: () => string): string[] {
  const { flags, rest } = leadingCwd(argv);
  for (const flag of flags) {
    if ("missing" in flag) {
      throw new UsageError(
        `Option "${flag.missing}" needs a folder: ${flag.missing} DIR`,
        help(),
      );
    }
    changeDirectory(flag.dir);
  }
  return argv.slice(rest);
}

/**
 * The command `argv` names: its first word after the leading `-C`/`--cwd`
 * flags, or `undefined` when there is none (or a `-C` lacks its folder).
 * Changes nothing: {@link dispatch} applies the flags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandName } from "./command.ts";
 * assert.equal(commandName(["-C", "sub", "plan", "validate"]), "plan");
 * assert.equal(commandName(["--cwd=sub"]), undefined);
 * assert.equal(commandName(["-C"]), undefined);
 * ```
 */
export function commandName(argv: string[]): string | undefined {
  return argv[leadingCwd(argv).rest];
}

/**
 * Finds the command named by `argv`, parses its flags and runs it.
 * Returns the exit code; throws {@link UsageError} for bad usage, and lets
 * the command's own `CliError`s through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defineCommand, dispatch, UsageError } from "./command.ts";
 * const root = {
 *   name: "tool",
 *   summary: "A tool",
 *   subcommands: [defineCommand({ name: "go", summary: "Go", run: () => Promise.resolve(0) })],
 * };
 * assert.equal(await dispatch(root, ["go"], "tool"), 0);
 * await assert.rejects(dispatch(root, ["og"], "tool"), UsageError);
 * ```
 */
export async function dispatch(
  spec: CommandSpec,
  argv: string[],
  trail: string,
): Promise<ExitCode> {
  if (spec.subcommands) {
    const [first, ...rest] = takeLeadingCwd(
      argv,
      () => helpText(spec, trail),
    );
    if (
      first === undefined || first === "--help" || first === "-h" ||
      first === "help"
    ) {
      print(helpText(spec, trail));
      return 0;
    }
    const sub = spec.subcommands.find((c) => c.name === first);
    if (!sub) {
      if (first.startsWith("-")) {
        const flags = trail === spec.name
          ? ["help", "version", "cwd"]
          : ["help", "cwd"];
        const near = await closest(first.replace(/^-+/, ""), flags);
        throw new UsageError(
          `Unknown option "${first}"${
            near ? `: did you mean "--${near}"?` : ""
          }`,
          helpText(spec, trail),
        );
      }
      const near = await closest(first, spec.subcommands.map((c) => c.name));
      throw new UsageError(
        `Unknown command "${first}"${near ? `: did you mean "${near}"?` : ""}`,
        helpText(spec, trail),
      );
    }
    return await dispatch(sub, rest, `${trail} ${sub.name}`);
  }
  const specs: OptionSpecs = {
    ...spec.options,
    cwd: CWD_OPTION,
    param: PARAM_OPTION,
    help: HELP,
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: _attachNegativeValues(argv, specs),
      options: _parseArgsOptions(specs),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const message = (e as Error).message;
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    if (flag && /Unknown option/.test(message)) {
      const near = await closest(flag.replace(/^-+/, ""), Object.keys(specs));
      throw new UsageError(
        `Unknown option "${flag}"${near ? `: did you mean "--${near}"?` : ""}`,
        helpText(spec, trail),
      );
    }
    throw new UsageError(message.split("\n")[0]!, helpText(spec, trail));
  }
  if (parsed.values.help) {
    print(helpText(spec, trail));
    return 0;
  }
  const args = spec.args ?? [];
  const required = args.filter((a) => a.required).length;
  if (parsed.positionals.length < required) {
    throw new UsageError(
      `Missing argument <${args[parsed.positionals.length]!.name}>`,
      helpText(spec, trail),
    );
  }
  if (
    parsed.positionals.length > args.length && !args.at(-1)?.repeats
  ) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[args.length]}"`,
      helpText(spec, trail),
    );
  }
  const { cwd: dirs, param, ...given } = parsed.values;
  for (const dir of (dirs ?? []) as string[]) changeDirectory(dir);
  if (param !== undefined) {
    const { parseParams, setPlanParams } = await import("../plan/params.ts");
    const params = parseParams(param as string[]);
    if (!params.ok) throw new UsageError(params.message, helpText(spec, trail));
    setPlanParams(params.params);
  }
  const values = { ...given } as Record<
    string,
    string | number | boolean | undefined
  >;
  for (const [name, option] of Object.entries(specs)) {
    const raw = values[name];
    if (option.type === "integer" && typeof raw === "string") {
      values[name] = parseInteger(name, raw, option.min ?? 0);
    }
  }
  return await spec.run!({
    options: values as Invocation["options"],
    positionals: parsed.positionals,
  });
}

/** The did-you-mean of a wrong name; its distance package is loaded only for a mistake. */
async function closest(
  name: string,
  candidates: readonly string[],
): Promise<string | undefined> {
  return (await import("../plan/suggest.ts")).closest(name, candidates);
}

/**
 * The value of an integer flag, or a {@link UsageError} that says what is
 * wrong with it.
 *
 * @param name The flag's long name.
 * @param raw The text given.
 * @param min The least value allowed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInteger } from "./command.ts";
 * assert.equal(parseInteger("concurrency", "4", 1), 4);
 * assert.throws(() => parseInteger("concurrency", "-1", 1), /at least 1/);
 * assert.throws(() => parseInteger("concurrency", "1.5", 1), /whole number/);
 * ```
 */
export function parseInteger(name: string, raw: string, min: number): number {
  const text = raw.trim();
  const what = `--${name} must be a whole number of at least ${min}`;
  if (!/^[+-]?\d+(\.\d*)?$|^[+-]?\.\d+$/.test(text)) {
    throw new UsageError(`${what}; "${raw}" is not a number`);
  }
  const n = Number(text);
  if (!Number.isInteger(n)) {
    throw new UsageError(`${what}; "${raw}" is not a whole number`);
  }
  if (n < min) {
    throw new UsageError(`${what}; got ${n}`);
  }
  if (!Number.isSafeInteger(n)) {
    throw new UsageError(`${what}; "${raw}" is too large`);
  }
  return n;
}

// parseArgs refuses `--concurrency -1` as "ambiguous" (the value looks like a flag):
// attach a value that looks like a negative number, so the flag's check can say what is wrong.
function _attachNegativeValues(argv: string[], specs: OptionSpecs): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(specs)) {
    if (o.type === "boolean") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (
      takesValue.has(arg) && next !== undefined && /^-[\d.]/.test(next)
    ) {
      out.push(arg.startsWith("--") ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

interface _ParseArgsOption {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}

function _parseArgsOptions(
  specs: OptionSpecs,
): Record<string, _ParseArgsOption> {
  const options: Record<string, _ParseArgsOption> = {};
  for (const [name, o] of Object.entries(specs)) {
    options[name] = {
      type: o.type === "boolean" ? "boolean" : "string",
      ...(o.short ? { short: o.short } : {}),
      // `-C a -C b` applies both, in order, as git does.
      ...(o === CWD_OPTION || o === PARAM_OPTION ? { multiple: true } : {}),
    };
  }
  return options;
}

/**
 * Help text generated from the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helpText } from "./command.ts";
 * const text = helpText({ name: "go", summary: "Go somewhere" }, "tool go");
 * assert.ok(text.startsWith("Usage: tool go [options]\n\nGo somewhere"));
 * ```
 */
export function helpText(spec: CommandSpec, trail: string): string {
  const lines: string[] = [];
  const argText = (spec.args ?? []).map((
    a,
  ) => {
    const name = a.repeats ? `${a.name}...` : a.name;
    return a.required ? `<${name}>` : `[${name}]`;
  }).join(" ");
  if (spec.subcommands) {
    lines.push(
      `Usage: ${trail} <command> [options]`,
      "",
      spec.summary,
      "",
      "Commands:",
    );
    const width = Math.max(...spec.subcommands.map((c) => c.name.length));
    for (const c of spec.subcommands) {
      lines.push(`  ${c.name.padEnd(width)}  ${c.summary}`);
    }
    if (trail === spec.name) {
      lines.push(
        "",
        "Options:",
        `  -C, --cwd <DIR>  ${CWD_OPTION.description}`,
        "  -V, --version    Print the version",
        "  -h, --help       Show this help",
      );
    }
    lines.push("", `Run "${trail} <command> --help" for a command's options.`);
  } else {
    lines.push(
      `Usage: ${trail}${argText ? " " + argText : ""} [options]`,
      "",
      spec.summary,
      "",
      "Options:",
    );
    const entries = Object.entries({
      ...spec.options,
      cwd: CWD_OPTION,
      param: PARAM_OPTION,
      help: HELP,
    }).map(
      ([name, o]) => {
        const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${
          o.value ? ` <${o.value}>` : ""
        }`;
        return [flag, o.description] as const;
      },
    );
    const width = Math.max(...entries.map(([f]) => f.length));
    for (const [flag, description] of entries) {
      lines.push(`  ${flag.padEnd(width)}  ${description}`);
    }
  }
  return lines.join("\n");
}
