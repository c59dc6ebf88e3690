/**
 * Seals on approvals: `orchestrate approve` signs each `approval_granted`
 * event with an HMAC under a key kept outside the project (the user's state
 * folder, beside the plan cache's key), and only a sealed approval is
 * honoured. A line written into the log or the approvals journal by
 * anything else (a task running with the user's rights, an agent's patch,
 * a `.codex/` restored from elsewhere) lacks the seal and is refused with a
 * warning naming the line. An approval recorded before seals existed is
 * refused the same way: approve again.
 *
 * What it cannot stop: a process running as the same user can read the key
 * too (a task without permissions can, so the README says so).
 * @module
 */

import { equalInConstantTime, hmacSha256Hex } from "../text/sha256.ts";
import { join } from "../fs/path.ts";
import { userDirs } from "../plan/cache.ts";
import type { ApprovalGrantedEvent } from "./types.ts";

/** The key's file, in the user's orchestrate state folder. */
export const APPROVALS_KEY = "approvals.key";

/** An approval as stamped (time and run), before its seal. */
export type UnsealedApproval = Omit<ApprovalGrantedEvent, "mac">;

/** `approve` cannot seal: no state folder is known to keep the key in. */
export class NoApprovalsKey extends Error {
  override name = "NoApprovalsKey";
}

const keys = new Map<string, Uint8Array | null>();

/** Path of the key, or null when no state folder is known (no HOME, no XDG_STATE_HOME). */
export function approvalsKeyPath(): string | null {
  const dirs = userDirs();
  return dirs ? join(dirs.state, APPROVALS_KEY) : null;
}

/** The key at `path`; created (0600, exclusively) when `create`; null when absent or damaged. */
function loadKey(path: string, create: boolean): Uint8Array | null {
  const known = keys.get(path);
  if (known) return known;
  let text: string | null = null;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || !create) return null;
    Deno.mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
    const fresh = Array.from(
      crypto.getRandomValues(new Uint8Array(32)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    try {
      Deno.writeTextFileSync(path, fresh, { createNew: true, mode: 0o600 });
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    text = Deno.readTextFileSync(path); // a rival's key, if it won
  }
  if (!/^[0-9a-f]{64}$/.test(text.trim())) return null;
  const key = new TextEncoder().encode(text.trim());
  keys.set(path, key);
  return key;
}

/**
 * This user's approvals key (created on first use when `create`), or null
 * when there is none or no state folder is known. Other records that
 * approvals rely on (a run's kept definition hashes) are sealed with it too,
 * each under its own label.
 *
 * @example
 * ```ts ignore
 * const key = approvalsKey(true); // Uint8Array of the key's text, or null
 * ```
 */
export function approvalsKey(create: boolean): Uint8Array | null {
  const path = approvalsKeyPath();
  return path === null ? null : loadKey(path, create);
}

/** What the seal covers: every field that decides what the approval grants, in a fixed order. */
function sealed(event: UnsealedApproval): string {
  const hashes = event.task_hashes ?? {};
  return JSON.stringify([
    "orchestrate approval 1",
    event.run,
    event.ts,
    event.task,
    event.shard,
    event.gate,
    event.by,
    event.plan_hash,
    Object.keys(hashes).sort().map((k) => [k, hashes[k]]),
    event.task_hashes === undefined,
    event.note ?? null,
  ]);
}

function macOf(key: Uint8Array, event: UnsealedApproval): string {
  return hmacSha256Hex(key, sealed(event));
}

/**
 * `event` with its seal, under this user's key (created on first use).
 *
 * @throws {NoApprovalsKey} When no state folder is known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { approvalProblem, sealApproval } from "./approval_seal.ts";
 * const dir = await Deno.makeTempDir();
 * Deno.env.set("XDG_STATE_HOME", dir);
 * const grant = sealApproval({
 *   ts: "2026-01-01T00:00:00.000Z", run: "r", type: "approval_granted", task: null,
 *   shard: null, gate: "deploy", by: "ann", plan_hash: "p", task_hashes: { D: "h" },
 * });
 * assert.equal(approvalProblem(grant), null);
 * assert.match(approvalProblem({ ...grant, gate: "other" })!, /does not match/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function sealApproval(event: UnsealedApproval): ApprovalGrantedEvent {
  const path = approvalsKeyPath();
  if (path === null) {
    throw new NoApprovalsKey(
      "Cannot seal the approval: no state folder to keep orchestrate's approvals key in (set HOME or XDG_STATE_HOME)",
    );
  }
  const key = loadKey(path, true);
  if (key === null) {
    throw new NoApprovalsKey(
      `Cannot seal the approval: ${path} is not an approvals key (remove it; a new one is made)`,
    );
  }
  const { mac: _, ...rest } = event as ApprovalGrantedEvent;
  return { ...rest, mac: macOf(key, rest) };
}

/**
 * Why `event` is not honoured, or null when its seal is this user's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { approvalProblem } from "./approval_seal.ts";
 * const forged = {
 *   ts: "t", run: "r", type: "approval_granted", task: null, shard: null,
 *   gate: "deploy", by: "x", plan_hash: "p",
 * } as const;
 * assert.match(approvalProblem(forged)!, /no seal/);
 * ```
 */
export function approvalProblem(event: ApprovalGrantedEvent): string | null {
  if (typeof event.mac !== "string") {
    return "it has no seal (written by hand, by a task, or before approvals were sealed): approve again";
  }
  const path = approvalsKeyPath();
  const key = path === null ? null : loadKey(path, false);
  if (key === null) {
    return `no approvals key to check its seal against (${
      path ?? "no state folder"
    }): approve again`;
  }
  const want = new TextEncoder().encode(macOf(key, event));
  const got = new TextEncoder().encode(event.mac);
  if (equalInConstantTime(want, got)) return null;
  return "its seal does not match (edited, copied from elsewhere, or sealed by another user): approve again";
}
