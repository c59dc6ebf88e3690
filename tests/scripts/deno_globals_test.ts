import assert from "node:assert/strict";
import {
  denoTypes,
  GLOBALS_PATH,
  globalsText,
} from "../../scripts/deno_globals.ts";

Deno.test("src/plan/ts/deno_globals.d.ts is generated from this Deno's `deno types`", async () => {
  assert.ok(
    (await Deno.readTextFile(GLOBALS_PATH)) === globalsText(await denoTypes()),
    "src/plan/ts/deno_globals.d.ts is stale: run `deno run --allow-run --allow-write --allow-read scripts/deno_globals.ts` and commit the result",
  );
});
