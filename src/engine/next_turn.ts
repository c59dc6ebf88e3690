/**
 * A turn of the event loop. Work whose every await is already answered
 * (a task found up to date through the stat cache) runs as one chain of
 * microtasks: no timer, file read, module load or process exit is served
 * until it ends. Awaiting {@link nextTurn} lets them through.
 * @module
 */

/**
 * Resolves once the event loop has served what is due (I/O completions,
 * timers): a message to oneself, not a timer, which the loop delays to
 * 4 ms when nested.
 *
 * @example
 * ```ts ignore
 * for (const task of upToDate) {
 *   decide(task); // answered from memory: no turn of the loop
 *   if (performance.now() - since > 2) await nextTurn(); // reads and loads waiting meanwhile go on
 * }
 * ```
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
    port2.close();
  });
}
