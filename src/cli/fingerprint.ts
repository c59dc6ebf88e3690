/**
 * `orchestrate fingerprint TASK [--needs-from DIR]`: the up-to-date
 * fingerprint `run --task TASK --only --needs-from DIR` would give the
 * task, for a CI cache key (an exported workflow keys `actions/cache` by
 * it). Prints nothing when the task has none (no `inputs`, or a dependency
 * without a fingerprint): such a task is never skipped, so never cached.
 * @module
 */

import { defineCommand } from "./command.ts";
import { EXIT_CODE, UsageError } from "./errors.ts";
import { FILE_OPTION, loadPlanOrThrow } from "./plan_source.ts";

/** The `fingerprint` command. */
export const fingerprintCommand = defineCommand({
  name: "fingerprint",
  summary:
    "Print a task's up-to-date fingerprint (empty when it has none), e.g. for a CI cache key",
  args: [{ name: "task", required: true }],
  options: {
    file: FILE_OPTION,
    "needs-from": {
      type: "string",
      value: "DIR",
      description:
        "Run logs of other machines (any *.jsonl below DIR) where its dependencies completed, as `run --only` reads them",
    },
  },
  run: async ({ options, positionals }) => {
    const [
      { resolveTarget },
      { definitionHashes, fingerprint },
      { onlyFacts },
      { RunStore },
      { print, printError },
      { RunRefused },
    ] = await Promise.all([
      import("../engine/selection.ts"),
      import("../engine/fingerprint.ts"),
      import("../engine/only.ts"),
      import("../events/store.ts"),
      import("../output/stdio.ts"),
      import("../engine/refused.ts"),
    ]);
    const loaded = await loadPlanOrThrow(options.file);
    let id: string;
    try {
      id = resolveTarget(loaded.plan, positionals[0]!);
    } catch (e) {
      if (e instanceof RunRefused) throw new UsageError(e.message);
      throw e;
    }
    const needsFrom = options["needs-from"] ?? null;
    if (needsFrom !== null) {
      const info = await Deno.stat(needsFrom).catch(() => null);
      if (!info?.isDirectory) {
        throw new UsageError(`--needs-from ${needsFrom}: no such folder`);
      }
    }
    const task = loaded.plan.tasks.find((t) => t.id === id)!;
    const hashes = definitionHashes(loaded.plan);
    const facts = await onlyFacts(
      task,
      hashes,
      new RunStore(loaded.root),
      null,
      needsFrom,
      printError,
    );
    const why = task.inputs.length === 0
      ? "it declares no inputs"
      : facts.missing !== null
      ? facts.missing.reason
      : task.dependencies.filter((d) => facts.done.get(d) === null)
        .map((d) => `dependency ${d} has no fingerprint`)[0];
    if (why !== undefined) {
      printError(`${id} has no fingerprint: ${why}`);
      return EXIT_CODE.ok;
    }
    const print_ = await fingerprint(
      loaded.root,
      task,
      hashes[id]!,
      task.dependencies.map((d) => facts.done.get(d) ?? null),
    );
    print(print_ ?? "");
    return EXIT_CODE.ok;
  },
});
