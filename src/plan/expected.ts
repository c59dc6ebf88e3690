/**
 * What a field of the plan holds, in words ("a list of gate names"), for
 * type errors. A registry apart from zod's global one, so the JSON Schema
 * generated from the same schema stays standard.
 * @module
 */

import { z } from "zod";

/** Words for the schemas that have them. */
export const EXPECTED: z.core.$ZodRegistry<{ expected: string }> = z
  .registry<{ expected: string }>();

/**
 * Records what `schema` holds, in words, and returns it.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { EXPECTED, expecting } from "./expected.ts";
 * const ids = expecting(z.array(z.string()), "a list of task ids");
 * EXPECTED.get(ids)?.expected; // "a list of task ids"
 * ```
 */
export function expecting<T extends z.core.$ZodType>(
  schema: T,
  expected: string,
): T {
  EXPECTED.add(schema, { expected });
  return schema;
}
