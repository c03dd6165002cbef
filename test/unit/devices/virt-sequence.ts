/**
 * A register-level script over the virt devices (UART0, PLIC, CLINT, test finisher) that runs two ways:
 * - replay(): against vmscope's device models wired like the machine wires them (UART line -> PLIC
 *   source 10, PLIC/CLINT -> one hart's mip), with faults where a device's accepts() says no;
 * - cProgram(): as a bare-metal RV32 program for qemu-system-riscv32 -M virt -bios none, which records
 *   every read, every mip sample and every trap cause, then prints them.
 * The two result lists must be equal. Steps avoid wall-clock-dependent state (mtime low word, the UART
 * FIFO timeout: the divisor is set to 0x1234, ~85 baud, so QEMU's 4-character timeout is ~0.5 s away).
 */
import { Clint } from '../../../emulator/devices/clint';
import type { AccessCheck, Device } from '../../../emulator/devices/device';
import { Plic } from '../../../emulator/devices/plic';
import { TestFinisher } from '../../../emulator/devices/test-finisher';
import { Uart16550 } from '../../../emulator/devices/uart16550';
import { UART0_IRQ } from '../../../emulator/devices/virt-map';
import { FakeClock, FakeControl, FakeIrq } from './fakes';

export type Size = 1 | 2 | 4;
export type Op =
  | { kind: 'r'; label: string; addr: number; size: Size }
  | { kind: 'w'; label: string; addr: number; size: Size; value: number }
  | { kind: 'mip'; label: string };

/** Result per op: the value read (or mip & MIP_MASK; 0 for writes) and the trap cause (-1 = none). */
export interface Result { label: string; value: number; cause: number }

const MIP_MASK = (1 << 3) | (1 << 7) | (1 << 9) | (1 << 11);

const UART = 0x1000_0000, PLIC = 0x0c00_0000, CLINT = 0x0200_0000, TEST = 0x0010_0000;
const IER = UART + 1, IIR = UART + 2, LCR = UART + 3, MCR = UART + 4, LSR = UART + 5, MSR = UART + 6, SCR = UART + 7;
const prio = (s: number) => PLIC + 4 * s;
const en = (ctx: number, word = 0) => PLIC + 0x2000 + 0x80 * ctx + 4 * word;
const thr = (ctx: number) => PLIC + 0x20_0000 + 0x1000 * ctx;
const claim = (ctx: number) => thr(ctx) + 4;
const PEND = PLIC + 0x1000;

