/**
 * The `orchestrate` binary: the `deno compile` target. Maps every failure to
 * one message and an exit code (README: "Exit codes"): a `CliError` is
 * printed as it says; a file or folder that cannot be read or written is one
 * `error:` line and exit 74; anything else is a bug: one line, a hint, exit
 * 70 (the stack only with `ORCHESTRATE_DEBUG=1`).
 * @module
 */

import { dispatch } from "./cli/command.ts";
import { treeFor } from "./cli/command_index.ts";
import { CliError, EXIT_CODE, isIoFault } from "./cli/errors.ts";
import { VERSION } from "./version.ts";
import type { ExitCode } from "./exit_code.ts";
import { print, printError } from "./output/stdio.ts";

async function main(argv: string[]): Promise<ExitCode> {
  if (argv[0] === "__check") { // the check helper process (engine/check_process.ts)
    return await (await import("./engine/check_child.ts")).serveChecks();
  }
  if (argv[0] === "__complete") { // values for the shell completions (cli/completions.ts)
    return await (await import("./cli/completions.ts")).completeValues(argv[1]);
  }
  if (argv[0] === "--version" || argv[0] === "-V") {
    print(`orchestrate ${VERSION}`);
    return 0;
  }
  try {
    return await dispatch(await treeFor(argv), argv, "orchestrate");
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): ExitCode {
  if (e instanceof CliError) {
    printError(e.text());
    return e.exitCode;
  }
  const debug = Deno.env.get("ORCHESTRATE_DEBUG") === "1";
  const message = e instanceof Error ? e.message : String(e);
  const firstLine = message.split("\n")[0]!;
  if (isIoFault(e)) {
    printError(`error: ${firstLine}`);
    if (debug && e instanceof Error && e.stack) printError(e.stack);
    return EXIT_CODE.io;
  }
  const name = e instanceof Error ? e.name : typeof e;
  printError(`Internal error (a bug in orchestrate): ${name}: ${firstLine}`);
  if (debug) {
    printError(e instanceof Error ? e.stack ?? message : message);
  } else {
    printError(
      "hint: run again with ORCHESTRATE_DEBUG=1 to see where it happened, and report it",
    );
  }
  return EXIT_CODE.internal;
}

Deno.exit(await main(Deno.args));
