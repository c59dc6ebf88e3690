import assert from "node:assert/strict";
import { patchRefusals } from "../../src/agent/patch_paths.ts";
import type { PatchEntry } from "../../src/agent/patch_text.ts";

const edit: PatchEntry = {
  status: "modify",
  oldPath: "a.txt",
  newPath: "a.txt",
  oldMode: "100644",
  newMode: "100644",
  binary: false,
  symlink: null,
  added: 1,
  removed: 0,
};

const at = (e: Partial<PatchEntry>): PatchEntry => ({ ...edit, ...e });

Deno.test("patch paths: every path of every change is judged, in a project at the top and in a subfolder", () => {
  const rules = { forbidden: ["app/secret.env", "app/vault"], prefix: "app" };
  assert.deepEqual(
    patchRefusals([
      at({ oldPath: "app/src/a.ts", newPath: "app/src/a.ts" }),
      at({ status: "copy", oldPath: "app/vault/key", newPath: "app/key" }),
      at({ status: "delete", oldPath: "app/secret.env", newPath: null }),
      at({ status: "add", oldPath: null, newPath: "app/.codex/runs/x" }),
      at({ status: "add", oldPath: null, newPath: ".codex/x" }),
      at({ oldPath: "app/orchestrator.ts", newPath: "app/orchestrator.ts" }),
      at({ status: "add", oldPath: null, newPath: "app/sub/.GIT/config" }),
      at({ oldPath: "app/run.sh", newPath: "app/run.sh", newMode: "100755" }),
    ], rules),
    [
      "app/vault/key is forbidden to this task",
      "app/secret.env is forbidden to this task",
      "app/.codex/runs/x is orchestrate's own folder",
      ".codex/x is orchestrate's own folder",
      "app/orchestrator.ts is the plan",
      "app/sub/.GIT/config is in git's own folder",
    ],
  );
});

Deno.test("patch paths: symlinks are judged by where they lead", () => {
  const link = (newPath: string, symlink: string) =>
    at({
      status: "add",
      oldPath: null,
      newPath,
      oldMode: null,
      newMode: "120000",
      symlink,
    });
  const rules = { forbidden: ["app/secret.env"], prefix: "app" };
  assert.deepEqual(
    patchRefusals([
      link("app/ok", "src/a.ts"),
      link("app/src/up", "../b.ts"),
      link("app/abs", "/etc/passwd"),
      link("app/out", "../other/x"),
      link("app/deep/out", "../../../x"),
      link("app/g", ".git/config"),
      link("app/s", "./secret.env"),
    ], rules),
    [
      "app/abs is a symlink leading out of the project (/etc/passwd)",
      "app/out is a symlink leading out of the project (../other/x)",
      "app/deep/out is a symlink leading out of the project (../../../x)",
      "app/g is a symlink to app/.git/config, which is in git's own folder",
      "app/s is a symlink to app/secret.env, which is forbidden to this task",
    ],
  );
});
