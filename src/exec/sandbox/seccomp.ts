/**
 * The seccomp filter of a task with `net: false`, as classic BPF for
 * bubblewrap's `--seccomp FD`. A network namespace already cuts TCP and UDP
 * and abstract unix sockets; a unix socket on the file system (a docker or
 * an agent socket) is reached through the mount namespace, which shares
 * the host's files. The filter refuses (EPERM) creating any `AF_UNIX`
 * socket, and `io_uring_setup` (io_uring can create sockets without the
 * `socket` system call). `socketpair` stays allowed: it connects nothing
 * outside. It checks the architecture first: a system call of another ABI
 * (x32 or 32-bit compat) is judged by that ABI's numbers; 32-bit x86
 * multiplexes sockets through `socketcall`, whose family sits behind a
 * pointer, so there every `socketcall(SYS_SOCKET)` is refused.
 * @module
 */

// struct seccomp_data: nr at 0, arch at 4, args[0] (low half, little-endian) at 16.
const NR = 0, ARCH = 4, ARG0 = 16;
const LD_W_ABS = 0x20, JEQ_K = 0x15, RET_K = 0x06;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050000 | 1;
const KILL_PROCESS = 0x80000000;
const AF_UNIX = 1;
const X32 = 0x40000000;

/** AUDIT_ARCH_* values. */
const AUDIT = {
  x86_64: 0xc000003e,
  i386: 0x40000003,
  aarch64: 0xc00000b7,
  arm: 0x40000028,
} as const;

/** One ABI: its socket and io_uring_setup numbers, and socketcall's where sockets go through it. */
interface Abi {
  arch: number;
  socket: number[];
  ioUringSetup: number[];
  socketcall?: number;
}

/** The ABIs a process on `arch` can call into. */
function abis(arch: "x86_64" | "aarch64"): Abi[] {
  return arch === "x86_64"
    ? [
      // x86_64 and x32 share the audit arch; x32 numbers carry bit 30.
      {
        arch: AUDIT.x86_64,
        socket: [41, X32 | 41],
        ioUringSetup: [425, X32 | 425],
      },
      { arch: AUDIT.i386, socket: [359], ioUringSetup: [425], socketcall: 102 },
    ]
    : [
      { arch: AUDIT.aarch64, socket: [198], ioUringSetup: [425] },
      { arch: AUDIT.arm, socket: [281], ioUringSetup: [425] },
    ];
}

/** An instruction with symbolic jump targets, resolved by {@link assemble}. */
type Op =
  | { code: number; k: number }
  | { jeq: number; yes: string; no: string }
  | { label: string };

function assemble(ops: Op[]): Uint8Array {
  const labels = new Map<string, number>();
  let at = 0;
  for (const op of ops) {
    if ("label" in op) labels.set(op.label, at);
    else at++;
  }
  const out = new Uint8Array(at * 8);
  const view = new DataView(out.buffer);
  at = 0;
  const jump = (label: string) => {
    const to = labels.get(label);
    if (to === undefined) throw new Error(`seccomp: no label ${label}`);
    const offset = to - at - 1;
    if (offset < 0 || offset > 255) throw new Error(`seccomp: jump ${label}`);
    return offset;
  };
  for (const op of ops) {
    if ("label" in op) continue;
    const base = at * 8;
    if ("jeq" in op) {
      view.setUint16(base, JEQ_K, true);
      view.setUint8(base + 2, jump(op.yes));
      view.setUint8(base + 3, jump(op.no));
      view.setUint32(base + 4, op.jeq, true);
    } else {
      view.setUint16(base, op.code, true);
      view.setUint32(base + 4, op.k, true);
    }
    at++;
  }
  return out;
}

/**
 * The filter for this machine's architecture, or null where none is
 * written (neither x86_64 nor aarch64).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unixSocketFilter } from "./seccomp.ts";
 * const bpf = unixSocketFilter("x86_64")!;
 * assert.equal(bpf.length % 8, 0); // struct sock_filter: 8 bytes each
 * ```
 */
export function unixSocketFilter(
  arch: string = Deno.build.arch,
): Uint8Array | null {
  if (arch !== "x86_64" && arch !== "aarch64") return null;
  const all = abis(arch);
  const ops: Op[] = [{ code: LD_W_ABS, k: ARCH }];
  all.forEach((abi, i) =>
    ops.push({ jeq: abi.arch, yes: `abi${i}`, no: `next${i}` }, {
      label: `next${i}`,
    })
  );
  // A system call of an ABI this filter does not know: end the process.
  ops.push({ code: RET_K, k: KILL_PROCESS });
  all.forEach((abi, i) => {
    ops.push({ label: `abi${i}` }, { code: LD_W_ABS, k: NR });
    for (const nr of abi.socket) {
      ops.push({ jeq: nr, yes: "family", no: `s${i}.${nr}` }, {
        label: `s${i}.${nr}`,
      });
    }
    for (const nr of abi.ioUringSetup) {
      ops.push({ jeq: nr, yes: "deny", no: `u${i}.${nr}` }, {
        label: `u${i}.${nr}`,
      });
    }
    if (abi.socketcall !== undefined) {
      ops.push(
        { jeq: abi.socketcall, yes: `call${i}`, no: "allow" },
        { label: `call${i}` },
        { code: LD_W_ABS, k: ARG0 },
        // SYS_SOCKET: its family is behind a pointer the filter cannot read.
        { jeq: 1, yes: "deny", no: "allow" },
      );
    } else {
      ops.push({ code: RET_K, k: ALLOW });
    }
  });
  ops.push(
    { label: "family" },
    { code: LD_W_ABS, k: ARG0 },
    { jeq: AF_UNIX, yes: "deny", no: "allow" },
    { label: "allow" },
    { code: RET_K, k: ALLOW },
    { label: "deny" },
    { code: RET_K, k: EPERM },
  );
  return assemble(ops);
}
