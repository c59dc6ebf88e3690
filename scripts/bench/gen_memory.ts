/**
 * Plans of the memory benchmark: one command that prints a lot, and one
 * task whose `inputs` hold a huge (sparse) file.
 * @module
 */

/** 1 GiB: the output of the big-output case. */
export const OUTPUT_BYTES = 1024 ** 3;
/** 5 GiB: the size of the input file of the big-input case. */
export const INPUT_BYTES = 5 * 1024 ** 3;
/** File name of the big input, relative to the project. */
export const INPUT_FILE = "big.bin";

/** The command that prints `bytes` zero bytes (no shell: `head` reads /dev/zero). */
export function printCommand(bytes: number): string {
  return `head -c ${bytes} /dev/zero`;
}

/** A plan whose one task prints `bytes` bytes. */
export function outputPlanYaml(bytes: number = OUTPUT_BYTES): string {
  return `version: 1
tasks:
  - id: BIG_OUTPUT
    title: Print ${bytes} bytes
    commands: { print: "${printCommand(bytes)}" }
`;
}

/** A plan whose one task lists `file` in its inputs (so the run fingerprints it) and runs `true`. */
export function inputPlanYaml(file: string = INPUT_FILE): string {
  return `version: 1
tasks:
  - id: BIG_INPUT
    title: Fingerprint ${file}
    inputs: [${JSON.stringify(file)}]
    commands: { noop: "true" }
`;
}
