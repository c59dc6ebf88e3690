/**
 * Peer of the validation benchmark: only loads a YAML file with js-yaml (the
 * version pinned in deno.json) and exits.
 * @module
 */

import { load } from "js-yaml";

const data = load(await Deno.readTextFile(Deno.args[0]!)) as {
  tasks?: unknown[];
};
if (!Array.isArray(data?.tasks)) Deno.exit(1);
