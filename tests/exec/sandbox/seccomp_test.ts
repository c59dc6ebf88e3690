/**
 * The seccomp filter of `net: false` (src/exec/sandbox/seccomp.ts), loaded
 * by bubblewrap: unix sockets are refused, other sockets and socketpair
 * are not; and the filter's shape on the architectures it knows.
 */
import assert from "node:assert/strict";
import {
  bwrapArgs,
  PROBE_POLICY,
  SECCOMP_FD,
  SECCOMP_TRAMPOLINE,
} from "../../../src/exec/sandbox/bwrap.ts";
import { unixSocketFilter } from "../../../src/exec/sandbox/seccomp.ts";
import { NO_BWRAP } from "./_sandbox.ts";

Deno.test("seccomp: a filter for x86_64 and aarch64, none elsewhere", () => {
  for (const arch of ["x86_64", "aarch64"]) {
    const bpf = unixSocketFilter(arch)!;
    assert.equal(bpf.length % 8, 0);
    // Starts by loading the architecture (offset 4 of seccomp_data).
    const view = new DataView(bpf.buffer);
    assert.equal(view.getUint16(0, true), 0x20);
    assert.equal(view.getUint32(4, true), 4);
  }
  assert.equal(unixSocketFilter("riscv64"), null);
});

/** Runs `script` under bwrap with the filter, as a confined `net: false` command is. */
async function filtered(script: string): Promise<string> {
  const filter = unixSocketFilter()!;
  const args = bwrapArgs(["sh", "-c", script], PROBE_POLICY, {
    cwd: "/",
    root: "/",
    writable: [],
    seccompFd: SECCOMP_FD,
  });
  const child = new Deno.Command(SECCOMP_TRAMPOLINE[0]!, {
    args: [...SECCOMP_TRAMPOLINE.slice(1), "bwrap", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(filter);
  await writer.close();
  const out = await child.output();
  return new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
}

Deno.test({
  name:
    "seccomp: under the filter AF_UNIX sockets fail, socketpair and stdin still work",
  ignore: NO_BWRAP !== null || unixSocketFilter() === null,
  fn: async () => {
    const said = await filtered(
      "python3 -c \"import socket\ntry:\n  socket.socket(socket.AF_UNIX)\n  print('unix ok')\nexcept OSError as e:\n  print('unix', e.errno)\nsocket.socketpair()\nprint('pair ok')\nsocket.socket(socket.AF_INET)\nprint('inet ok')\"; cat; echo stdin-closed-ok",
    );
    assert.match(said, /unix 1\b/);
    assert.match(said, /pair ok/);
    assert.match(said, /inet ok/);
    assert.match(said, /stdin-closed-ok/);
  },
});
