/**
 * `run --stream`: every command's output on the terminal as it arrives,
 * each line behind whose it is (`BUILD | …`, `TEST/unit | …`), as
 * docker compose and Turborepo's `--output-logs` show it. The bytes are the
 * masked ones the output file gets; colours are dropped and other control
 * characters escaped, so a command cannot drive the terminal.
 * @module
 */

import type { OutputTap } from "../engine/steps/handler.ts";
import { plainLine } from "../render/output_tail.ts";

/**
 * An {@link OutputTap} writing complete lines to `out` behind a prefix; a
 * command's unfinished last line is written when an empty chunk says its
 * output ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { streamTap } from "./stream_tap.ts";
 * let text = "";
 * const sink = streamTap((t) => text += t)({ task: "A", shard: null, command: "x" });
 * sink(new TextEncoder().encode("one\ntw"));
 * sink(new TextEncoder().encode("o\nthree"));
 * sink(new Uint8Array());
 * assert.equal(text, "A | one\nA | two\nA | three\n");
 * ```
 */
export function streamTap(out: (text: string) => void): OutputTap {
  return ({ task, shard }) => {
    const prefix = shard === null ? task : `${task}/${shard}`;
    const decoder = new TextDecoder();
    let pending = "";
    const write = (line: string) => out(`${prefix} | ${plainLine(line)}\n`);
    return (bytes) => {
      if (bytes.length === 0) {
        pending += decoder.decode();
        if (pending !== "") write(pending);
        pending = "";
        return;
      }
      const lines = (pending + decoder.decode(bytes, { stream: true }))
        .split("\n");
      pending = lines.pop()!;
      for (const line of lines) write(line);
    };
  };
}