function build(): Op[] {
  const ops: Op[] = [];
  const r = (label: string, addr: number, size: Size = 1) => { ops.push({ kind: 'r', label, addr, size }); };
  const w = (label: string, addr: number, value: number, size: Size = 1) => { ops.push({ kind: 'w', label, addr, size, value }); };
  const r32 = (label: string, addr: number) => r(label, addr, 4);
  const w32 = (label: string, addr: number, value: number) => w(label, addr, value, 4);
  const mip = (label: string) => { ops.push({ kind: 'mip', label }); };
  const tx = (label: string, s: string) => { for (const c of s) w(`${label} '${c}'`, UART, c.charCodeAt(0)); };

  mip('mip at reset');
  // UART reset values and access shapes
  for (const [n, a] of [['iir', IIR], ['lsr', LSR], ['msr', MSR], ['mcr', MCR], ['lcr', LCR], ['ier', IER], ['scr', SCR]] as const) r(`uart reset ${n}`, a);
  r('uart 32-bit read of MCR', MCR, 4);
  r('uart 16-bit read of IIR', IIR, 2);
  r('uart offset 8 faults', UART + 8);
  w('uart ier 0xff', IER, 0xff); r('uart ier masked', IER); w('uart ier 0', IER, 0);
  // THRE interrupt
  w('ier etbei', IER, 2); r('iir thre', IIR); r('iir after ack', IIR); r32('pending after thre', PEND);
  w('ier etbei again', IER, 2); r('iir same ier', IIR);
  w('ier off', IER, 0); w('ier on', IER, 2); r('iir toggled', IIR); w('ier 0', IER, 0);
  // divisor latch; slow baud so QEMU's FIFO timeout cannot fire during the script
  w('lcr dlab', LCR, 0x83); r('dll reset', UART); r('dlm reset', IER);
  w('dll', UART, 0x34); w('dlm', IER, 0x12); r('dll', UART); r('dlm', IER); r('iir with dlab', IIR);
  w('lcr 8n1', LCR, 0x03); r('ier after dlab write', IER); r('lcr', LCR);
  w('scr', SCR, 0xa5); r('scr', SCR); w('mcr 0xff', MCR, 0xff); r('mcr masked', MCR); r('msr loop 0x1f', MSR);
  w('lsr write', LSR, 0); w('msr write', MSR, 0); r('lsr unchanged', LSR);
  // loopback without FIFO
  w('mcr loop', MCR, 0x10); r('msr loop', MSR);
  tx('loop', 'A'); r('lsr dr', LSR); r('rbr', UART); r('lsr after rbr', LSR);
  tx('loop', 'BC'); r('lsr overrun', LSR); r('lsr oe cleared', LSR); r('rbr last', UART); r('rbr again', UART);
  w('ier rlsi', IER, 4); tx('loop', 'ab'); r('iir rlsi', IIR); r('lsr', LSR); r('iir after lsr', IIR); r('rbr', UART);
  w('ier rdi', IER, 1); tx('loop', 'c'); r('iir rdi', IIR); r('rbr', UART); r('iir after rbr', IIR); w('ier 0', IER, 0);
  // FIFO
  w('fcr c7', UART + 2, 0xc7); r('iir fifo', IIR); w('fcr 0', UART + 2, 0);
  w('fcr fe', UART + 2, 1); w('ier etbei', IER, 2); r('iir fifo thre', IIR); r('iir fifo ack', IIR);
  w('fcr same', UART + 2, 1); r('iir same fcr', IIR); w('fcr xfr', UART + 2, 5); r('iir xfr', IIR); r('iir ack', IIR);
  w('fcr off', UART + 2, 0); r('iir fifo off', IIR); r('iir ack', IIR); w('ier 0', IER, 0);
  w('fcr itl4', UART + 2, 0x41); w('ier rdi', IER, 1); tx('fifo', '1234');
  r('iir itl reached', IIR); r('rbr 1', UART); r('iir below itl', IIR); r('lsr', LSR);
  r('rbr 2', UART); r('rbr 3', UART); r('rbr 4', UART); r('lsr empty', LSR); r('rbr empty', UART); r('iir empty', IIR);
  w('fcr reset fifos', UART + 2, 0x47); r('lsr after reset', LSR); w('fcr 0', UART + 2, 0); w('ier 0', IER, 0);
  w('mcr normal', MCR, 0x08); r('msr normal', MSR);
  // PLIC registers
  r32('prio 0', PLIC); w32('prio 0 write', PLIC, 5); r32('prio 0 ignored', PLIC);
  for (const v of [0xff, 9, 3]) { w32(`prio 1 = ${v}`, prio(1), v); r32(`prio 1 after ${v}`, prio(1)); }
  w32('prio 95', prio(95), 2); r32('prio 95', prio(95)); r32('prio "96"', prio(96));
  w32('thr 0xff', thr(0), 0xff); r32('thr warl', thr(0)); w32('thr 9', thr(0), 9); r32('thr 9', thr(0)); w32('thr 0', thr(0), 0);
  w32('ctx2 thr (no such ctx)', thr(2), 3); r32('ctx2 thr', thr(2));
  w32('en0 w0', en(0, 0), 0xffff_ffff); r32('en0 w0', en(0, 0));
  w32('en0 w2', en(0, 2), 0xffff_ffff); r32('en0 w2', en(0, 2));
  w32('en0 w3', en(0, 3), 0xffff_ffff); r32('en0 w3', en(0, 3));
  w32('en0 w0 off', en(0, 0), 0); w32('en0 w2 off', en(0, 2), 0);
  r32('pending w3', PEND + 12); w32('pending write', PEND, 0xffff_ffff); r32('pending', PEND);
  r('plic byte read faults', prio(10)); w('plic byte write faults', prio(10), 1); r('plic half read faults', prio(10), 2);
  r32('plic far offset', PLIC + 0x5f_fffc);
  // UART -> PLIC -> MEIP
  w32('prio 10', prio(10), 1); w32('en0 uart', en(0), 1 << 10); w32('thr0', thr(0), 0);
  w('ier 0', IER, 0); w('ier etbei', IER, 2); mip('meip');
  r32('claim', claim(0)); mip('after claim'); r32('pending after claim', PEND); r32('claim again', claim(0));
  w32('complete', claim(0), 10); r32('pending after complete', PEND); mip('after complete');
  r('iir still thre', IIR); r32('pending after iir', PEND);
  // enable writes do not re-evaluate
  w('ier 0', IER, 0); w32('en0 off', en(0), 0); w('ier etbei', IER, 2); mip('pending, disabled');
  w32('en0 on', en(0), 1 << 10); mip('after enable write'); w32('thr0 rewrite', thr(0), 0); mip('after thr write');
  w32('en0 off', en(0), 0); mip('after disable'); w32('thr0 rewrite', thr(0), 0); mip('after thr write 2');
  r32('claim disabled', claim(0)); w32('en0 on', en(0), 1 << 10); r32('claim enabled', claim(0)); w32('complete', claim(0), 10);
  w32('en0 off', en(0), 0);
  // S-mode context
  w32('prio 10 = 2', prio(10), 2); w32('en1 uart', en(1), 1 << 10); w32('thr1 = 1', thr(1), 1);
  w('ier 0', IER, 0); w('ier etbei', IER, 2); mip('seip');
  w32('thr1 = 2', thr(1), 2); mip('seip masked'); r32('claim1 masked', claim(1)); w32('thr1 = 0', thr(1), 0);
  r32('claim1', claim(1)); mip('after claim1');
  w('ier 0', IER, 0); w('ier etbei', IER, 2); r32('pending while claimed', PEND); r32('claim1 while claimed', claim(1));
  w32('complete 11', claim(1), 11); r32('claim1 after wrong complete', claim(1));
  w32('complete 10', claim(1), 10); mip('after complete 10'); r32('claim1 again', claim(1)); w32('complete 10', claim(1), 10);
  w32('complete out of range', claim(1), 200); w32('en1 off', en(1), 0); w('ier 0', IER, 0); mip('all quiet');
  // CLINT
  w32('msip 1', CLINT, 1); r32('msip', CLINT); mip('msip'); w32('msip 2', CLINT, 2); r32('msip bit0 only', CLINT); mip('msip clear');
  r32('msip hart 1 (absent)', CLINT + 4); r32('mtimecmp lo', CLINT + 0x4000); r32('mtimecmp hi', CLINT + 0x4004);
  w32('mtimecmp hi max', CLINT + 0x4004, 0xffff_ffff); w32('mtimecmp lo', CLINT + 0x4000, 0x1234_5678); mip('mtip off');
  r32('mtimecmp lo', CLINT + 0x4000); r32('mtimecmp hi', CLINT + 0x4004);
  w32('mtimecmp hi 0', CLINT + 0x4004, 0); w32('mtimecmp lo 0', CLINT + 0x4000, 0); mip('mtip on');
  w32('mtimecmp hi 1', CLINT + 0x4004, 1); mip('mtip off again');
  w32('mtime hi 1', CLINT + 0xbffc, 1); r32('mtime hi', CLINT + 0xbffc); mip('mtip after mtime write');
  w32('mtime hi 0', CLINT + 0xbffc, 0); w32('mtimecmp hi 0', CLINT + 0x4004, 0);
  r('clint half read faults', CLINT, 2); r('clint byte mtime faults', CLINT + 0xbff8); w('clint byte cmp faults', CLINT + 0x4000, 1);
  r32('clint 0xc000 faults', CLINT + 0xc000); r32('cmp hart 1 (absent)', CLINT + 0x4008); r32('clint gap', CLINT + 0x8000);
  // test finisher (exits are not part of the script)
  r32('test read', TEST); r('test half read', TEST + 2, 2); r('test byte read faults', TEST);
  w32('test other offset', TEST + 4, 0x5555); w32('test other value', TEST, 0x1234); w('test byte write faults', TEST, 0x55);
  return ops;
}

