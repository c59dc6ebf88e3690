/**
 * Compile-time assertions for type tests: `deno check` fails when one does
 * not hold, so a loosened DSL type breaks `deno task check`.
 * @module
 */

/** `true` exactly when A and B are the same type (not merely assignable). */
export type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

/** `true` when A is assignable to B. */
export type Accepts<B, A> = [A] extends [B] ? true : false;

/**
 * Asserts a type-level fact: only `true` type-checks.
 *
 * @example
 * ```ts
 * import { assertType, type IsExact } from "./_type_assert.ts";
 * assertType<IsExact<"a", "a">>(true);
 * ```
 */
export function assertType<_T extends true>(_holds: _T): void {}
