import assert from "node:assert/strict";
import {
  childEnv,
  isBaseName,
  isSecretVariable,
} from "../../src/exec/permissions_env.ts";

const FROM = {
  PATH: "/bin",
  ORCHESTRATE_TOKEN: "orch-secret-1",
  ORCHESTRATE_DEBUG: "1",
  ORCHESTRATE_COMMAND_TAG: "99.1",
  UPLOAD: "AKIAIOSFODNN7EXAMPLE",
  PRIVATE: "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n",
  EDITOR: "vi",
};

Deno.test("childEnv: no prefix passes through; secrets by name or by value are withheld unless named", () => {
  assert.deepEqual(childEnv(FROM, [true]), {
    PATH: "/bin",
    ORCHESTRATE_DEBUG: "1",
    ORCHESTRATE_COMMAND_TAG: "99.1",
    EDITOR: "vi",
  });
  // A declared list: the base and the names, nothing inherited by prefix.
  assert.deepEqual(childEnv(FROM, [["EDITOR"]]), {
    PATH: "/bin",
    EDITOR: "vi",
  });
  // A pattern never matches a secret, by name or by value.
  assert.deepEqual(childEnv(FROM, [["ORCHESTRATE_*", "UP*"]]), {
    PATH: "/bin",
    ORCHESTRATE_DEBUG: "1",
    ORCHESTRATE_COMMAND_TAG: "99.1",
  });
  // Named exactly, a secret passes.
  assert.deepEqual(childEnv(FROM, [["ORCHESTRATE_TOKEN", "UPLOAD"]]), {
    PATH: "/bin",
    ORCHESTRATE_TOKEN: "orch-secret-1",
    UPLOAD: "AKIAIOSFODNN7EXAMPLE",
  });
});

Deno.test("isBaseName and isSecretVariable: ORCHESTRATE_ is no exemption", () => {
  assert.ok(!isBaseName("ORCHESTRATE_RUN_ID"));
  assert.ok(isBaseName("LC_ALL"));
  assert.ok(isSecretVariable("ORCHESTRATE_API_KEY"));
  assert.ok(isSecretVariable("X", FROM.PRIVATE));
  assert.ok(!isSecretVariable("X", "sk-short"));
});
