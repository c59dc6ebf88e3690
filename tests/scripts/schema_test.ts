import assert from "node:assert/strict";
import { SCHEMAS, schemaText } from "../../scripts/schema.ts";

for (const name of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
  Deno.test(`schema/${name} is what the zod schema generates`, async () => {
    const checkedIn = await Deno.readTextFile(
      new URL(`../../schema/${name}`, import.meta.url),
    );
    assert.ok(
      checkedIn === schemaText(name),
      `schema/${name} is stale: run \`deno task schema\` and commit the result`,
    );
  });
}

Deno.test("the include schema allows tasks without a version", () => {
  const schema = JSON.parse(schemaText("orchestrator-include.schema.json"));
  assert.deepEqual(schema.required, ["tasks"]);
  assert.equal(schema.additionalProperties, false);
});

Deno.test("the JSON Schema describes the plan: required version, tasks with id and title", () => {
  const schema = JSON.parse(schemaText());
  assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.deepEqual(schema.required, ["version"]);
  assert.equal(schema.properties.version.const, 1);
  assert.equal(schema.additionalProperties, false);
  const task = schema.properties.tasks.items;
  assert.deepEqual(task.required, ["id", "title"]);
  assert.ok(task.properties.dependencies);
});
