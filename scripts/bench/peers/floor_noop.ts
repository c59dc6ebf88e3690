/**
 * (From the shared peer harness; `scripts/bench/peers.ts` runs it for
 * `deno task bench --only peers`.) Floor for a Deno tool that decides "nothing changed" by content, as
 * orchestrate's fingerprints do: start Deno, read and SHA-256 every file
 * under in/, stat every file under out/. Usage: deno run -A floor_noop.ts DIR
 */
import { createHash } from "node:crypto";
const dir = Deno.args[0] ?? ".";
let n = 0;
for (const e of Deno.readDirSync(`${dir}/in`)) {
  createHash("sha256").update(Deno.readFileSync(`${dir}/in/${e.name}`)).digest(
    "hex",
  );
  Deno.statSync(`${dir}/out/${e.name}`);
  n++;
}
if (n === 0) Deno.exit(1);
