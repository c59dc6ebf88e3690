/**
 * (From the shared peer harness; `scripts/bench/peers.ts` runs it for
 * `deno task bench --only peers`.) Generates the peer-benchmark workloads: the same DAGs as an orchestrate
 * plan, a Makefile, a build.ninja, a justfile, a turbo repo (package.json +
 * turbo.json), a moon workspace and a Nx workspace.
 *
 * Usage: deno run -A gen.ts OUT_DIR
 * Writes OUT_DIR/<workload>/<tool>/... and OUT_DIR/meta.json.
 */
import { join } from "node:path";

const out = Deno.args[0];
if (!out) throw new Error("usage: gen.ts OUT_DIR");

interface Node {
  id: string;
  deps: string[];
}

/**
 * `layers` x `width`; task k of layer l>0 depends on tasks k and (k+1) mod
 * width of layer l-1. One change in layer 0 then reaches 1+2+...+layers tasks.
 */
function layered(layers: number, width: number, prefix = "t"): Node[] {
  const id = (i: number) => `${prefix}${String(i).padStart(4, "0")}`;
  const nodes: Node[] = [];
  for (let l = 0; l < layers; l++) {
    for (let k = 0; k < width; k++) {
      const deps = l === 0
        ? []
        : [(l - 1) * width + k, (l - 1) * width + (k + 1) % width].map(id);
      nodes.push({ id: id(l * width + k), deps });
    }
  }
  return nodes;
}

/** Tasks no other task depends on: the goal every tool is asked to reach. */
const sinks = (nodes: Node[]) => {
  const used = new Set(nodes.flatMap((n) => n.deps));
  return nodes.filter((n) => !used.has(n.id)).map((n) => n.id);
};

/** Downstream cone of `id` (itself included). */
function cone(nodes: Node[], id: string): number {
  const hit = new Set([id]);
  for (const n of nodes) if (n.deps.some((d) => hit.has(d))) hit.add(n.id);
  return hit.size;
}

/** Greedy list schedule of unit tasks (plan order), c at a time: waves. */
function waves(nodes: Node[], c: number): number {
  const done = new Set<string>();
  let w = 0;
  while (done.size < nodes.length) {
    const ready = nodes.filter((n) =>
      !done.has(n.id) && n.deps.every((d) => done.has(d))
    ).slice(0, c);
    for (const n of ready) done.add(n.id);
    w++;
  }
  return w;
}

/** A task's command in each workload; `{id}` is the task id. */
type Cmd = (id: string) => string;

interface Spec {
  name: string;
  nodes: Node[];
  cmd: Cmd;
  /** Each task reads in/<id> and writes out/<id>. */
  files: boolean;
}

async function write(dir: string, file: string, text: string) {
  await Deno.mkdir(join(dir, file, ".."), { recursive: true });
  await Deno.writeTextFile(join(dir, file), text);
}

function orchestrate(s: Spec): string {
  const o = ["version: 1", "project:", `  name: ${s.name}`, "tasks:"];
  for (const n of s.nodes) {
    o.push(
      `  - id: ${n.id}`,
      `    title: ${n.id}`,
      `    commands: { c: "${s.cmd(n.id)}" }`,
      `    dependencies: [${n.deps.join(", ")}]`,
    );
    if (s.files) {
      o.push(`    inputs: ["in/${n.id}"]`, `    outputs: ["out/${n.id}"]`);
    }
  }
  return o.join("\n") + "\n";
}

function makefile(s: Spec): string {
  const t = (id: string) => s.files ? `out/${id}` : id;
  const o = [`all: ${sinks(s.nodes).map(t).join(" ")}`];
  if (!s.files) o.push(`.PHONY: all ${s.nodes.map((n) => n.id).join(" ")}`);
  else o.push(".PHONY: all");
  for (const n of s.nodes) {
    const pre = [...(s.files ? [`in/${n.id}`] : []), ...n.deps.map(t)];
    o.push(`${t(n.id)}: ${pre.join(" ")}`, `\t${s.cmd(n.id)}`);
  }
  return o.join("\n") + "\n";
}

function ninja(s: Spec): string {
  const o: string[] = [];
  for (const n of s.nodes) {
    o.push(`rule r${n.id}`, `  command = ${s.cmd(n.id)}`);
    const outp = s.files ? `out/${n.id}` : n.id;
    const ins = s.files ? ` in/${n.id}` : "";
    const implicit = n.deps.map((d) => s.files ? `out/${d}` : d);
    o.push(
      `build ${outp}: r${n.id}${ins}${
        implicit.length ? ` | ${implicit.join(" ")}` : ""
      }`,
    );
  }
  o.push(
    `build all: phony ${
      sinks(s.nodes).map((d) => s.files ? `out/${d}` : d).join(" ")
    }`,
    "default all",
  );
  return o.join("\n") + "\n";
}

