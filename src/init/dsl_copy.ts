/**
 * The project's copy of the DSL, `.codex/orchestrate.ts`, that `init --ts`
 * writes for `deno check` and editors (the plan itself always runs with the
 * built-in DSL). Its first line names the orchestrate that wrote it, so a
 * copy older than the binary is noticed and refreshed with
 * `init --ts --update`.
 * @module
 */

import { join } from "../fs/path.ts";
import { VERSION } from "../version.ts";
import { printError } from "../output/stdio.ts";
import { readRegularText } from "../fs/regular_file.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/** Where the copy lives, relative to the plan's folder. */
export const DSL_COPY_PATH = `${STATE_DIR}/orchestrate.ts`;
/** Far more than the DSL copy's size: past it, the file is not a copy init wrote. */
export const DSL_MAX_BYTES = 4 * 1024 * 1024;

const HEADER = /^\/\/ orchestrate (\d+)\.(\d+)\.(\d+)\S*:/;

/**
 * The copy's text: a version line, then the built-in DSL's source.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyVersion, dslCopyText } from "./dsl_copy.ts";
 * const text = dslCopyText("export {};\n", "1.2.3");
 * assert.equal(copyVersion(text), "1.2.3");
 * ```
 */
export function dslCopyText(source: string, version: string = VERSION): string {
  return `// orchestrate ${version}: the typed DSL for orchestrator.ts, written by "orchestrate init --ts"; refresh it with "orchestrate init --ts --update".\n${source}`;
}

/**
 * The version on the copy's first line; `null` when there is none (a copy
 * from before versions were written, or one edited by hand).
 *
 * @example
 * ```ts
 * import { copyVersion } from "./dsl_copy.ts";
 * copyVersion("// orchestrate 0.2.0: the typed DSL ...\n"); // "0.2.0"
 * copyVersion("/** The typed plan DSL *\/\n"); // null
 * ```
 */
export function copyVersion(text: string): string | null {
  const m = HEADER.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/**
 * Whether version `a` is older than `b` (`major.minor.patch`, numerically).
 *
 * @example
 * ```ts
 * import { isOlder } from "./dsl_copy.ts";
 * isOlder("0.9.0", "0.10.0"); // true
 * isOlder("1.0.0", "1.0.0"); // false
 * ```
 */
export function isOlder(a: string, b: string): boolean {
  const parts = (v: string) => v.split(/[.-]/).slice(0, 3).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    if (x[i] !== y[i]) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
}

let warned = false;

/**
 * Says on stderr (once per process) that the DSL copy beside the plan in
 * `planDir` is older than this orchestrate, and how to refresh it; nothing
 * when there is no copy.
 */
export async function warnIfDslCopyIsOld(planDir: string): Promise<void> {
  if (warned) return;
  let text: string;
  try {
    text = await readRegularText(join(planDir, DSL_COPY_PATH), DSL_MAX_BYTES);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    if (e instanceof Deno.errors.NotADirectory) return;
    // Not a copy init wrote (a pipe, a huge file): nothing to compare.
    if (e instanceof Deno.errors.InvalidData) return;
    throw e;
  }
  const version = copyVersion(text);
  if (version !== null && !isOlder(version, VERSION)) return;
  warned = true;
  printError(
    `warning: ${DSL_COPY_PATH} is the DSL of ${
      version === null ? "an older orchestrate" : `orchestrate ${version}`
    }, older than this one (${VERSION}): "deno check" and editors may disagree with it; ` +
      `run "orchestrate init --ts --update" to refresh it`,
  );
}
