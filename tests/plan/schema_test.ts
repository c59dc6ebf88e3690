import assert from "node:assert/strict";
import {
  ID_PATTERN,
  IncludeFileSchema,
  pathProblem,
  PlanFileSchema,
} from "../../src/plan/schema.ts";

Deno.test("pathProblem: relative paths inside the root are fine", () => {
  for (
    const path of [
      "src/lib.rs",
      "./src",
      "docs/",
      "a/../b",
      "src/**/*.ts",
      ".",
      "a/./b/../../c",
      "..foo/x",
      "foo..",
    ]
  ) {
    assert.equal(pathProblem(path), undefined, path);
  }
});

Deno.test("pathProblem: absolute paths are refused (POSIX, Windows, home)", () => {
  for (
    const path of [
      "/etc/hosts",
      "C:\\Windows",
      "c:/x",
      "\\\\server\\share",
      "~/x",
      "~",
    ]
  ) {
    assert.equal(
      pathProblem(path),
      `Path "${path}" must be relative to the project root, not absolute`,
    );
  }
});

Deno.test("pathProblem: paths escaping the root are refused, at any point", () => {
  for (
    const path of [
      "..",
      "../x",
      "a/../../x",
      "a\\..\\..\\x",
      "../a/../a",
      "./..",
    ]
  ) {
    assert.equal(
      pathProblem(path),
      `Path "${path}" escapes the project root`,
      path,
    );
  }
});

Deno.test("ID_PATTERN: a letter, then letters, digits, _ - .", () => {
  for (const id of ["A", "EXC-001", "exc_1.2", "a-b-c"]) {
    assert.match(id, ID_PATTERN);
  }
  for (const id of ["", "1A", "-A", "A B", "A/B", "Ä"]) {
    assert.doesNotMatch(id, ID_PATTERN);
  }
});

Deno.test("PlanFileSchema: the PRD's minimal plan and a bare plan are valid", () => {
  assert.ok(PlanFileSchema.safeParse({ version: 1 }).success);
  const prd = {
    version: 1,
    project: { name: "codex-agentic", root: ".", language: "rust" },
    orchestrator: { approvals: { required: [] } },
    tasks: [{
      id: "DOC-001",
      title: "Add orchestration PRD",
      type: "docs",
      description: "Create docs",
      paths: { preferred: ["docs/orchestrator/"] },
      commands: {},
      acceptance: ["File exists: docs/x.md"],
      dependencies: [],
    }],
  };
  assert.ok(PlanFileSchema.safeParse(prd).success);
});

Deno.test("PlanFileSchema: string checks with paths outside the root are refused", () => {
  for (const check of ["File exists: ../x", "Contains in /etc/passwd: root"]) {
    const r = PlanFileSchema.safeParse({
      version: 1,
      tasks: [{ id: "A", title: "a", acceptance: [check] }],
    });
    assert.ok(!r.success, check);
    assert.match(r.error.issues[0]!.message, /^Path /);
  }
});

Deno.test("PlanFileSchema: version messages say what to write", () => {
  const message = (version: unknown) =>
    PlanFileSchema.safeParse({ version }).error?.issues[0]?.message;
  assert.equal(
    message(2),
    "Unsupported plan version 2: this orchestrate reads version 1",
  );
  assert.equal(
    message("1"),
    'Invalid version "1": write version: 1 (a number, not a string)',
  );
});

Deno.test("IncludeFileSchema: tasks, optionally $schema and version; nothing else", () => {
  assert.ok(IncludeFileSchema.safeParse({ tasks: [] }).success);
  assert.ok(
    IncludeFileSchema.safeParse({ version: 1, $schema: "x", tasks: [] })
      .success,
  );
  assert.ok(!IncludeFileSchema.safeParse({ tasks: [], project: {} }).success);
  assert.ok(!IncludeFileSchema.safeParse({}).success);
});
