/**
 * `orchestrate plan validate [--types]`: check a plan, print every problem;
 * with `--types` (or as `plan check`), type-check a TypeScript plan first
 * with the TypeScript compiler built into orchestrate.
 * @module
 */

import { type BooleanOption, defineCommand } from "./command.ts";
import {
  checkPlanOrThrow,
  FILE_OPTION,
  isTsPlan,
  planInvalid,
  planPath,
  refuseSpecialFile,
} from "./plan_source.ts";
import { print, printError } from "../output/stdio.ts";
import { safeText } from "../text/safe_text.ts";
import type { ExitCode } from "../exit_code.ts";

const TYPES_OPTION: BooleanOption = {
  type: "boolean",
  description:
    "Type-check a TypeScript plan first (as deno check would, without Deno)",
};

/** The `plan validate` command. */
export const planValidateCommand = defineCommand({
  name: "validate",
  summary: "Check a plan: schema, ids, dependencies, cycles, checks, paths",
  options: {
    file: FILE_OPTION,
    types: TYPES_OPTION,
    "why-not-cached": {
      type: "boolean",
      description:
        "Say whether the plan is served from the cache, and if not why (a TS plan that reads the environment, files or the clock is evaluated every time)",
    },
  },
  run: ({ options }) =>
    validate(
      options.file,
      options.types === true,
      options["why-not-cached"] === true,
    ),
});

/** The `plan check` command: `plan validate --types`. */
export const planCheckCommand = defineCommand({
  name: "check",
  summary:
    "Type-check a TypeScript plan, then validate it (plan validate --types)",
  options: { file: FILE_OPTION },
  run: ({ options }) => validate(options.file, true),
});

async function validate(
  file: string | undefined,
  types: boolean,
  why = false,
): Promise<ExitCode> {
  const path = planPath(file);
  let typed = "";
  if (types && isTsPlan(path)) {
    await refuseSpecialFile(path);
    // The compiler is ~10 MB of JavaScript: loaded for this command only.
    const { typeCheckPlan } = await import("../plan/ts/type_check.ts");
    const errors = await typeCheckPlan(path, Deno.cwd());
    if (errors.length > 0) throw planInvalid(errors, path);
    typed = ", types checked";
  } else if (types) {
    printError(
      `note: --types checks TypeScript plans; ${path} is checked against the schema`,
    );
  }
  const loaded = await checkPlanOrThrow(path);
  const { plan } = loaded;
  const shards = plan.tasks.reduce((n, t) => n + t.shards.length, 0);
  // \u2014 is an em dash: modules loaded at start-up stay ASCII (faster to load).
  print(
    `${safeText(loaded.file)}: valid plan "${
      safeText(plan.project.name)
    }" \u2014 ${plan.tasks.length} task${
      plan.tasks.length === 1 ? "" : "s"
    }, ${shards} shard${shards === 1 ? "" : "s"}${typed}`,
  );
  if (why) {
    const { whyNotCached } = await import("../plan/cache.ts");
    const reason = await whyNotCached(path);
    print(
      reason === null
        ? "cache: this plan is served from the cache while its files (and --param values) are unchanged"
        : `cache: not cached: ${reason}`,
    );
  }
  return 0;
}
