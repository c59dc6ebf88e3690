/**
 * A small declarative command table: flags parsed with `node:util`'s
 * `parseArgs` (commander would add ~35 ms to every start; see the commit),
 * help generated from the table.
 * @module
 */

import { parseArgs } from "node:util";
import { closest } from "../plan/suggest.ts";

/** One flag of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  description: string;
  short?: string;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
}

/** Parsed flags and positionals handed to a command. */
export interface Invocation {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A command or a group of subcommands. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments, for help and arity checks. */
  args?: { name: string; required: boolean }[];
  options?: Record<string, OptionSpec>;
  subcommands?: CommandSpec[];
  run?: (invocation: Invocation) => Promise<number>;
}

/** Bad command-line usage: printed as one `error:` line, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
  /** Help of the command it concerns. */
  help: string;
  constructor(message: string, help: string) {
    super(message);
    this.help = help;
  }
}

const HELP: OptionSpec = {
  type: "boolean",
  short: "h",
  description: "Show this help",
};

/**
 * Finds the command named by `argv`, parses its flags and runs it.
 * Returns the exit code; throws {@link UsageError} for bad usage.
 *
 * @example
 * ```ts ignore
 * const code = await dispatch(root, ["plan", "validate", "--file", "p.yml"], "orchestrate");
 * ```
 */
export async function dispatch(
  spec: CommandSpec,
  argv: string[],
  trail: string,
): Promise<number> {
  if (spec.subcommands) {
    const [first, ...rest] = argv;
    if (
      first === undefined || first === "--help" || first === "-h" ||
      first === "help"
    ) {
      console.log(helpText(spec, trail));
      return 0;
    }
    const sub = spec.subcommands.find((c) => c.name === first);
    if (!sub) {
      if (first.startsWith("-")) {
        const flags = trail === spec.name ? ["help", "version"] : ["help"];
        const near = closest(first.replace(/^-+/, ""), flags);
        throw new UsageError(
          `Unknown option "${first}"${
            near ? `: did you mean "--${near}"?` : ""
          }`,
          helpText(spec, trail),
        );
      }
      const near = closest(first, spec.subcommands.map((c) => c.name));
      throw new UsageError(
        `Unknown command "${first}"${near ? `: did you mean "${near}"?` : ""}`,
        helpText(spec, trail),
      );
    }
    return await dispatch(sub, rest, `${trail} ${sub.name}`);
  }
  const options = { ...spec.options, help: HELP };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    const message = (e as Error).message;
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    if (flag && /Unknown option/.test(message)) {
      const near = closest(flag.replace(/^-+/, ""), Object.keys(options));
      throw new UsageError(
        `Unknown option "${flag}"${near ? `: did you mean "--${near}"?` : ""}`,
        helpText(spec, trail),
      );
    }
    throw new UsageError(message.split("\n")[0]!, helpText(spec, trail));
  }
  if (parsed.values.help) {
    console.log(helpText(spec, trail));
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
  if (parsed.positionals.length > args.length) {
    throw new UsageError(
      `Unexpected argument "${parsed.positionals[args.length]}"`,
      helpText(spec, trail),
    );
  }
  return await spec.run!({
    options: parsed.values as Invocation["options"],
    positionals: parsed.positionals,
  });
}

/** Help text generated from the table. */
export function helpText(spec: CommandSpec, trail: string): string {
  const lines: string[] = [];
  const argText = (spec.args ?? []).map((
    a,
  ) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" ");
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
        "  -V, --version  Print the version",
        "  -h, --help     Show this help",
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
    const entries = Object.entries({ ...spec.options, help: HELP }).map(
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
