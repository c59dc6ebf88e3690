/**
 * Regenerates schema/orchestrator.schema.json from the zod schema.
 * Usage: deno task schema [--check]
 * @module
 */

import { z } from "zod";
import { PlanFileSchema } from "../src/plan/schema.ts";

/** The JSON Schema text for plan files. */
export function schemaText(): string {
  const schema = z.toJSONSchema(PlanFileSchema, {
    io: "input",
    unrepresentable: "any",
  });
  return JSON.stringify(
    {
      ...schema,
      $id: "orchestrator.schema.json",
      title: "orchestrate plan (orchestrator.yml)",
      description:
        "A repo-local work plan: tasks, shards, dependencies, commands, acceptance checks, approvals.",
    },
    null,
    2,
  ) + "\n";
}

if (import.meta.main) {
  const target = new URL("../schema/orchestrator.schema.json", import.meta.url);
  await Deno.writeTextFile(target, schemaText());
  console.log(`wrote ${target.pathname}`);
}
