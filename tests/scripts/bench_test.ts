import assert from "node:assert/strict";
import { join } from "node:path";
import {
  buildNinja,
  layeredGraph,
  makefile,
  planYaml,
} from "../../scripts/bench/gen_exec.ts";
import {
  INPUT_BYTES,
  inputPlanYaml,
  OUTPUT_BYTES,
  outputPlanYaml,
  printCommand,
} from "../../scripts/bench/gen_memory.ts";
import { generatePlanYaml } from "../../scripts/bench/gen_plan.ts";
import { checkPlan } from "../../src/plan/load.ts";
import { repoPath, SOURCE_FLAGS, tempDir } from "../_cli.ts";

async function check(yaml: string) {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "plan.yml");
    await Deno.writeTextFile(file, yaml);
    return await checkPlan(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("bench: the validation plan is valid, deterministic, ~3 dependencies a task", async () => {
  const yaml = generatePlanYaml(300);
  assert.equal(generatePlanYaml(300), yaml);
  const result = await check(yaml);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  const { tasks } = result.value.plan;
  assert.equal(tasks.length, 300);
  assert.ok(tasks.every((t) => t.shards.length === 2));
  assert.ok(tasks.every((t) => t.acceptance.length === 3));
  const later = tasks.slice(50);
  const mean = later.reduce((n, t) => n + t.dependencies.length, 0) /
    later.length;
  assert.ok(mean >= 2.5 && mean <= 3.5, `mean dependencies ${mean}`);
});

Deno.test("bench: the plan, Makefile and build.ninja of the execution graph have the same edges", async () => {
  const nodes = layeredGraph(4, 10);
  const edges = new Set(
    nodes.flatMap((n) => n.deps.map((d) => `${n.id}<${d}`)),
  );
  const make = new Set(
    makefile(nodes).split("\n").filter((l) => /^t\d+:/.test(l)).flatMap((l) => {
      const [target, deps] = l.split(":");
      return deps!.trim().split(/\s+/).filter(Boolean).map((d) =>
        `${target}<${d}`
      );
    }),
  );
  const ninja = new Set(
    buildNinja(nodes).split("\n").filter((l) => l.startsWith("build "))
      .flatMap((l) => {
        const [, target, deps] = /^build (\S+): run(?: \| (.*))?$/.exec(l)!;
        return (deps ?? "").split(" ").filter(Boolean).map((d) =>
          `${target}<${d}`
        );
      }),
  );
  assert.deepEqual(make, edges);
  assert.deepEqual(ninja, edges);
  const result = await check(planYaml(nodes));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.diagnostics));
  const plan = new Set(
    result.value.plan.tasks.flatMap((t) =>
      t.dependencies.map((d) => `${t.id}<${d}`)
    ),
  );
  assert.deepEqual(plan, edges);
});

Deno.test("bench: the memory plans are valid; the output command prints exactly the bytes asked, the input plan fingerprints its file", async () => {
  const output = await check(outputPlanYaml(1000));
  assert.ok(output.ok, JSON.stringify(!output.ok && output.diagnostics));
  const [task] = output.value.plan.tasks;
  assert.equal(task!.commands[0]!.run, printCommand(1000));
  const [program, ...args] = printCommand(1000).split(" ");
  const printed = await new Deno.Command(program!, { args, stdout: "piped" })
    .output();
  assert.equal(printed.stdout.length, 1000);
  assert.equal(outputPlanYaml(), outputPlanYaml(OUTPUT_BYTES));

  const input = await check(inputPlanYaml("data/big file.bin"));
  assert.ok(input.ok, JSON.stringify(!input.ok && input.diagnostics));
  assert.deepEqual(input.value.plan.tasks[0]!.inputs, ["data/big file.bin"]);
  assert.equal(INPUT_BYTES, 5 * 1024 ** 3);
});

Deno.test("bench: the sh spawn-server peer runs each command once, into its own file or through its FIFOs, and exits 0", async () => {
  for (const mode of ["files", "fifos"]) {
    const dir = await tempDir();
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...SOURCE_FLAGS,
        repoPath("scripts/bench/sh_server_floor.ts"),
        "25",
        "2",
        dir,
        mode,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(
      files,
      mode === "files"
        ? Array.from({ length: 25 }, (_, i) => `${i}.log`).sort()
        : ["out0.fifo", "out1.fifo", "out2.fifo", "out3.fifo"],
    );
  }
});