export const VIRT_SEQUENCE: readonly Op[] = build();

/** Run the script against vmscope's devices. */
export function replay(ops: readonly Op[]): Result[] {
  const irq = new FakeIrq();
  const clock = new FakeClock();
  const control = new FakeControl();
  const plic = new Plic(1, irq);
  const devices: (Device & AccessCheck)[] = [
    new Uart16550(control, (l) => plic.setSource(UART0_IRQ, l), clock), plic, new Clint(1, clock, irq), new TestFinisher(control),
  ];
  const find = (addr: number) => devices.find((d) => addr >= d.base && addr < d.base + d.size)!;
  return ops.map((op): Result => {
    if (op.kind === 'mip') return { label: op.label, value: irq.bits(0) & MIP_MASK, cause: -1 };
    const d = find(op.addr);
    const off = op.addr - d.base;
    if (!d.accepts(off, op.size)) return { label: op.label, value: 0, cause: op.kind === 'r' ? 5 : 7 };
    if (op.kind === 'r') return { label: op.label, value: d.read(off, op.size), cause: -1 };
    d.write(off, op.size, op.value);
    return { label: op.label, value: 0, cause: -1 };
  });
}

const CTYPE: Record<Size, string> = { 1: 'unsigned char', 2: 'unsigned short', 4: 'unsigned int' };

