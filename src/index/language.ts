/**
 * The language of a file, from its name: what the index records and which
 * symbol scanner reads it.
 * @module
 */

const BY_EXTENSION: Record<string, string> = {
  __proto__: null as unknown as string,
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  rs: "rust",
  py: "python",
  pyi: "python",
  go: "go",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  hpp: "cpp",
  java: "java",
  kt: "kotlin",
  rb: "ruby",
  php: "php",
  cs: "csharp",
  swift: "swift",
  sh: "shell",
  bash: "shell",
  md: "markdown",
  json: "json",
  jsonc: "json",
  yml: "yaml",
  yaml: "yaml",
  toml: "toml",
  html: "html",
  css: "css",
  sql: "sql",
};

const BY_NAME: Record<string, string> = {
  __proto__: null as unknown as string,
  Makefile: "make",
  GNUmakefile: "make",
  Dockerfile: "dockerfile",
};

/**
 * The language of the file at `path` (a `/`-separated relative path), or
 * `"other"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { languageOf } from "./language.ts";
 * assert.equal(languageOf("src/lib.rs"), "rust");
 * assert.equal(languageOf("web/App.tsx"), "typescript");
 * assert.equal(languageOf("LICENSE"), "other");
 * ```
 */
export function languageOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const byName = BY_NAME[name];
  if (byName) return byName;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "other";
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? "other";
}
