/**
 * Every property of the generated JSON Schemas carries a description, so
 * editors show what each field of a plan means.
 * @module
 */

import assert from "node:assert/strict";
import { SCHEMAS, schemaText } from "../../scripts/schema.ts";

/** Paths of the properties without a description. */
function undescribed(node: unknown, path: string, out: string[]): number {
  if (typeof node !== "object" || node === null) return 0;
  let seen = 0;
  const properties = (node as { properties?: unknown }).properties;
  if (typeof properties === "object" && properties !== null) {
    for (const [key, value] of Object.entries(properties)) {
      seen++;
      if (
        typeof (value as { description?: unknown }).description !== "string"
      ) {
        out.push(`${path}.${key}`);
      }
    }
  }
  for (const [key, value] of Object.entries(node)) {
    seen += undescribed(value, `${path}/${key}`, out);
  }
  return seen;
}

for (const name of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
  Deno.test(`${name}: every property has a description`, () => {
    const missing: string[] = [];
    const seen = undescribed(JSON.parse(schemaText(name)), "", missing);
    assert.deepEqual(missing, []);
    assert.ok(seen > 50, `only ${seen} properties seen`);
  });
}
