/**
 * The tool's version, in its own module so that commands (`run` records it
 * in `run_started`) can read it without importing the command tree.
 * @module
 */

import config from "../deno.json" with { type: "json" };

/**
 * The tool's version, from deno.json.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { VERSION } from "./version.ts";
 * assert.match(VERSION, /^\d+\.\d+\.\d+/);
 * ```
 */
export const VERSION: string = config.version;
