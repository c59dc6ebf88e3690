import assert from "node:assert/strict";
import { tomlString } from "../../src/text/toml_value.ts";

Deno.test("tomlString: the key of the named table only, with quoted keys, literal strings and escapes", () => {
  const text = [
    'name = "top-level"',
    "[ tool . poetry ]",
    "name = 'poem'",
    "[project]",
    '"name" = "snake\\u0021"',
    'description = """multi',
    'line"""',
  ].join("\n");
  assert.equal(tomlString(text, "tool.poetry", "name"), "poem");
  assert.equal(tomlString(text, "project", "name"), "snake!");
  assert.equal(tomlString(text, "project", "description"), undefined);
  assert.equal(tomlString(text, "package", "name"), undefined);
});
