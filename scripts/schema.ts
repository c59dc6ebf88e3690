/**
 * Regenerates the JSON Schemas in schema/ from the zod schema: one for plan
 * files, one for the files a plan includes (`tasks:` only); and the
 * standalone validator `src/plan/plan_guard.ts` (see `plan_guard.ts`).
 * Usage: deno task schema
 * @module
 */

import { z } from "zod";
import { IncludeFileSchema, PlanFileSchema } from "../src/plan/schema.ts";
import { GUARD_PATH, writeGuard } from "./plan_guard.ts";

/** Each generated file of schema/ and its zod source. */
export const SCHEMAS = {
  "orchestrator.schema.json": {
    source: PlanFileSchema,
    title: "orchestrate plan (orchestrator.yml)",
    description:
      "A repo-local work plan: tasks, shards, dependencies, commands, acceptance checks, approvals.",
  },
  "orchestrator-include.schema.json": {
    source: IncludeFileSchema,
    title: "orchestrate included tasks (a file named by a plan's include:)",
    description: "More tasks for the plan that includes this file.",
  },
} as const;

/**
 * The JSON Schema text of one file of schema/.
 *
 * @example
 * ```ts
 * import { schemaText } from "./schema.ts";
 * JSON.parse(schemaText()).required; // ["version"]
 * ```
 */
export function schemaText(
  name: keyof typeof SCHEMAS = "orchestrator.schema.json",
): string {
  const { source, title, description } = SCHEMAS[name];
  const schema = z.toJSONSchema(source, {
    io: "input",
    unrepresentable: "any",
  });
  return JSON.stringify({ ...schema, $id: name, title, description }, null, 2) +
    "\n";
}

if (import.meta.main) {
  for (const name of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
    const target = new URL(`../schema/${name}`, import.meta.url);
    await Deno.writeTextFile(target, schemaText(name));
    console.log(`wrote ${target.pathname}`);
  }
  await writeGuard();
  console.log(`wrote ${GUARD_PATH.pathname}`);
}
