/**
 * The DSL stays self-contained (it is copied next to a user's plan), so its
 * types are written out again; these type tests tie them to the schema's,
 * so a field added to one and forgotten in the other fails `deno check`.
 */
import assert from "node:assert/strict";
import type { z } from "zod";
import type {
  CheckDefinition,
  PlanDefinition,
  ShardDefinition,
  TaskDefinition,
  TaskType,
} from "../../src/dsl/dsl.ts";
import type {
  CheckObjectSchema,
  PlanFile,
  ShardInput,
  TASK_TYPES,
  TaskInput,
} from "../../src/plan/schema.ts";
import type { IsExact } from "./_type_assert.ts";

/** Field names of an object type (of every member, for unions). */
type Keys<T> = T extends object ? keyof T : never;

const checks: IsExact<
  CheckDefinition,
  z.infer<typeof CheckObjectSchema>
> = true;
const taskTypes: IsExact<TaskType, (typeof TASK_TYPES)[number]> = true;
const taskKeys: IsExact<keyof TaskDefinition, Keys<TaskInput>> = true;
const shardKeys: IsExact<keyof ShardDefinition, Keys<ShardInput>> = true;
// A TS plan imports other files instead of `include:`, and needs no `$schema`.
const planKeys: IsExact<
  keyof PlanDefinition,
  Exclude<Keys<PlanFile>, "include" | "$schema">
> = true;
const projectKeys: IsExact<
  Keys<NonNullable<PlanDefinition["project"]>>,
  Keys<NonNullable<PlanFile["project"]>>
> = true;
const orchestratorKeys: IsExact<
  Keys<NonNullable<PlanDefinition["orchestrator"]>>,
  Keys<NonNullable<PlanFile["orchestrator"]>>
> = true;
const constraintKeys: IsExact<
  Keys<NonNullable<TaskDefinition["constraints"]>>,
  Keys<NonNullable<TaskInput["constraints"]>>
> = true;

Deno.test("dsl types: checks, task types and the fields of tasks, shards and plans match the schema", () => {
  assert.ok(
    checks && taskTypes && taskKeys && shardKeys && planKeys && projectKeys &&
      orchestratorKeys && constraintKeys,
  );
});
