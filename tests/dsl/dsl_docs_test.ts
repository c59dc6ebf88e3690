/**
 * Every option field of the DSL, as users see it through mod.ts, says what
 * it means, its default (when it is optional) and an example.
 * @module
 */

import assert from "node:assert/strict";

interface DocProperty {
  name: string;
  optional: boolean;
  jsDoc?: { doc?: string };
}
interface DocSymbol {
  name: string;
  declarations: {
    kind: string;
    jsDoc?: { doc?: string };
    def: { properties?: DocProperty[] };
  }[];
}

/** Results of the DSL, not options a user writes. */
const OUTPUTS = new Set(["DefinedTask", "DefinedPlan"]);

async function modDoc(): Promise<DocSymbol[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", new URL("../../mod.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const json = JSON.parse(new TextDecoder().decode(out.stdout));
  const [node] = Object.values(json.nodes) as { symbols: DocSymbol[] }[];
  return node!.symbols;
}

Deno.test("mod.ts: every option field has JSDoc with an example, and a default when optional", async () => {
  const problems: string[] = [];
  let fields = 0;
  for (const symbol of await modDoc()) {
    for (const d of symbol.declarations) {
      if (!d.jsDoc?.doc) problems.push(`${symbol.name}: no JSDoc`);
      if (d.kind !== "interface" || OUTPUTS.has(symbol.name)) continue;
      for (const p of d.def.properties ?? []) {
        fields++;
        const doc = p.jsDoc?.doc ?? "";
        const where = `${symbol.name}.${p.name}`;
        if (!doc.includes("Example")) problems.push(`${where}: no example`);
        if (p.optional && !doc.includes("Default")) {
          problems.push(`${where}: no default`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(fields > 40, `only ${fields} fields seen`);
});

Deno.test("mod.ts: one named type for each part of a plan, and none of the IR's", async () => {
  const names = new Set((await modDoc()).map((s) => s.name));
  for (
    const part of [
      "PlanDefinition",
      "ProjectDefinition",
      "OrchestratorDefinition",
      "ApprovalsDefinition",
      "TaskDefinition",
      "ShardDefinition",
      "ConstraintsDefinition",
      "PathsDefinition",
      "Commands",
      "CommandDefinition",
      "RetryDefinition",
      "AcceptanceCheck",
      "CheckString",
      "CheckDefinition",
      "Duration",
      "TaskType",
      "Strategy",
    ]
  ) assert.ok(names.has(part), part);
  for (
    const ir of ["Plan", "Task", "Shard", "Command", "Retry", "Paths", "Check"]
  ) {
    assert.ok(!names.has(ir), `the IR's ${ir} is exported`);
  }
});

Deno.test('dsl docs: every example imports the DSL as users do, from "orchestrate" (what an editor\'s hover shows)', async () => {
  const source = await Deno.readTextFile(
    new URL("../../src/dsl/dsl.ts", import.meta.url),
  );
  const imports = [...source.matchAll(/^ \* import .* from "([^"]+)";$/gm)]
    .map((m) => m[1]);
  assert.ok(imports.length > 20, `${imports.length} example imports`);
  assert.deepEqual([...new Set(imports)], ["orchestrate"]);
});
