/**
 * Generated plans for tests of size and hostile input.
 * @module
 */

/** The classic "billion laughs": nine levels of nine aliases each (line 3 is the first made of aliases). */
export function billionLaughs(): string {
  const lines = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let i = 1; i < 10; i++) {
    const name = String.fromCharCode(97 + i);
    const prev = String.fromCharCode(96 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
  }
  return `version: 1\n${lines.join("\n")}\n`;
}

/** Options of {@link chainPlan}. */
export interface ChainOptions {
  /** Write JSON instead of YAML. */
  json?: boolean;
  /** Every this many tasks, misspell `title` as `titel` (YAML only; 0: never). */
  typoEvery?: number;
}

/**
 * A plan of `n` tasks, each depending on the one before, about 350 bytes a
 * task. In YAML, task `i` starts on line `3 + 3i`.
 */
export function chainPlan(n: number, options: ChainOptions = {}): string {
  const title = (i: number) => `Task ${i} ${"x".repeat(300)}`;
  const dependsOn = (i: number) => (i > 0 ? [`T-${i - 1}`] : []);
  if (options.json) {
    const tasks = Array.from({ length: n }, (_, i) => ({
      id: `T-${i}`,
      title: title(i),
      dependencies: dependsOn(i),
    }));
    return JSON.stringify({ version: 1, tasks });
  }
  const parts = ["version: 1\ntasks:\n"];
  for (let i = 0; i < n; i++) {
    const key = options.typoEvery && i % options.typoEvery === 0
      ? "titel"
      : "title";
    parts.push(
      `  - id: T-${i}\n    ${key}: ${title(i)}\n    dependencies: [${
        dependsOn(i)
      }]\n`,
    );
  }
  return parts.join("");
}

/**
 * A plan of three tasks whose first has a `description` of `bytes`
 * characters, with an unknown key (`titel`, written once) after it, an
 * unknown dependency (`dependencies`, written once) and a duplicated id.
 * In YAML, `titel` is on line 6 and `dependencies` on line 9.
 */
export function bigScalarPlan(
  bytes: number,
  options: { json?: boolean } = {},
): string {
  const description = "x".repeat(bytes);
  if (options.json) {
    return `{"version": 1, "tasks": [\n` +
      `{"id": "A", "title": "a", "description": "${description}", "titel": "b"},\n` +
      `{"id": "B", "title": "b", "dependencies": ["Z"]},\n` +
      `{"id": "A", "title": "c"}\n]}\n`;
  }
  return `version: 1\ntasks:\n  - id: A\n    title: a\n    description: ${description}\n` +
    `    titel: b\n  - id: B\n    title: b\n    dependencies: [Z]\n` +
    `  - id: A\n    title: c\n`;
}
