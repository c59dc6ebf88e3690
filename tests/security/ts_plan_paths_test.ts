/**
 * Issue 15, class 16: a TS plan reads only real paths inside its folder. A
 * symlink inside it that leads out (`sys -> /`, a link to a secret) gives
 * the plan nothing, by any route (Deno's API, node:fs, fetch, a helper
 * module); links that stay inside keep working.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  chownTree,
  cliAs,
  outsideDirAs,
  projectAs,
  securityTest,
  type TestUser,
} from "./_rig.ts";

const DSL = `import { definePlan, defineTask } from "orchestrate";`;
const SECRET = "outside-secret-5e1f0a";

/** A project whose plan is `plan`, with `sys -> /` and `out -> <folder holding secret.txt>`. */
async function project(
  user: TestUser,
  files: Record<string, string>,
): Promise<{ dir: string; outside: string }> {
  const outside = await outsideDirAs(user);
  await Deno.writeTextFile(join(outside, "secret.txt"), SECRET);
  await Deno.writeTextFile(
    join(outside, "helper.ts"),
    `export const value = ${JSON.stringify(SECRET)};\n`,
  );
  await chownTree(outside, user);
  const dir = await projectAs(user, files);
  await Deno.symlink("/", join(dir, "sys"));
  await Deno.symlink(outside, join(dir, "out"));
  await Deno.symlink(join(outside, "secret.txt"), join(dir, "secret-link.txt"));
  await Deno.mkdir(join(dir, "nested/deeper"), { recursive: true });
  await Deno.symlink(outside, join(dir, "nested/deeper/away"));
  await chownTree(dir, user);
  return { dir, outside };
}

/** A plan that puts what `expr` evaluates to into a task's title. */
const titled = (expr: string, before = "") =>
  `${DSL}
${before}
const title = String(${expr});
export default definePlan({ version: 1, tasks: [defineTask({ id: "A", title })] });
`;

async function compile(user: TestUser, dir: string) {
  return await cliAs(user, ["plan", "compile", "--file", "orchestrator.ts"], {
    cwd: dir,
    killAfterMs: 60_000,
  });
}

const ROUTES: [string, string, string?][] = [
  [
    "Deno.readTextFileSync through sys -> /",
    `Deno.readTextFileSync(import.meta.dirname + "/sys" + OUTSIDE + "/secret.txt")`,
  ],
  [
    "Deno.readTextFile, relative, through a link to a folder outside",
    `await Deno.readTextFile("out/secret.txt")`,
  ],
  [
    "a link to a file outside",
    `Deno.readTextFileSync("secret-link.txt")`,
  ],
  [
    "a link deep in a subfolder",
    `Deno.readTextFileSync("nested/deeper/away/secret.txt")`,
  ],
  [
    "node:fs, imported at run time",
    `(await new Function("return import('node:fs')")()).readFileSync("out/secret.txt", "utf8")`,
  ],
  [
    "fetch of a file URL",
    `await (await fetch(new URL("out/secret.txt", import.meta.url))).text()`,
  ],
  [
    "a helper module in the folder that reads through the link",
    `readIt()`,
    `import { readIt } from "./lib/read.ts";`,
  ],
];

for (const [route, expr, before] of ROUTES) {
  securityTest(
    `ts plan paths: ${route} reads nothing outside the plan's folder`,
    async (user) => {
      const { dir, outside } = await project(user, {
        "orchestrator.ts": titled(
          expr.replace("OUTSIDE", JSON.stringify("")),
          before,
        ),
        "lib/read.ts":
          `export const readIt = () => Deno.readTextFileSync(import.meta.dirname + "/../out/secret.txt");\n`,
      });
      if (expr.includes("OUTSIDE")) {
        await Deno.writeTextFile(
          join(dir, "orchestrator.ts"),
          titled(expr.replace("OUTSIDE", JSON.stringify(outside)), before),
        );
        await chownTree(dir, user);
      }
      const r = await compile(user, dir);
      assert.ok(!(r.stdout + r.stderr).includes(SECRET), r.stdout + r.stderr);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(
        r.stderr,
        /^[\w./]+\.ts:\d+:\d+: .*refused read access/m,
      );
    },
  );
}

securityTest(
  "ts plan paths: a helper module through a link leading out is refused",
  async (user) => {
    const { dir } = await project(user, {
      "orchestrator.ts": titled(
        "value",
        `import { value } from "./out/helper.ts";`,
      ),
    });
    const r = await compile(user, dir);
    assert.ok(!(r.stdout + r.stderr).includes(SECRET), r.stdout + r.stderr);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /only files inside its own folder/);
  },
);

securityTest(
  "ts plan paths: links that stay inside the folder keep working",
  async (user) => {
    const { dir } = await project(user, {
      "orchestrator.ts": titled(
        `[Deno.readTextFileSync("data-link.txt").trim(), Deno.readTextFileSync("src-link/inner.txt").trim(), helper, [...Deno.readDirSync("data")].length].join("+")`,
        `import { helper } from "./src-link/helper.ts";`,
      ),
      "data/real.txt": "in-data",
      "src/inner.txt": "in-src",
      "src/helper.ts": `export const helper = "in-helper";\n`,
    });
    await Deno.symlink("data/real.txt", join(dir, "data-link.txt"));
    await Deno.symlink("src", join(dir, "src-link"));
    await chownTree(dir, user);
    const r = await compile(user, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      JSON.parse(r.stdout).tasks[0].title,
      "in-data+in-src+in-helper+1",
    );
  },
);
