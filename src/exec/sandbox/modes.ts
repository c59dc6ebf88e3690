/**
 * The values of `--sandbox` (apart from the sandbox code, so that parsing
 * the flag loads none of it).
 * @module
 */

/** The values of `--sandbox`. */
export const SANDBOX_MODES = ["auto", "bwrap", "runtime", "off"] as const;

/**
 * How commands are confined: `auto` picks per command and falls back to
 * the write audit alone; `bwrap` and `runtime` fail a command they cannot
 * confine; `off` never confines (the audit still runs).
 */
export type SandboxMode = typeof SANDBOX_MODES[number];
