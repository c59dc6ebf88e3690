/**
 * The project lock moved to `events/lock.ts` (the run store's door); this
 * re-export keeps the engine compiling until it takes the lock through the
 * store.
 * @module
 */

export {
  acquireLock,
  type Lock,
  LOCK_FILE,
  LockedError,
} from "../events/lock.ts";
