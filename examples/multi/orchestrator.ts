// The plan of orchestrator.yml (with its includes) in the TypeScript DSL.
// `orchestrate plan compile --file orchestrator.ts` prints the same IR.
import {
  contains,
  definePlan,
  defineTask,
  fileExists,
  matches,
  notContains,
  testsPass,
} from "orchestrate";
import { command } from "./checks.ts";

const core = defineTask({
  id: "CORE-001",
  title: "Greeting script",
  type: "code_change",
  description:
    "Write src/greet.sh, which prints a greeting for its first argument.",
  paths: { preferred: ["src/greet.sh"], forbidden: ["dist/"] },
  commands: {
    write:
      `mkdir -p src && printf '#!/bin/sh\\necho "Hello, \${1:-world}!"\\n' > src/greet.sh`,
    lint: "sh -n src/greet.sh",
  },
  acceptance: [fileExists("src/greet.sh"), contains("Hello", "src/greet.sh")],
  inputs: ["src/**"],
  outputs: ["src/greet.sh"],
  shards: [{
    id: "CORE-001A",
    title: "Create the source folder",
    commands: { mkdir: "mkdir -p src" },
    acceptance: ["File exists: src"],
  }],
  constraints: { language: "POSIX sh", timebox: "2m" },
});

const tests = defineTask({
  id: "TEST-001",
  title: "Tests for the greeting",
  type: "test",
  dependencies: [core],
  commands: {
    write:
      `mkdir -p tests && printf 'out=$(sh src/greet.sh Ada)\\n[ "$out" = "Hello, Ada!" ]\\n' > tests/run.sh`,
    test: "sh tests/run.sh",
  },
  acceptance: [
    testsPass("sh tests/run.sh"),
    matches(/Hello, [A-Z][a-z]+!/, "tests/run.sh"),
  ],
  retry: { attempts: 2, backoff: "100ms" },
  inputs: ["src/**", "tests/**"],
});

const docs = defineTask({
  id: "DOC-001",
  title: "Usage docs",
  type: "docs",
  dependencies: [core],
  commands: {
    write: "mkdir -p docs && echo 'Run: sh src/greet.sh NAME' > docs/usage.md",
  },
  acceptance: [
    fileExists("docs/usage.md"),
    notContains("TODO", "docs/usage.md"),
  ],
  inputs: ["docs/**"],
});

const release = defineTask({
  id: "REL-001",
  title: "Release",
  type: "release",
  dependencies: [tests, docs],
  commands: {},
  approvals: ["deploy"],
  acceptance: [command("sh src/greet.sh")],
});

export default definePlan({
  version: 1,
  project: {
    name: "greeter",
    language: "shell",
    build: {
      lint: "sh -n src/greet.sh",
      test: "sh tests/run.sh",
      release: "mkdir -p dist && cp src/greet.sh dist/greet",
    },
  },
  orchestrator: {
    strategy: "conservative",
    approvals: { required: ["deploy"] },
  },
  tasks: [core, tests, docs, release],
});
