/**
 * `plan validate --types`: type-checks `orchestrator.ts` with the
 * TypeScript compiler embedded in orchestrate (the npm `typescript`
 * package, imported only here), offline, as `deno check` would: the plan's
 * imports of the DSL resolve to the built-in DSL, relative `.ts` and `.json`
 * imports to the files, and the globals are Deno's (`deno_globals.d.ts`).
 * Every file is read through an in-memory compiler host, so a `deno
 * compile`d binary reads TypeScript's lib files and the DSL from its
 * embedded files.
 * @module
 */

import { dirname, join, resolve } from "../../fs/path.ts";
import type { Diagnostic } from "../diagnostic.ts";
import type Ts from "typescript";
import { isDsl } from "./ts_transpile.ts";

/** The compiler's API (the `typescript` module). */
type Compiler = typeof Ts;

/** The name diagnostics give the built-in DSL (never a file on disk). */
export const DSL_DISPLAY = "orchestrate (the built-in DSL)";

/** Where the built-in DSL lives for the compiler: a folder no project has. */
const DSL_FILE = "/__orchestrate__/orchestrate.ts";
const GLOBALS_URL = new URL("./deno_globals.d.ts", import.meta.url);
const GLOBALS_FILE = "/__orchestrate__/deno_globals.d.ts";

/**
 * Type-checks the plan `file` and what it imports; every error found, each
 * at its file, line and column (empty when the plan type-checks).
 *
 * @param file The plan, as the user named it (relative to `cwd` or absolute).
 * @param cwd The working directory: diagnostics name files relative to it.
 *
 * @example
 * ```ts ignore
 * const errors = await typeCheckPlan("orchestrator.ts", Deno.cwd());
 * for (const d of errors) console.log(`${d.file}:${d.line}:${d.col}: ${d.message}`);
 * ```
 */
export async function typeCheckPlan(
  file: string,
  cwd: string,
): Promise<Diagnostic[]> {
  const { default: ts } = await import("typescript");
  const options = compilerOptions(ts);
  const libFolder = dirname(ts.getDefaultLibFilePath(options));
  const dsl = await Deno.readTextFile(
    new URL("../../dsl/dsl.ts", import.meta.url),
  );
  const globals = await Deno.readTextFile(GLOBALS_URL);
  const main = resolve(cwd, file);
  const host = compilerHost(ts, {
    cwd,
    libFolder,
    virtual: new Map([
      [DSL_FILE, dsl],
      [GLOBALS_FILE, globals],
      // Deno's globals declare their own Temporal, as Deno's esnext does
      // not: TypeScript's would conflict with it.
      [join(libFolder, "lib.esnext.temporal.d.ts"), ""],
    ]),
  });
  const program = ts.createProgram({
    rootNames: [main, GLOBALS_FILE],
    options,
    host,
  });
  // A plan that cannot be read is reported by the validation that follows.
  if (program.getSourceFile(main) === undefined) return [];
  return ts.getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => located(ts, d, main, cwd));
}

/** `deno check`'s defaults (strict, ES modules, `.ts` extensions, JSON modules). */
function compilerOptions(ts: Compiler): Ts.CompilerOptions {
  return {
    strict: true,
    noImplicitOverride: true,
    useUnknownInCatchVariables: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    allowImportingTsExtensions: true,
    resolveJsonModule: true,
    isolatedModules: true,
    useDefineForClassFields: true,
    noEmit: true,
    lib: ["lib.esnext.d.ts"],
    types: [],
  };
}

interface HostFiles {
  cwd: string;
  /** The folder of TypeScript's `lib.*.d.ts` files. */
  libFolder: string;
  /** Files that exist only in memory, by absolute name. */
  virtual: ReadonlyMap<string, string>;
}

/**
 * A compiler host that reads the plan's files from disk, the lib files
 * from the `typescript` package (embedded in a compiled binary) and the
 * DSL and globals from memory, and resolves imports as the evaluator does.
 */
