/**
 * Sdtrig triggers as QEMU 7.2 has them (emulator/hart/triggers.ts; test/programs/triggers.c checks the
 * same against QEMU): CSR WARL rules, execute and load/store triggers raising breakpoint exceptions,
 * privilege matching (also V=1, which the QEMU program does not reach), and that nothing is consulted
 * while no trigger is armed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadElf, Machine } from '../../../emulator/api';
import { restoreHart, saveHart } from '../../../emulator/hart/state';
import { triggerDataHit, triggerExecHit, TRIG_LOAD, TRIG_STORE } from '../../../emulator/hart/triggers';
import { assemble, inspect, run, SETUP, toMode, toolchain } from './helpers';

const TSELECT = 0x7a0;
const TDATA1 = 0x7a1;
const TDATA2 = 0x7a2;
const TDATA3 = 0x7a3;
const TINFO = 0x7a4;
const T2 = 0x20000000;
const M = 1 << 6;
const S = 1 << 4;
const U = 1 << 3;
const X = 1 << 2;
const ST = 1 << 1;
const LD = 1 << 0;

const machine = (): Machine => new Machine({ ...DEFAULT_CONFIG, ramMiB: 8 });

describe('trigger CSRs (QEMU 7.2 WARL)', () => {
  it('2 triggers, reset values, tselect ignores out-of-range writes, tinfo = types 2 and 6', () => {
    const m = machine();
    expect(m.readCsr(0, TSELECT)).toBe(0);
    expect(m.readCsr(0, TINFO)).toBe(0x44);
    m.writeCsr(0, TINFO, 0);
    expect(m.readCsr(0, TINFO)).toBe(0x44);
    for (const i of [0, 1]) {
      m.writeCsr(0, TSELECT, i);
      expect([m.readCsr(0, TSELECT), m.readCsr(0, TDATA1), m.readCsr(0, TDATA2), m.readCsr(0, TDATA3)]).toEqual([i, T2, 0, 0]);
    }
    for (const v of [2, 5, 0xffffffff]) {
      m.writeCsr(0, TSELECT, v);
      expect(m.readCsr(0, TSELECT)).toBe(1);
    }
    expect(Machine.csrNames().get(TDATA1)).toBe('tdata1');
  });

  it('tdata1: type 2 keeps sizelo and M/S/U/X/W/R; type 6 adds VS/VU and valid sizes; other types ignored', () => {
    const m = machine();
    const cases: [number, number][] = [
      [0x2fffffff, 0x2003005f], [0x28000000, T2], [0x2000f000, T2], [0x20080044, 0x20000044],
      [0x20030044, 0x20030044], [0x60000044, 0x60000044], [0x6fffffff, 0x6180005f], [0x60050044, 0x60050044],
      [0x60040044, 0x60000044], [0x00000044, T2], [0x10000044, T2], [0x30000044, T2], [0xf0000044, T2],
    ];
    for (const [w, want] of cases) {
      m.writeCsr(0, TDATA1, T2);
      m.writeCsr(0, TDATA1, w);
      expect(m.readCsr(0, TDATA1), `tdata1 <- ${w.toString(16)}`).toBe(want);
    }
    m.writeCsr(0, TDATA3, 0x12345678);
    expect(m.readCsr(0, TDATA3)).toBe(0);
    m.writeCsr(0, TDATA2, 0xdeadbeef);
    expect(m.readCsr(0, TDATA2)).toBe(0xdeadbeef);
    m.writeCsr(0, TSELECT, 1);
    expect(m.readCsr(0, TDATA2)).toBe(0);
  });

  it('nothing armed: no execute pcs, no data pages, no block-ending offsets (the fast paths stay as they are)', () => {
    const m = machine();
    const h = m.harts[0]!;
    expect(h.trigExec).toBeNull();
    expect(h.trigData).toBeNull();
    m.writeCsr(0, TDATA2, 0x80001234);
    m.writeCsr(0, TDATA1, T2 | M | X | LD);
    expect(h.trigExec).toEqual([0x80001234]);
    expect([...h.trigData!]).toEqual([0x80001]);
    expect(h.env.code.bpOffsets).toEqual(new Set([0x234]));
    m.writeCsr(0, TDATA1, T2 | X); // no mode bit: not armed
    expect(h.trigExec).toBeNull();
    expect(h.trigData).toBeNull();
    expect(h.env.code.bpOffsets).toBeNull();
    m.writeCsr(0, TDATA1, T2 | M); // no access bit: not armed
    expect(h.trigExec).toBeNull();
    // A 4-byte trigger crossing a page end keeps both pages off the TLBs.
    m.writeCsr(0, TDATA2, 0x80001ffe);
    m.writeCsr(0, TDATA1, T2 | M | ST);
    expect([...h.trigData!].sort()).toEqual([0x80001, 0x80002]);
  });

  it('privilege matching: M/S/U bits; type 2 never with V=1; type 6 uses VS/VU with V=1', () => {
    const m = machine();
    const h = m.harts[0]!;
    const pc = 0x80000100;
    const at = (priv: number, virt: boolean): boolean => {
      h.priv = priv;
      h.virt = virt;
      h.pc = pc;
      return triggerExecHit(h, h.trigExec ?? []);
    };
    m.writeCsr(0, TDATA2, pc);
    m.writeCsr(0, TDATA1, T2 | S | U | X);
    expect([at(3, false), at(1, false), at(0, false), at(1, true), at(0, true)]).toEqual([false, true, true, false, false]);
    m.writeCsr(0, TDATA1, 0x60000000 | (1 << 24) | X); // type 6, VS only
    expect([at(3, false), at(1, false), at(1, true), at(0, true)]).toEqual([false, false, true, false]);
    m.writeCsr(0, TDATA1, 0x60000000 | (1 << 23) | M | X); // type 6, VU and M
    expect([at(3, false), at(1, false), at(1, true), at(0, true)]).toEqual([true, false, false, true]);
    h.pc = pc + 2;
    expect(triggerExecHit(h, h.trigExec!)).toBe(false);
    h.priv = 3;
    h.virt = false;

    // Load/store: overlap with [tdata2, tdata2 + len), len = 4 (sizelo 0) or the raw sizelo; kinds.
    m.writeCsr(0, TDATA2, 0x80002000);
    m.writeCsr(0, TDATA1, T2 | M | LD);
    expect(triggerDataHit(h, 0x80002003, 1, TRIG_LOAD)).toBe(true);
    expect(triggerDataHit(h, 0x80002004, 1, TRIG_LOAD)).toBe(false);
    expect(triggerDataHit(h, 0x80001fff, 2, TRIG_LOAD)).toBe(true);
    expect(triggerDataHit(h, 0x80002000, 4, TRIG_STORE)).toBe(false);
    expect(triggerDataHit(h, 0x80002000, 4, TRIG_LOAD | TRIG_STORE)).toBe(true);
    m.writeCsr(0, TDATA1, T2 | (3 << 16) | M | LD);
    expect(triggerDataHit(h, 0x80002002, 1, TRIG_LOAD)).toBe(true);
    expect(triggerDataHit(h, 0x80002003, 1, TRIG_LOAD)).toBe(false);
    m.writeCsr(0, TDATA1, 0x60000000 | M | ST); // type 6, size 0: 8 bytes
    expect(triggerDataHit(h, 0x80002007, 1, TRIG_STORE)).toBe(true);
    expect(triggerDataHit(h, 0x80002008, 1, TRIG_STORE)).toBe(false);
  });

  it('survives a snapshot: the restored hart has the same armed triggers', () => {
    const m = machine();
    m.writeCsr(0, TSELECT, 1);
    m.writeCsr(0, TDATA2, 0x80000040);
    m.writeCsr(0, TDATA1, T2 | M | X);
    const s = saveHart(m.harts[0]!);
    const m2 = machine();
    restoreHart(m2.harts[0]!, s);
    expect(m2.readCsr(0, TSELECT)).toBe(1);
    expect(m2.readCsr(0, TDATA1)).toBe(T2 | M | X);
    expect(m2.harts[0]!.trigExec).toEqual([0x80000040]);
    // Older snapshots without trigger state restore the reset values.
    const { triggers: _omit, ...old } = s;
    restoreHart(m2.harts[0]!, old);
    expect(m2.readCsr(0, TDATA1)).toBe(T2);
    expect(m2.harts[0]!.trigExec).toBeNull();
  });
});

/** The rv32mi-p-breakpoint sequence (riscv-tests isa/rv64mi/breakpoint.S) and more, in M/S/U-mode. */
describe.skipIf(!toolchain)('triggers firing', () => {
  for (const jit of [true, false]) {
    it(`rv32mi-p-breakpoint: execute, load and store triggers raise cause 3 before the instruction (jit ${jit})`, () => {
      const r = run(SETUP + `
        csrw tselect, zero
        csrr t0, tselect
        sw t0, 0(s11)
        csrr t0, tdata1
        srli t0, t0, 28
        sw t0, 4(s11)
        # execute trigger at 1f (M, execute)
        li t0, ${T2 | M | X}
        csrw tdata1, t0
        la t1, 1f
        csrw tdata2, t1
        csrr t2, tdata2
        sw t2, 8(s11)
        li a0, 5
      1:
        li a0, 6           # skipped by the handler after the breakpoint
        sw a0, 12(s11)
        # load trigger on data
        la a1, data
        li t0, ${T2 | M | LD}
        csrw tdata1, t0
        csrw tdata2, a1
        li a2, 77
        lw a2, 0(a1)       # breakpoint, skipped: a2 stays 77
        sw a2, 16(s11)
        lw a3, 4(a1)       # next word: no trigger
        sw a3, 20(s11)
        # store trigger on data
        li t0, ${T2 | M | ST}
        csrw tdata1, t0
        li a4, 99
        sw a4, 0(a1)       # breakpoint, skipped: memory unchanged
        lw a4, 0(a1)       # store-only trigger: the load does not fire
        sw a4, 24(s11)
        # second trigger
        li t0, 1
        csrw tselect, t0
        csrr t0, tselect
        sw t0, 28(s11)
        li t0, 2
        csrw tselect, t0
        csrr t0, tselect
        sw t0, 32(s11)
        j pass
      .align 3
      data: .word 0x11111111, 0x22222222
      `, { jit });
      expect(r.stop).toEqual({ kind: 'exit', code: 0 });
      const label = r.res(2);
      expect([r.res(0), r.res(1), r.res(3), r.res(4), r.res(5), r.res(6), r.res(7), r.res(8)])
        .toEqual([0, 2, 5, 77, 0x22222222, 0x11111111, 1, 1]);
      expect(r.traps.length).toBe(3);
      expect(r.traps[0]).toEqual({ cause: 3, tval: 0, epc: label });
      expect(r.traps.map((t) => [t.cause, t.tval])).toEqual([[3, 0], [3, 0], [3, 0]]);
    });
  }

  it('execute triggers honour the U bit: not in M (hot, compiled loop), fires in U', () => {
    const r = run(SETUP + `
      la t1, target
      csrw tdata2, t1
      li t0, ${T2 | U | X}
      csrw tdata1, t0
      li s2, 0
      # a hot loop calling target (compiled), in M: the U-only trigger does not fire
      li s3, 100
    2: jal target
      addi s3, s3, -1
      bnez s3, 2b
      sw s2, 0(s11)
      ${toMode(0, 'umode')}
    umode:
      jal target           # fires in U: the handler skips target's first instruction
      sw s2, 4(s11)
      j pass
    target:
      addi s2, s2, 1
      ret
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect([r.res(0), r.res(1)]).toEqual([100, 100]);
    expect(r.traps.length).toBe(1);
    expect(r.traps[0]).toMatchObject({ cause: 3, tval: 0 });
  });

  it('the debugger breakpoint stops first; resuming takes the trigger exception', () => {
    const body = SETUP + `
      la t1, 1f
      csrw tdata2, t1
      li t0, ${T2 | M | X}
      csrw tdata1, t0
      nop
    1: nop
      j pass
    `;
    const r0 = run(body);
    expect(r0.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r0.traps.length).toBe(1);
    const label = r0.traps[0]!.epc;
    const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8 });
    m.load(loadElf(assemble(body)));
    m.setBreakpoints([label]);
    expect(m.run(1000)).toMatchObject({ kind: 'breakpoint', pc: label });
    expect(m.run(1000)).toEqual({ kind: 'exit', code: 0 });
    expect(inspect(m).traps).toEqual(r0.traps);
  });
});
