/**
 * The module graph Deno resolves from an entry point (`deno info --json`),
 * for tests that check what a module loads.
 */
import assert from "node:assert/strict";
import { repoPath } from "./_cli.ts";

/** One import of a module, as `deno info --json` lists it. */
export interface InfoDependency {
  specifier: string;
  code?: { specifier: string };
  type?: { specifier: string };
  isDynamic?: boolean;
}

/** One module of the graph. */
export interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

/** The modules reachable from `entry` (a path from the repository's root). */
export async function denoInfo(entry: string): Promise<InfoModule[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", repoPath(entry)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: InfoModule[];
  }).modules;
}

/** The specifiers `entry` loads before its first line runs (static code imports only). */
export async function staticImports(entry: string): Promise<Set<string>> {
  const modules = await denoInfo(entry);
  const deps = new Map(modules.map((m) => [m.specifier, m.dependencies]));
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return;
    seen.add(specifier);
    for (const d of deps.get(specifier) ?? []) {
      if (!d.isDynamic && d.code) visit(d.code.specifier);
    }
  };
  visit(new URL(`../${entry}`, import.meta.url).href);
  return seen;
}
