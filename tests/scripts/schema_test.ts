import assert from "node:assert/strict";
import { schemaText } from "../../scripts/schema.ts";

Deno.test("schema/orchestrator.schema.json is what the zod schema generates", async () => {
  const checkedIn = await Deno.readTextFile(
    new URL("../../schema/orchestrator.schema.json", import.meta.url),
  );
  assert.ok(
    checkedIn === schemaText(),
    "schema/orchestrator.schema.json is stale: run `deno task schema` and commit the result",
  );
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
