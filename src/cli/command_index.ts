/**
 * Where each top-level command of `orchestrate` is defined, by name, so
 * that running one imports only its own module: importing the whole tree
 * (`app.ts`, every command's module) costs ~7 ms of every start (`plan
 * validate` of a small plan, paired runs). The same objects as in `app.ts`
 * (tests/cli/command_index_test.ts checks both lists agree).
 * @module
 */

import { commandName, type CommandSpec } from "./command.ts";

type Load = () => Promise<CommandSpec>;

/** The root's name, as in `app.ts`: the start of every usage line. */
export const ROOT_NAME = "orchestrate";

/**
 * Each top-level command's loader, in `app.ts`'s order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { COMMANDS } from "./command_index.ts";
 * assert.equal((await COMMANDS.get("status")!()).name, "status");
 * ```
 */
export const COMMANDS: ReadonlyMap<string, Load> = new Map<string, Load>([
  ["plan", async () => (await import("./plan_command.ts")).planCommand],
  ["run", async () => (await import("./run.ts")).runCommand],
  ["resume", async () => (await import("./run.ts")).resumeCommand],
  ["status", async () => (await import("./status.ts")).statusCommand],
  ["list", async () => (await import("./list.ts")).listCommand],
  ["approve", async () => (await import("./approve.ts")).approveCommand],
  ["report", async () => (await import("./report.ts")).reportCommand],
  ["merge", async () => (await import("./merge.ts")).mergeCommand],
  ["graph", async () => (await import("./graph.ts")).graphCommand],
  ["init", async () => (await import("./init.ts")).initCommand],
  ["index", async () => (await import("./index_cmd.ts")).indexCommand],
  ["search", async () => (await import("./search.ts")).searchCommand],
  ["brief", async () => (await import("./brief.ts")).briefCommand],
  ["export", async () => (await import("./export.ts")).exportCommand],
  [
    "fingerprint",
    async () => (await import("./fingerprint.ts")).fingerprintCommand,
  ],
  // The script completes the whole tree: it needs every command anyway.
  ["completions", async () => subcommand(await fullTree(), "completions")],
]);

/**
 * The whole command tree (`app.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fullTree } from "./command_index.ts";
 * assert.ok((await fullTree()).subcommands!.some((c) => c.name === "run"));
 * ```
 */
export async function fullTree(): Promise<CommandSpec> {
  return (await import("./app.ts")).app;
}

function subcommand(tree: CommandSpec, name: string): CommandSpec {
  return tree.subcommands!.find((c) => c.name === name)!;
}

/**
 * The tree to dispatch `argv` to: when it names a known command, a root
 * holding that command alone (imported now), else the whole tree. The
 * two differ only where no command is named (the root help, a wrong
 * name), which the one-command root never meets.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { treeFor } from "./command_index.ts";
 * const tree = await treeFor(["-C", "sub", "plan", "validate"]);
 * assert.deepEqual(tree.subcommands!.map((c) => c.name), ["plan"]);
 * ```
 */
export async function treeFor(argv: string[]): Promise<CommandSpec> {
  const name = commandName(argv);
  const load = name === undefined ? undefined : COMMANDS.get(name);
  if (load === undefined) return await fullTree();
  // Its summary would show only in the root help, which it never prints.
  return { name: ROOT_NAME, summary: "", subcommands: [await load()] };
}
