/**
 * Retry policies: which applies, and how long to wait between attempts.
 * @module
 */

import type { Command, Retry, Task } from "../plan/ir.ts";

/** One attempt and no waiting: what a command without a policy gets. */
export const NO_RETRY: Retry = {
  attempts: 1,
  backoff_ms: 0,
  max_backoff_ms: 0,
};

/** The command's own policy, else its task's, else a single attempt. */
export function retryFor(command: Command, task: Task | undefined): Retry {
  return command.retry ?? task?.retry ?? NO_RETRY;
}

/**
 * Delay before attempt `next` (2, 3, ...): exponential backoff with a cap.
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./retry.ts";
 * const policy = { attempts: 5, backoff_ms: 1000, max_backoff_ms: 3000 };
 * [2, 3, 4].map((n) => backoffDelay(policy, n)); // [1000, 2000, 3000]
 * ```
 */
export function backoffDelay(policy: Retry, next: number): number {
  return Math.min(policy.backoff_ms * 2 ** (next - 2), policy.max_backoff_ms);
}
