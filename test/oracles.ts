/**
 * Which oracles this machine has: Debian's RISC-V cross toolchain (the assembler/objdump oracle and
 * the builder of guest programs) and qemu-system-riscv32 (the emulator oracle). Tests that need one
 * skip without it, so that `npm test` passes on a fresh machine; CI sets VMSCOPE_REQUIRE_ORACLES=1
 * (.ci/run installs them), and then a missing oracle fails the run instead of silently skipping.
 */
import { spawnSync } from 'node:child_process';

const TOOLCHAIN = ['riscv64-unknown-elf-gcc', 'riscv64-unknown-elf-as', 'riscv64-unknown-elf-ld',
  'riscv64-unknown-elf-objdump', 'riscv64-unknown-elf-objcopy', 'riscv64-unknown-elf-readelf', 'make'];
const QEMU = 'qemu-system-riscv32';

function has(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

function check(names: string[]): boolean {
  const missing = names.filter((n) => !has(n));
  if (missing.length > 0 && process.env.VMSCOPE_REQUIRE_ORACLES) {
    throw new Error(`VMSCOPE_REQUIRE_ORACLES is set but ${missing.join(', ')} cannot be run: install gcc-riscv64-unknown-elf, binutils-riscv64-unknown-elf and qemu-system-misc (bash .ci/run does)`);
  }
  return missing.length === 0;
}

/** The cross toolchain (gcc, as, ld, objdump, objcopy, readelf) and make. */
export const HAS_TOOLCHAIN = check(TOOLCHAIN);
/** qemu-system-riscv32. */
export const HAS_QEMU = check([QEMU]);
