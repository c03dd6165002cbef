/**
 * The block compiler against the interpreter: the same programs, hot enough to be compiled, must end
 * in the same state (registers, results, traps, instruction counts, time).
 */
import { describe, expect, it } from 'vitest';
import { run, SETUP, toolchain, type RunResult } from './helpers';

function both(body: string, maxInsns = 2_000_000): [RunResult, RunResult] {
  return [run(body, { jit: true, maxInsns }), run(body, { jit: false, maxInsns })];
}

function state(r: RunResult): unknown {
  const h = r.m.harts[0]!;
  return { stop: r.stop, x: Array.from(h.x.subarray(0, 32)), pc: h.pc, instret: r.m.instret, mtime: r.m.mtime(), traps: r.traps, out: r.out,
    res: Array.from({ length: 64 }, (_, i) => r.res(i)) };
}

describe.skipIf(!toolchain)('block compiler', () => {
  it('computes like the interpreter in hot loops (ALU, M, loads/stores incl. misaligned and page-crossing)', () => {
    const [a, b] = both(SETUP + `
      li s7, 200
      li s6, 0x80041ffe
    1:
      li a0, -7
      li a1, 3
      div a2, a0, a1
      rem a3, a0, a1
      mulh a4, a0, s7
      mulhu a5, a0, a1
      sltu a6, a0, a1
      sra a7, a0, a1
      add s5, s5, a2
      xor s5, s5, a3
      add s5, s5, a4
      add s5, s5, a5
      add s5, s5, a6
      add s5, s5, a7
      sw s5, 0(s11)
      sw s5, 0(s6)           # crosses a page
      lw t0, 0(s6)
      lh t1, 1(s6)
      lbu t2, 3(s6)
      add s5, s5, t0
      add s5, s5, t1
      add s5, s5, t2
      sh s5, 7(s11)
      lw t3, 4(s11)
      add s5, s5, t3
      addi s7, s7, -1
      bnez s7, 1b
      sw s5, 12(s11)
    `);
    expect(a.stop).toEqual({ kind: 'exit', code: 0 });
    expect(state(a)).toEqual(state(b));
  });

  it('takes exceptions inside compiled blocks exactly like the interpreter', () => {
    const [a, b] = both(SETUP + `
      li s7, 100
      li s6, 0x80040000
      li s5, 0
    1:
      lw t0, 0(s6)
      add s5, s5, t0
      addi s6, s6, 0x100
      li t1, 0x80042000
      bltu s6, t1, 2f
      li s6, 0x7ffffe00      # next loads fault: below RAM
    2:
      addi s7, s7, -1
      bnez s7, 1b
      sw s5, 0(s11)
    `);
    expect(a.traps.length).toBeGreaterThan(0);
    expect(state(a)).toEqual(state(b));
  });

  it('sees self-modifying code after fence.i', () => {
    const r = run(SETUP + `
      li s7, 40
    1: call patchme
      addi s7, s7, -1
      bnez s7, 1b
      sw a0, 0(s11)
      la t0, patchme
      li t1, 0x00200513      # li a0, 2
      sw t1, 0(t0)
      fence.i
      call patchme
      sw a0, 4(s11)
      j pass
    .align 2
    patchme:
      .word 0x00100513       # li a0, 1
      ret
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect([r.res(0), r.res(1)]).toEqual([1, 2]);
  });

  it('stores to data beside code in one page use a TLB entry of their own and keep the code coherent', () => {
    const [a, b] = both(SETUP + `
      li s7, 100
      la s6, beside
    1: lw t0, 0(s6)
      addi t0, t0, 1
      sw t0, 0(s6)
      addi s7, s7, -1
      bnez s7, 1b
      sw t0, 0(s11)
      la t0, patchme2
      li t1, 0x00300513      # li a0, 3
      sw t1, 0(t0)           # the same page: through the code-page entry, onto decoded code
      fence.i
      call patchme2
      sw a0, 4(s11)
      j pass
    .align 2
    patchme2:
      .word 0x00100513       # li a0, 1
      ret
    beside:
      .word 0
    `);
    expect(state(a)).toEqual(state(b));
    expect([a.res(0), a.res(1)]).toEqual([100, 3]);
    const h = a.m.harts[0]!;
    const page = (h.x[22]! >>> 0) >>> 12; // s6: the data word's page, which also holds the code
    expect(a.m.harts[0]!.cTag[page & 255]).toBe(page);
  });

  it('keeps timer interrupts on the same instruction', () => {
    const body = SETUP + `
      li s10, 0x80040100
      la t0, handler
      csrw mtvec, t0
      li t1, 0x2004000
      li t2, 0
      sw t2, 4(t1)
      li t2, 37
      sw t2, 0(t1)
      li t0, 0x80
      csrw mie, t0
      csrsi mstatus, 8
      li s7, 0
      li s6, 0
    1: addi s7, s7, 1
      li t0, 20
      blt s6, t0, 1b
      sw s7, 0(s11)
      j pass
    .align 2
    handler:
      addi s6, s6, 1
      sw s7, 0(s10)
      addi s10, s10, 4
      li t1, 0x2004000
      lw t2, 0(t1)
      addi t2, t2, 37
      sw t2, 0(t1)
      mret
    `;
    const [a, b] = both(body);
    expect(a.stop).toEqual({ kind: 'exit', code: 0 });
    expect(state(a)).toEqual(state(b));
  });
});