/** C source of the same script for QEMU; prints "index value cause" per op, then exits via the finisher. */
export function cProgram(ops: readonly Op[]): string {
  const body = ops.map((op, i) => {
    if (op.kind === 'mip') return `  v = read_mip() & ${MIP_MASK}u; rec(${i}, v);`;
    const p = `(*(volatile ${CTYPE[op.size]} *)0x${op.addr.toString(16)}u)`;
    return op.kind === 'r' ? `  v = ${p}; rec(${i}, v);` : `  ${p} = 0x${op.value.toString(16)}u; rec(${i}, 0);`;
  });
  return `/* generated by test/unit/devices/virt-sequence.ts */
#define N ${ops.length}
static unsigned int vals[N]; static int causes[N];
volatile int trapped = -1;
static inline unsigned int read_mip(void) { unsigned int x; __asm__ volatile("csrr %0, mip" : "=r"(x)); return x; }
static void rec(int i, unsigned int v) { causes[i] = trapped; vals[i] = trapped < 0 ? v : 0; trapped = -1; }
void trap_c(unsigned int cause) { trapped = (int)cause; }
#define U(o) (*(volatile unsigned char *)(0x10000000u + (o)))
static void putc_(char c) { while (!(U(5) & 0x20)) {} U(0) = (unsigned char)c; }
static void hex(unsigned int v) { for (int s = 28; s >= 0; s -= 4) putc_("0123456789abcdef"[(v >> s) & 15]); }
void main_(void) {
  unsigned int v;
${body.join('\n')}
  U(1) = 0; U(2) = 0; U(3) = 3; U(4) = 8; /* UART back to plain 8N1 for the report */
  for (int i = 0; i < N; i++) { hex((unsigned int)i); putc_(' '); hex(vals[i]); putc_(' '); hex((unsigned int)causes[i]); putc_('\\n'); }
  *(volatile unsigned int *)0x100000u = 0x5555;
}
`;
}

/** Startup and trap handler: traps record mcause and skip the 4-byte faulting instruction. */
export const START_S = `
  .section .text.init, "ax"
  .globl _start
_start:
  la sp, stack_top
  la t0, trap
  csrw mtvec, t0
  call main_
1: j 1b
  .align 4
trap:
  addi sp, sp, -64
  sw ra, 0(sp); sw a0, 4(sp); sw a1, 8(sp); sw a2, 12(sp); sw a3, 16(sp); sw a4, 20(sp); sw a5, 24(sp)
  sw t0, 28(sp); sw t1, 32(sp); sw t2, 36(sp); sw a6, 40(sp); sw a7, 44(sp)
  csrr a0, mcause
  call trap_c
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  lw ra, 0(sp); lw a0, 4(sp); lw a1, 8(sp); lw a2, 12(sp); lw a3, 16(sp); lw a4, 20(sp); lw a5, 24(sp)
  lw t0, 28(sp); lw t1, 32(sp); lw t2, 36(sp); lw a6, 40(sp); lw a7, 44(sp)
  addi sp, sp, 64
  mret
  .bss
  .align 4
  .space 16384
stack_top:
`;

export const LINK_LD = `ENTRY(_start)
SECTIONS { . = 0x80000000; .text : { *(.text.init) *(.text*) } .rodata : { *(.rodata*) } .data : { *(.data*) *(.sdata*) } .bss : { *(.sbss*) *(.bss*) } }
`;

/** Parse the program's report into results (labels from the script). */
export function parseReport(ops: readonly Op[], out: string): Result[] {
  const res: Result[] = [];
  for (const line of out.split('\n')) {
    const m = /^([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8})$/.exec(line.trim());
    if (!m) continue;
    const i = parseInt(m[1]!, 16);
    res[i] = { label: ops[i]!.label, value: parseInt(m[2]!, 16), cause: parseInt(m[3]!, 16) | 0 };
  }
  return res;
}
