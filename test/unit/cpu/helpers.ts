/**
 * Test helpers: assemble a snippet with the riscv64-unknown-elf toolchain (tests skip when it is
 * absent), load it into a Machine and run it. The prelude installs a trap handler that logs
 * (mcause, mtval, mepc) triples to LOG and skips the trapping instruction; `RES` is a results area the
 * snippet stores into. The program ends through the SiFive test finisher (`pass` / `fail`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, loadElf, Machine, type MachineConfig, type StopReason } from '../../../emulator/api';

export const RES = 0x80040000;
export const LOG = 0x80050000;


export { HAS_TOOLCHAIN as toolchain } from '../../oracles';

const LINK = `OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.text.start) *(.text*) }
  . = ALIGN(4096);
  .data : { *(.data*) *(.sdata*) *(.bss*) }
}
`;

/** Default trap handler: log mcause/mtval/mepc at LOG (count at LOG, triples after), skip the insn. */
const DEFAULT_HANDLER = `
.align 2
trap_handler:
  csrw mscratch, t0
  li t0, ${LOG}
  sw t1, 2044(t0)
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  slli t1, t1, 4
  add t1, t1, t0
  csrr t0, mcause
  sw t0, -12(t1)
  csrr t0, mtval
  sw t0, -8(t1)
  csrr t0, mepc
  sw t0, -4(t1)
  bltz t0, 1f
  j pass
1:
  lhu t1, 0(t0)
  andi t1, t1, 3
  addi t0, t0, 2
  xori t1, t1, 3
  bnez t1, 3f
  addi t0, t0, 2
3: csrw mepc, t0
  li t0, ${LOG}
  lw t1, 2044(t0)
  csrr t0, mscratch
  mret
`;

export interface AsmOptions {
  /** Replace the default M-mode trap handler (the snippet then defines trap_handler itself). */
  ownHandler?: boolean;
  march?: string;
}

/** Assemble and link a snippet (the prelude and exit labels are added). */
export function assemble(body: string, opts: AsmOptions = {}): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'vmscope-cpu-'));
  try {
    const src = `
.section .text.start
.globl _start
_start:
  la t0, trap_handler
  csrw mtvec, t0
${body}
  j pass
.globl pass
pass:
  li t0, 0x5555
  li t1, 0x100000
  sw t0, 0(t1)
  j .
.globl fail
fail:
  li t0, 0x13333
  li t1, 0x100000
  sw t0, 0(t1)
  j .
${opts.ownHandler ? '' : DEFAULT_HANDLER}
`;
    writeFileSync(join(dir, 't.S'), src);
    writeFileSync(join(dir, 'l.ld'), LINK);
    const march = opts.march ?? 'rv32imac_zicsr_zifencei';
    execFileSync('riscv64-unknown-elf-gcc', [
      '-march=' + march, '-mabi=ilp32', '-nostdlib', '-nostartfiles', '-T', join(dir, 'l.ld'),
      '-o', join(dir, 't.elf'), join(dir, 't.S'), '-Wl,--no-warn-rwx-segments',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Uint8Array(readFileSync(join(dir, 't.elf')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunResult {
  m: Machine;
  stop: StopReason;
  out: string;
  /** Word i of the results area. */
  res: (i: number) => number;
  /** Logged traps. */
  traps: { cause: number; tval: number; epc: number }[];
}

export function run(body: string, opts: AsmOptions & { config?: Partial<MachineConfig>; maxInsns?: number; jit?: boolean } = {}): RunResult {
  const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8, ...opts.config });
  m.setJit(opts.jit ?? true);
  let out = '';
  m.onOutput = (b) => { out += new TextDecoder().decode(b); };
  m.load(loadElf(assemble(body, opts)));
  const stop = m.run(opts.maxInsns ?? 1_000_000);
  return { m, stop, out, ...inspect(m) };
}

export function inspect(m: Machine): Pick<RunResult, 'res' | 'traps'> {
  const word = (a: number): number => new DataView(m.readPhys(a, 4).buffer).getUint32(0, true);
  const n = word(LOG);
  const traps = Array.from({ length: n }, (_, i) => ({
    cause: word(LOG + 4 + 16 * i),
    tval: word(LOG + 8 + 16 * i),
    epc: word(LOG + 12 + 16 * i),
  }));
  return { res: (i) => word(RES + 4 * i), traps };
}

/** Load RES base into register s11 (the snippets store with `sw reg, 4*i(s11)`). */
export const SETUP = `  li s11, ${RES}\n`;

/** Open all of memory to S/U through PMP entry 0 (NAPOT, RWX) unless !openPmp; drop to `mode` at `label`. */
export const toMode = (mode: number, label: string, openPmp = true): string => `${openPmp ? `
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0` : ''}
  li t0, 0x1800
  csrc mstatus, t0
  li t0, ${mode << 11}
  csrs mstatus, t0
  la t0, ${label}
  csrw mepc, t0
  mret
`;

