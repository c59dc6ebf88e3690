/**
 * The check helper process (`orchestrate __check`): reads one JSON request
 * a line on stdin, evaluates it with {@link evaluateFileCheck}, and writes
 * one JSON reply a line on stdout, in order. It keeps only read permission,
 * ignores Ctrl-C (the run that started it decides when it dies) and exits
 * when stdin closes.
 * @module
 */

import { evaluateFileCheck, type FileCheckRequest } from "./file_check.ts";

/** A request line: an id chosen by the parent and what to evaluate. */
export interface CheckRequestLine {
  id: number;
  request: FileCheckRequest;
}

/** A reply line: the result, or the error that kept the check from being evaluated (a bug). */
export type CheckReplyLine =
  | { id: number; passed: boolean; reason: string }
  | { id: number; error: string };

/** Everything but reading, which is all a file check needs. */
const DROPPED: readonly Deno.PermissionDescriptor["name"][] = [
  "write",
  "run",
  "net",
  "env",
  "sys",
  "ffi",
];

/**
 * Reads stdin in a Worker, posting each line to the main thread. When stdin
 * closes (the run ended, or died without a chance to kill us) it ends the
 * process from its own thread: the main thread may be stuck in a regex.
 * A Blob URL, so a compiled binary needs nothing embedded for it.
 */
const STDIN_READER = `
const decoder = new TextDecoder();
let pending = "";
for await (const chunk of Deno.stdin.readable) {
  pending += decoder.decode(chunk, { stream: true });
  let newline;
  while ((newline = pending.indexOf("\\n")) >= 0) {
    postMessage(pending.slice(0, newline));
    pending = pending.slice(newline + 1);
  }
}
Deno.kill(Deno.pid, "SIGKILL");
`;

/**
 * Serves check requests until stdin closes (then the process ends). Called
 * by `main.ts` for the hidden `__check` subcommand.
 *
 * @example
 * ```ts ignore
 * if (Deno.args[0] === "__check") await serveChecks();
 * ```
 */
export function serveChecks(): Promise<never> {
  // A compiled binary carries every permission it was built with: drop them.
  for (const name of DROPPED) Deno.permissions.revokeSync({ name });
  // Ctrl-C reaches the whole terminal process group; the parent kills us when it is meant.
  Deno.addSignalListener("SIGINT", () => {});
  const out = Deno.stdout.writable.getWriter();
  const encoder = new TextEncoder();
  const reader = new Worker(
    URL.createObjectURL(new Blob([STDIN_READER], { type: "text/javascript" })),
    { type: "module" },
  );
  let queue = Promise.resolve();
  reader.onmessage = (e: MessageEvent<string>) => {
    const line = e.data;
    if (line.trim() === "") return;
    queue = queue.then(async () => {
      const reply = await answer(line);
      await out.write(encoder.encode(JSON.stringify(reply) + "\n"));
    });
  };
  return new Promise<never>(() => {});
}

async function answer(line: string): Promise<CheckReplyLine> {
  let id = -1;
  try {
    const { id: given, request } = JSON.parse(line) as CheckRequestLine;
    id = given;
    const { passed, reason } = await evaluateFileCheck(request);
    return { id, passed, reason };
  } catch (e) {
    return { id, error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
}