function compilerHost(
  ts: Compiler,
  files: HostFiles,
): Ts.CompilerHost {
  const readFile = (name: string): string | undefined => {
    const text = files.virtual.get(name);
    if (text !== undefined) return text;
    try {
      return Deno.readTextFileSync(name);
    } catch (e) {
      if (
        e instanceof Deno.errors.NotFound ||
        e instanceof Deno.errors.IsADirectory
      ) return undefined;
      throw e;
    }
  };
  const fileExists = (name: string) => readFile(name) !== undefined;
  return {
    getSourceFile(name, languageVersion) {
      const text = readFile(name);
      return text === undefined
        ? undefined
        : ts.createSourceFile(name, text, languageVersion, true);
    },
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    getDefaultLibLocation: () => files.libFolder,
    writeFile: () => {},
    getCurrentDirectory: () => files.cwd,
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists,
    readFile,
    directoryExists: (name) => {
      try {
        return Deno.statSync(name).isDirectory;
      } catch {
        return false;
      }
    },
    getDirectories: () => [],
    resolveModuleNameLiterals(literals, containingFile) {
      return literals.map((literal) =>
        resolveImport(
          ts,
          literal.text,
          containingFile,
          fileExists,
        )
      );
    },
    // Unused with `types: []`, but part of the host a program may ask for.
    resolveTypeReferenceDirectiveReferences: (references) =>
      references.map(() => ({ resolvedTypeReferenceDirective: undefined })),
  };
}

/** An import as the evaluator resolves it; anything else is "cannot find module". */
function resolveImport(
  ts: Compiler,
  specifier: string,
  containingFile: string,
  fileExists: (name: string) => boolean,
): Ts.ResolvedModuleWithFailedLookupLocations {
  const none = { resolvedModule: undefined };
  const target = resolve(dirname(containingFile), specifier);
  // The same imports as the evaluator's stand for the built-in DSL.
  if (isDsl(specifier, target)) {
    return {
      resolvedModule: {
        resolvedFileName: DSL_FILE,
        extension: ts.Extension.Ts,
      },
    };
  }
  if (!specifier.startsWith(".")) return none;
  const extension = /\.d\.[cm]?ts$/.test(target)
    ? undefined
    : target.endsWith(".ts")
    ? ts.Extension.Ts
    : target.endsWith(".mts")
    ? ts.Extension.Mts
    : target.endsWith(".cts")
    ? ts.Extension.Cts
    : target.endsWith(".json")
    ? ts.Extension.Json
    : undefined;
  if (extension === undefined || !fileExists(target)) return none;
  return { resolvedModule: { resolvedFileName: target, extension } };
}

/**
 * "Cannot find module" (2307), "... or its corresponding type declarations"
 * (2792) and "install type definitions for node?" (2591): advice for npm
 * projects, not for a plan.
 */
const MODULE_NOT_FOUND = new Set([2307, 2591, 2792]);

/** A TypeScript diagnostic as ours: `file:line:col`, the source line, `(TS2322)`. */
function located(
  ts: Compiler,
  d: Ts.Diagnostic,
  main: string,
  cwd: string,
): Diagnostic {
  const literal = d.file?.text.slice(d.start, (d.start ?? 0) + (d.length ?? 0));
  const text = MODULE_NOT_FOUND.has(d.code) && literal && /^["']/.test(literal)
    ? `Cannot find module "${
      literal.slice(1, -1)
    }": a plan may import the DSL ("orchestrate"), relative .ts files and JSON files`
    : dslMistakes(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  const message = `${text} (TS${d.code})`;
  if (d.file === undefined || d.start === undefined) {
    return { file: display(main, cwd), line: 1, col: 1, message };
  }
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const lines = d.file.text.split("\n");
  return {
    file: display(d.file.fileName, cwd),
    line: line + 1,
    col: character + 1,
    message,
    sourceLine: (lines[line] ?? "").replace(/\r$/, ""),
  };
}

/**
 * The DSL's own words for a plan-level mistake, when the compiler's text
 * carries them: its checks turn an unknown dependency, an undeclared gate,
 * an unknown field or a fractional count into an expected type such as
 * `"unknown dependency \"PKG-utlis\""`, shown here alone, not inside the
 * compiler's dump of the types around it.
 */
function dslMistakes(text: string): string {
  const found = new Set<string>();
  const pattern =
    /"((?:unknown dependency|gate|unknown task field) \\"(?:[^"\\]|\\.)*?\\"[^"\\]*|expected a whole number, not [^"\\]*)"/g;
  for (const m of text.matchAll(pattern)) found.add(m[1]!.replace(/\\"/g, '"'));
  return found.size === 0 ? text : [...found].join("; ");
}

function display(name: string, cwd: string): string {
  if (name === DSL_FILE) return DSL_DISPLAY;
  return name.startsWith(cwd + "/") ? name.slice(cwd.length + 1) : name;
}
