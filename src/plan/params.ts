/**
 * Plan parameters: values a TypeScript plan's function form receives
 * (`export default (params: PlanParams) => definePlan({...})`), given on
 * the command line as `--param KEY=VALUE`. The sanctioned way to vary a plan
 * (CI or local, a region, a version) where reading `Deno.env` is refused.
 * Set once per process by the CLI before any plan is loaded.
 * @module
 */

/** A parameter name: a letter or `_`, then letters, digits, `_` or `-`. */
export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

let current: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Parses `KEY=VALUE` flags into parameters (a later KEY wins); a flag
 * without `=` or with a bad name is an error message, not a throw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseParams } from "./params.ts";
 * assert.deepEqual(parseParams(["mode=ci", "region=eu=west"]), { ok: true, params: { mode: "ci", region: "eu=west" } });
 * assert.equal(parseParams(["mode"]).ok, false);
 * ```
 */
export function parseParams(
  flags: readonly string[],
):
  | { ok: true; params: Record<string, string> }
  | { ok: false; message: string } {
  const params: Record<string, string> = Object.create(null);
  for (const flag of flags) {
    const at = flag.indexOf("=");
    const name = at < 0 ? flag : flag.slice(0, at);
    if (at < 0 || !PARAM_NAME.test(name)) {
      return {
        ok: false,
        message:
          `Invalid --param "${flag}": expected KEY=VALUE, KEY a letter or _ then letters, digits, _ or -`,
      };
    }
    params[name] = flag.slice(at + 1);
  }
  return { ok: true, params: { ...params } };
}

/** Sets the parameters every plan this process loads receives. */
export function setPlanParams(params: Readonly<Record<string, string>>): void {
  current = Object.freeze({ ...params });
}

/** The parameters set by {@link setPlanParams} (none by default). */
export function planParams(): Readonly<Record<string, string>> {
  return current;
}
