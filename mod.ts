/**
 * orchestrate: run a repo-local work plan as a DAG. This module is the typed
 * DSL for `orchestrator.ts` plans and the types of the IR they compile to.
 *
 * @example
 * ```ts
 * import { definePlan, defineTask, testsPass } from "./mod.ts";
 *
 * const build = defineTask({ id: "BUILD-001", title: "Build", acceptance: [testsPass("make")] });
 * export default definePlan({ version: 1, tasks: [build] });
 * ```
 * @module
 */

export {
  type CheckDefinition,
  command,
  type CommandDefinition,
  contains,
  type DefinedPlan,
  type DefinedTask,
  definePlan,
  defineTask,
  type Duration,
  fileExists,
  manual,
  matches,
  notContains,
  type PathsDefinition,
  type Permissions,
  type PlanDefinition,
  type RetryDefinition,
  type ShardDefinition,
  type TaskDefinition,
  type TaskType,
  testsPass,
} from "./src/dsl/dsl.ts";
export type {
  Command,
  Grant,
  Paths,
  /** The IR's permissions (the same shape as the DSL's {@link Permissions}). */
  Permissions as PermissionsIR,
  Plan,
  Retry,
  Shard,
  Task,
} from "./src/plan/ir.ts";
export type { Check } from "./src/plan/check.ts";
