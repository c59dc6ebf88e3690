// A relative import: plans may share helpers across .ts files.
import { command as commandCheck } from "orchestrate";

/** A `Command:` check (re-exported to show relative imports work). */
export const command = commandCheck;
