/**
 * The `orchestrate` binary: the `deno compile` target.
 * @module
 */

import { app, VERSION } from "./cli/app.ts";
import { dispatch, UsageError } from "./cli/command.ts";

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "__check") { // the check helper process (engine/check_process.ts)
    return await (await import("./engine/check_child.ts")).serveChecks();
  }
  if (argv[0] === "--version" || argv[0] === "-V") {
    console.log(`orchestrate ${VERSION}`);
    return 0;
  }
  try {
    return await dispatch(app, argv, "orchestrate");
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}`);
      if (e.help) console.error(`\n${e.help}`);
      return 2;
    }
    console.error(
      `Internal error: ${
        e instanceof Error ? e.stack ?? e.message : String(e)
      }`,
    );
    return 70;
  }
}

Deno.exit(await main(Deno.args));
