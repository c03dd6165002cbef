/** Snapshots: restore + rerun reproduces state and output exactly; copy-on-write RAM. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadElf, Machine } from '../../../emulator/api';
import { Ram } from '../../../emulator/mem/ram';
import { assemble, SETUP, toolchain } from './helpers';

/** Timer-interrupt-driven program printing through the UART while mutating memory. */
const PROGRAM = SETUP + `
  la t0, handler
  csrw mtvec, t0
  li t1, 0x2004000
  sw zero, 4(t1)
  li t2, 300
  sw t2, 0(t1)
  li t0, 0x80
  csrw mie, t0
  csrsi mstatus, 8
  li s7, 0
  li s6, 0x80100000
1: addi s7, s7, 1
  sw s7, 0(s6)
  addi s6, s6, 64
  li t0, 0x80300000
  bltu s6, t0, 1b
  li s6, 0x80100000
  j 1b
.align 2
handler:
  li t1, 0x10000000
  andi t2, s7, 15
  addi t2, t2, 65
  sb t2, 0(t1)
  li t1, 0x2004000
  lw t2, 0(t1)
  addi t2, t2, 300
  sw t2, 0(t1)
  mret
`;

function machine(jit = true): { m: Machine; out: () => string } {
  const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8 });
  m.setJit(jit);
  let out = '';
  m.onOutput = (b) => { out += new TextDecoder().decode(b); };
  m.load(loadElf(assemble(PROGRAM)));
  return { m, out: () => out };
}

function state(m: Machine): unknown {
  const h = m.harts[0]!;
  return { x: Array.from(h.x.subarray(0, 32)), pc: h.pc, instret: m.instret, mtime: m.mtime(), mstatus: h.mstatus,
    mepc: h.mepc, ram: Array.from(m.readPhys(0x80100000, 0x200000).filter((_, i) => i % 256 === 0)) };
}

describe.skipIf(!toolchain)('snapshots', () => {
  it('run, snapshot, run N, restore, run N again: identical state and output', () => {
    const { m, out } = machine();
    expect(m.run(123_457)).toEqual({ kind: 'limit' });
    const snap = m.snapshot();
    const before = out().length;
    m.run(500_001);
    const a = state(m);
    const outA = out().slice(before);
    m.restore(snap);
    const mark = out().length;
    m.run(500_001);
    expect(state(m)).toEqual(a);
    expect(out().slice(mark)).toBe(outA);
    expect(outA.length).toBeGreaterThan(10);
    // And a second restore of the same snapshot still works (its pages stayed shared, untouched).
    m.restore(snap);
    m.run(500_001);
    expect(state(m)).toEqual(a);
  });

  it('matches a run without snapshots and with the interpreter only', () => {
    const x = machine(true);
    x.m.run(123_457);
    x.m.snapshot();
    x.m.run(500_001);
    const y = machine(false);
    y.m.run(623_458);
    expect(state(x.m)).toEqual(state(y.m));
    expect(x.out()).toBe(y.out());
  });
});

describe('Ram', () => {
  it('reads zeros without allocating, allocates 4 KiB pages on first write', () => {
    const r = new Ram(0x80000000, 1 << 20);
    expect(r.read(0x1234, 4)).toBe(0);
    expect(r.allocatedPages()).toBe(0);
    r.write(0x1ffe, 4, 0xdeadbeef);
    expect(r.allocatedPages()).toBe(2);
    expect(r.read(0x1ffe, 4)).toBe(0xdeadbeef);
  });

  it('copy-on-write: writes after a snapshot do not change it', () => {
    const r = new Ram(0x80000000, 1 << 20);
    r.write(0x10, 4, 1);
    const replaced: number[] = [];
    r.onReplace = (p) => replaced.push(p);
    const s = r.snapshot();
    r.write(0x10, 4, 2);
    expect(replaced).toEqual([0]);
    r.write(0x14, 4, 3);
    expect(replaced).toEqual([0]); // copied once
    r.restore(s);
    expect(r.read(0x10, 4)).toBe(1);
    expect(r.read(0x14, 4)).toBe(0);
  });
});