/** just: no up-to-date check; [parallel] + --jobs N runs dependencies N at a time. */
function justfile(s: Spec): string {
  const o = ["[parallel]", `all: ${sinks(s.nodes).join(" ")}`, ""];
  for (const n of s.nodes) {
    o.push(
      "[parallel]",
      `${n.id}: ${n.deps.join(" ")}`,
      `    ${s.cmd(n.id)}`,
      "",
    );
  }
  return o.join("\n");
}

function turbo(s: Spec): { pkg: string; turbo: string } {
  const scripts: Record<string, string> = {};
  const tasks: Record<string, unknown> = {};
  for (const n of s.nodes) {
    scripts[n.id] = s.cmd(n.id);
    tasks[n.id] = {
      dependsOn: n.deps,
      ...(s.files
        ? { inputs: [`in/${n.id}`], outputs: [`out/${n.id}`] }
        : { inputs: [], outputs: [] }),
    };
  }
  tasks.all = { dependsOn: sinks(s.nodes), inputs: [], outputs: [] };
  return {
    pkg: JSON.stringify(
      {
        name: "bench",
        private: true,
        packageManager: "npm@10.0.0",
        scripts,
      },
      null,
      1,
    ),
    turbo: JSON.stringify({ ui: "stream", tasks }, null, 1),
  };
}

function moon(s: Spec): { workspace: string; project: string } {
  const tasks: string[] = ["tasks:"];
  for (const n of s.nodes) {
    const [prog, ...args] = s.cmd(n.id).split(" ");
    tasks.push(
      `  ${n.id}:`,
      `    command: '${prog}'`,
      `    args: [${args.map((a) => `'${a}'`).join(", ")}]`,
      `    deps: [${n.deps.map((d) => `'~:${d}'`).join(", ")}]`,
      `    toolchains: ['system']`,
      s.files
        ? `    inputs: ['in/${n.id}']\n    outputs: ['out/${n.id}']`
        : `    options: { cache: false }\n    inputs: []`,
    );
  }
  tasks.push(
    "  all:",
    "    command: 'noop'",
    `    deps: [${sinks(s.nodes).map((d) => `'~:${d}'`).join(", ")}]`,
    "    toolchains: ['system']",
    "    inputs: []",
  );
  return {
    workspace: "projects:\n  app: '.'\nvcs:\n  manager: 'git'\n",
    project: tasks.join("\n") + "\n",
  };
}

const wide = layered(10, 100);
const real = layered(5, 10, "r");
const small = layered(2, 5, "s");
const specs: Spec[] = [
  { name: "wide", nodes: wide, cmd: () => "/bin/true", files: false },
  {
    name: "incr",
    nodes: wide,
    cmd: (id) => `cp in/${id} out/${id}`,
    files: true,
  },
  { name: "startup", nodes: small, cmd: () => "/bin/true", files: false },
  { name: "real", nodes: real, cmd: () => "/bin/sleep 0.05", files: false },
];

for (const s of specs) {
  const base = join(out, s.name);
  const dirs = ["orchestrate", "make", "ninja", "just", "turbo", "moon"];
  for (const d of dirs) {
    await Deno.mkdir(join(base, d), { recursive: true });
    if (s.files) {
      await Deno.mkdir(join(base, d, "in"), { recursive: true });
      await Deno.mkdir(join(base, d, "out"), { recursive: true });
      for (const n of s.nodes) {
        await Deno.writeTextFile(join(base, d, "in", n.id), `${n.id}\n`);
      }
    }
  }
  await write(join(base, "orchestrate"), "orchestrator.yml", orchestrate(s));
  await write(join(base, "make"), "Makefile", makefile(s));
  await write(join(base, "ninja"), "build.ninja", ninja(s));
  await write(join(base, "just"), "justfile", justfile(s));
  const t = turbo(s);
  await write(join(base, "turbo"), "package.json", t.pkg);
  await write(join(base, "turbo"), "turbo.json", t.turbo);
  const m = moon(s);
  await write(join(base, "moon"), ".moon/workspace.yml", m.workspace);
  await write(join(base, "moon"), "moon.yml", m.project);
}

const meta = {
  wide: {
    tasks: wide.length,
    edges: wide.reduce((a, n) => a + n.deps.length, 0),
  },
  incr: { tasks: wide.length, changed: "in/t0005", cone: cone(wide, "t0005") },
  startup: { tasks: small.length },
  real: {
    tasks: real.length,
    critical_path_s: 0.25,
    waves_at_4: waves(real, 4),
    bound_s: waves(real, 4) * 0.05,
  },
};
await Deno.writeTextFile(join(out, "meta.json"), JSON.stringify(meta, null, 1));
console.log(JSON.stringify(meta));
