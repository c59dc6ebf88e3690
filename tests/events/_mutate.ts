/**
 * Random damage to a real log, for fuzz tests: each mutation keeps the line
 * valid JSON (or not, sometimes) but drops a field, gives one a value of
 * another type, or changes an event's type.
 * @module
 */

import fc from "fast-check";

const TYPES = [
  "run_started",
  "plan_validated",
  "plan_updated",
  "resumed",
  "task_started",
  "task_completed",
  "task_failed",
  "task_blocked",
  "skipped",
  "shard_started",
  "shard_completed",
  "shard_failed",
  "command_run",
  "retry_scheduled",
  "acceptance_passed",
  "acceptance_failed",
  "awaiting_approval",
  "approval_granted",
  "approval_recorded",
  "build_started",
  "interrupted",
  "completed",
  "no_such_type",
];

/** One mutation of one line. */
export type Mutation =
  | { kind: "drop"; line: number; key: number }
  | { kind: "set"; line: number; key: number; value: unknown }
  | { kind: "retype"; line: number; type: string }
  | { kind: "replace"; line: number; value: unknown }
  | { kind: "cut"; line: number; at: number };

/** Arbitrary mutations (1 to 4 per log). */
export const mutations: fc.Arbitrary<Mutation[]> = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant("drop" as const),
      line: fc.nat(),
      key: fc.nat(),
    }),
    fc.record({
      kind: fc.constant("set" as const),
      line: fc.nat(),
      key: fc.nat(),
      value: fc.jsonValue({ maxDepth: 2 }),
    }),
    fc.record({
      kind: fc.constant("retype" as const),
      line: fc.nat(),
      type: fc.constantFrom(...TYPES),
    }),
    fc.record({
      kind: fc.constant("replace" as const),
      line: fc.nat(),
      value: fc.jsonValue({ maxDepth: 2 }),
    }),
    fc.record({
      kind: fc.constant("cut" as const),
      line: fc.nat(),
      at: fc.nat(),
    }),
  ),
  { minLength: 1, maxLength: 4 },
);

/**
 * Applies mutations to log text (one event a line).
 *
 * @param text The log.
 * @param list What to do.
 * @returns The damaged log.
 */
export function mutate(text: string, list: readonly Mutation[]): string {
  const lines = text.split("\n").filter((l) => l !== "");
  for (const m of list) {
    const i = m.line % lines.length;
    if (m.kind === "replace") {
      lines[i] = JSON.stringify(m.value) ?? "null";
      continue;
    }
    if (m.kind === "cut") {
      lines[i] = lines[i]!.slice(0, m.at % lines[i]!.length);
      continue;
    }
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(lines[i]!);
    } catch {
      continue; // Cut by an earlier mutation.
    }
    if (typeof event !== "object" || event === null) continue;
    const keys = Object.keys(event);
    if (keys.length === 0) continue;
    switch (m.kind) {
      case "drop":
        delete event[keys[m.key % keys.length]!];
        lines[i] = JSON.stringify(event);
        break;
      case "set":
        event[keys[m.key % keys.length]!] = m.value;
        lines[i] = JSON.stringify(event);
        break;
      case "retype":
        event.type = m.type;
        lines[i] = JSON.stringify(event);
        break;
    }
  }
  return lines.join("\n") + "\n";
}
