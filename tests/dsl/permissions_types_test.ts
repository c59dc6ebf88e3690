/**
 * The DSL's `Permissions` is written out again (the DSL stays
 * self-contained): this ties it to the schema's and the IR's.
 */
import assert from "node:assert/strict";
import type { Permissions } from "../../src/dsl/dsl.ts";
import type { Permissions as PermissionsIR } from "../../src/plan/ir.ts";
import type { PermissionsInput } from "../../src/plan/schema.ts";

import type { IsExact } from "./_type_assert.ts";

/** Every field required, and lists readonly as the DSL takes them (`as const`). */
type Defined<T> = {
  [K in keyof T]-?: Exclude<T[K], undefined> extends infer V
    ? V extends readonly (infer I)[] ? readonly I[] : V
    : never;
};

const asSchema: IsExact<Defined<Permissions>, Defined<PermissionsInput>> = true;
const asIR: IsExact<Defined<Permissions>, Defined<PermissionsIR>> = true;

Deno.test("DSL Permissions: the same fields and value types as the schema and the IR", () => {
  assert.ok(asSchema && asIR);
});
