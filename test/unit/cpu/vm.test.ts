/** Sv32 translation (page faults, stval, A/D, SUM, MXR, MPRV) and PMP checks. */
import { describe, expect, it } from 'vitest';
import { run, SETUP, toMode, toolchain } from './helpers';

const ROOT = 0x80020000;
const L2 = 0x80021000;
const DATA = 0x80030000;
const pte = (pa: number, flags: number): number => (((pa >>> 12) << 10) | flags) >>> 0;
const V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;

/**
 * Page tables: VA 0 (4 MiB, the test finisher) identity RW; VA 0x80000000 (4 MiB) identity RWX (S); VA 0x40000000 -> DATA (U, RW, A/D
 * clear); 0x40001000 -> DATA+0x1000 read-only; 0x40002000 -> DATA+0x2000 execute-only; 0x40003000 ->
 * DATA+0x3000 RW supervisor page.
 */
const PAGING = `
  li t0, ${ROOT}
  li t1, ${pte(0, V | R | W | A | D)}
  sw t1, 0(t0)
  li t0, ${ROOT + 0x200 * 4}
  li t1, ${pte(0x80000000, V | R | W | X | A | D)}
  sw t1, 0(t0)
  li t0, ${ROOT + 0x100 * 4}
  li t1, ${pte(L2, V)}
  sw t1, 0(t0)
  li t0, ${L2}
  li t1, ${pte(DATA, V | R | W | U)}
  sw t1, 0(t0)
  li t1, ${pte(DATA + 0x1000, V | R | A | U)}
  sw t1, 4(t0)
  li t1, ${pte(DATA + 0x2000, V | X | A | U)}
  sw t1, 8(t0)
  li t1, ${pte(DATA + 0x3000, V | R | W | A | D)}
  sw t1, 12(t0)
  li t0, ${(0x80000000 | (ROOT >>> 12)) >>> 0}
  csrw satp, t0
  sfence.vma
`;

describe.skipIf(!toolchain)('Sv32 and PMP', () => {
  it('page faults carry the virtual address in mtval; SUM gates S access to U pages', () => {
    const r = run(SETUP + PAGING + toMode(1, 'smode') + `
    smode:
      li a0, 0x40000000
      lw a1, 0(a0)           # U page, SUM = 0: load page fault
      li t0, 1 << 18
      csrs sstatus, t0       # SUM
      li a2, 77
      sw a2, 0(a0)           # now fine, sets A and D
      lw a1, 0(a0)
      li a3, 0x40001008
      sw a2, 0(a3)           # read-only: store page fault
      li a3, 0x50000000
      lw a1, 0(a3)           # unmapped: load page fault
      li a3, 0x40003000
      jalr ra, 0(a3)         # no X: fetch page fault (handler returns to pass)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps.map((t) => [t.cause, t.tval >>> 0])).toEqual([
      [13, 0x40000000], [15, 0x40001008], [13, 0x50000000], [12, 0x40003000],
    ]);
    const word = (a: number): number => new DataView(r.m.readPhys(a, 4).buffer).getUint32(0, true);
    expect(word(DATA)).toBe(77);
    expect(word(L2) & (A | D)).toBe(A | D);
  });

  it('MXR lets loads read execute-only pages', () => {
    const r = run(SETUP + PAGING + toMode(1, 'smode') + `
    smode:
      li t0, 1 << 18
      csrs sstatus, t0       # SUM
      li a0, 0x40002000
      lw a1, 0(a0)           # X only: load page fault
      li t0, 1 << 19
      csrs sstatus, t0       # MXR
      lw a1, 0(a0)           # fine now
    `);
    expect(r.traps.map((t) => t.cause)).toEqual([13]);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps.map((t) => t.cause)).toEqual([13]);
  });

  it('M-mode with MPRV translates loads and stores with MPP', () => {
    const r = run(SETUP + PAGING + `
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0       # S-mode accesses (MPRV) need a PMP grant
      li t0, 0x80040000
      li t1, 0x12345
      li a0, ${DATA + 0x3000}
      sw t1, 0(a0)
      li t0, 0x1800
      csrc mstatus, t0
      li t0, 0x800 | (1 << 17)  # MPP = S, MPRV
      csrs mstatus, t0
      li a0, 0x40003000
      lw a1, 0(a0)
      li t0, 1 << 17
      csrc mstatus, t0
      sw a1, 0(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect(r.res(0)).toBe(0x12345);
  });

  it('PMP: S-mode needs a grant, locked entries bind M-mode, first match wins', () => {
    const r = run(SETUP + `
      li t0, ${(0x80040000 >>> 2) | 0x1ff}   # NAPOT 4 KiB at RES: read-only
      csrw pmpaddr0, t0
      li t0, -1
      csrw pmpaddr1, t0                       # NAPOT everything: RWX
      li t0, 0x1f << 8 | 0x19                 # entry 0: NAPOT R; entry 1: NAPOT RWX
      csrw pmpcfg0, t0
      ${toMode(1, 'smode', false)}
    smode:
      lw a0, 0(s11)          # allowed (R)
      sw a0, 0(s11)          # denied: store access fault
      ecall                  # back to M (handler returns to S: next insn)
    `);
    expect(r.traps.map((t) => [t.cause, t.tval >>> 0])).toEqual([[7, 0x80040000], [9, 0]]);
  });

  it('PMP locked entry applies to M-mode too', () => {
    const r = run(SETUP + `
      li t0, ${(0x80040000 >>> 2) | 0x1ff}
      csrw pmpaddr0, t0
      li t0, 0x99                              # L | NAPOT | R
      csrw pmpcfg0, t0
      lw a0, 0(s11)
      sw a0, 0(s11)          # store access fault even in M
      csrw pmpcfg0, zero     # ignored: locked
      csrr a1, pmpcfg0
      sw a1, 4(s11)          # denied again
    `);
    expect(r.traps.map((t) => t.cause)).toEqual([7, 7]);
    expect(r.m.readCsr(0, 0x3a0)).toBe(0x99);
  });
});
