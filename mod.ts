/**
 * orchestrate: run a repo-local work plan as a DAG. This module is the typed
 * DSL for `orchestrator.ts` plans: `defineTask`, `definePlan`, the check
 * helpers, and a named type for each part of a plan, so helpers of your own
 * can be typed too.
 *
 * @example
 * ```ts
 * import { definePlan, defineTask, testsPass } from "orchestrate";
 *
 * const build = defineTask({ id: "BUILD-001", title: "Build", acceptance: [testsPass("make")] });
 * export default definePlan({ version: 1, tasks: [build] });
 * ```
 * @module
 */

export {
  type AcceptanceCheck,
  type AgentDefaultsDefinition,
  type AgentDefinition,
  type ApprovalsDefinition,
  type BadDependencies,
  type BadGates,
  type CheckDefinition,
  type CheckedTask,
  type CheckedTasks,
  type CheckString,
  command,
  type CommandDefinition,
  type CommandPolicy,
  type Commands,
  type ConstraintsDefinition,
  contains,
  type CountKey,
  type CountsCheck,
  type DeclaredGates,
  type DefinedPlan,
  type DefinedTask,
  definePlan,
  defineShard,
  defineTask,
  type DependencyIds,
  type DependencyOn,
  type Duration,
  type DurationUnit,
  fileExists,
  type FractionsOf,
  type GateNames,
  type HasFraction,
  type ListedIds,
  type LiteralString,
  manual,
  matches,
  type Missing,
  notContains,
  type NotWhole,
  type OrchestratorDefinition,
  type PathsDefinition,
  type PathsPolicy,
  type Permissions,
  type PlanCheck,
  type PlanDefinition,
  type PlanMistakes,
  type PlanParams,
  type PlanTask,
  type ProjectDefinition,
  type RetryDefinition,
  type RetryPolicy,
  type ShardDefinition,
  type Strategy,
  type TaskCheck,
  type TaskDefinition,
  type TaskDependencyIds,
  type TaskGates,
  type TaskIds,
  type TaskType,
  testsPass,
  type UncheckedString,
  type UndeclaredGate,
  type UnknownDependency,
  type UnknownField,
  type UnknownTaskField,
  type WholeCounts,
} from "./src/dsl/dsl.ts";
