/**
 * `parseArgs` of `node:util`, for the subset the command table uses (string
 * and boolean flags with optional short names, strict, positionals
 * allowed), with the same results and the same error messages. Importing
 * `node:util` starts Deno's Node compatibility layer: about 10 ms of every
 * command's start-up, for one function. A test checks that both agree on
 * random command lines.
 * @module
 */

/** One flag, as `node:util`'s `parseArgs` takes it. */
export interface ParseArgsOption {
  type: "string" | "boolean";
  short?: string;
  /** Collect every occurrence into a list (in order), as `node:util` does. */
  multiple?: boolean;
}

/** What {@link parseArgs} takes (always strict, positionals allowed). */
export interface ParseArgsConfig {
  args: readonly string[];
  options: Record<string, ParseArgsOption>;
  allowPositionals: true;
  strict: true;
}

/** What {@link parseArgs} returns. */
export interface ParsedArgs {
  /** Flags given (null prototype): text, or `true` for a switch; a list for `multiple`. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

interface OptionToken {
  name: string;
  rawName: string;
  value: string | undefined;
  inlineValue: boolean | undefined;
}

/** The error `node:util` throws for a bad command line (a `TypeError` with a `code`). */
function parseError(
  code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" | "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
  message: string,
): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/**
 * Parses `args` against `options` as `node:util`'s `parseArgs` does with
 * `strict: true` and `allowPositionals: true`.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./parse_args.ts";
 * const { values, positionals } = parseArgs({
 *   args: ["-f", "plan.yml", "--force", "deploy"],
 *   options: { file: { type: "string", short: "f" }, force: { type: "boolean" } },
 *   allowPositionals: true,
 *   strict: true,
 * });
 * values.file; // "plan.yml"
 * values.force; // true
 * positionals; // ["deploy"]
 * ```
 */
export function parseArgs(config: ParseArgsConfig): ParsedArgs {
  const { options } = config;
  const values: ParsedArgs["values"] = Object.create(null);
  const positionals: string[] = [];
  const typeOf = (name: string) =>
    Object.hasOwn(options, name) ? options[name]!.type : undefined;
  const longFor = (short: string) =>
    Object.entries(options).find(([, o]) => o.short === short)?.[0] ?? short;

  const option = (token: OptionToken) => {
    if (!Object.hasOwn(options, token.name)) {
      throw parseError(
        "ERR_PARSE_ARGS_UNKNOWN_OPTION",
        `Unknown option '${token.rawName}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${
          JSON.stringify(token.rawName)
        }`,
      );
    }
    const short = options[token.name]!.short;
    const shortAndLong = `${short ? `-${short}, ` : ""}--${token.name}`;
    const type = options[token.name]!.type;
    if (type === "string" && typeof token.value !== "string") {
      throw parseError(
        "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
        `Option '${shortAndLong} <value>' argument missing`,
      );
    }
    if (type === "boolean" && token.value != null) {
      throw parseError(
        "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
        `Option '${shortAndLong}' does not take an argument`,
      );
    }
    const value = token.value;
    if (
      !token.inlineValue && value !== undefined && value.length > 1 &&
      value[0] === "-"
    ) {
      const example = token.rawName.startsWith("--")
        ? `'${token.rawName}=-XYZ'`
        : `'--${token.name}=-XYZ' or '${token.rawName}-XYZ'`;
      throw parseError(
        "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
        `Option '${token.rawName}' argument is ambiguous.\nDid you forget to specify the option argument for '${token.rawName}'?\nTo specify an option argument starting with a dash use ${example}.`,
      );
    }
    if (token.name === "__proto__") return;
    if (options[token.name]!.multiple) {
      const list = values[token.name];
      values[token.name] = [
        ...(Array.isArray(list) ? list : []),
        value ?? true,
      ];
    } else values[token.name] = value ?? true;
  };

  const remaining = [...config.args];
  while (remaining.length > 0) {
    const arg = remaining.shift()!;
    const next = remaining[0];
    if (arg === "--") {
      positionals.push(...remaining);
      break;
    }
    const short = arg.length >= 2 && arg[0] === "-" && arg[1] !== "-";
    if (short && arg.length === 2) { // -f [value]
      const name = longFor(arg[1]!);
      const takes = typeOf(name) === "string" && next !== undefined;
      option({
        name,
        rawName: arg,
        value: takes ? remaining.shift() : undefined,
        inlineValue: takes ? false : undefined,
      });
    } else if (short && typeOf(longFor(arg[1]!)) !== "string") {
      // -abc is -a -b -c; a string flag inside takes the rest: -abfFILE
      const expanded: string[] = [];
      for (let i = 1; i < arg.length; i++) {
        const name = longFor(arg[i]!);
        if (typeOf(name) !== "string" || i === arg.length - 1) {
          expanded.push(`-${arg[i]}`);
        } else {
          expanded.push(`-${arg.slice(i)}`);
          break;
        }
      }
      remaining.unshift(...expanded);
    } else if (short) { // -fFILE
      option({
        name: longFor(arg[1]!),
        rawName: `-${arg[1]}`,
        value: arg.slice(2),
        inlineValue: true,
      });
    } else if (arg.length > 2 && arg.startsWith("--")) {
      const equals = arg.indexOf("=", 3);
      if (equals < 0) { // --file [value]
        const name = arg.slice(2);
        const takes = typeOf(name) === "string" && next !== undefined;
        option({
          name,
          rawName: arg,
          value: takes ? remaining.shift() : undefined,
          inlineValue: takes ? false : undefined,
        });
      } else { // --file=value
        const name = arg.slice(2, equals);
        option({
          name,
          rawName: `--${name}`,
          value: arg.slice(equals + 1),
          inlineValue: true,
        });
      }
    } else {
      positionals.push(arg);
    }
  }
  return { values, positionals };
}
