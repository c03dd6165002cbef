/**
 * The machine's debug hooks (for the debug adapter): breakpoints, watchpoints, single step, pause.
 * The central property: stopping and continuing changes nothing the guest can observe (instruction
 * counts, output, timer-interrupt timing) compared with running straight through.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, findSymbol, loadElf, Machine, type StopReason } from '../../../emulator/api';
import { assemble, inspect, RES, SETUP, toolchain } from './helpers';

const PROGRAMS = join(__dirname, '../../programs');

interface Run {
  m: Machine;
  out: () => string;
}

function boot(elf: Uint8Array, harts = 1, isa = DEFAULT_CONFIG.isa): Run {
  const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8, harts, isa });
  let out = '';
  m.onOutput = (b) => { out += new TextDecoder().decode(b); };
  m.load(loadElf(elf));
  return { m, out: () => out };
}

const program = (name: string): Uint8Array => new Uint8Array(readFileSync(join(PROGRAMS, `${name}.elf`)));

function observable(r: Run, stop: StopReason): unknown {
  const h = r.m.harts.map((x) => ({ pc: x.pc, x: Array.from(x.x.subarray(0, 32)), retired: x.retired }));
  return { stop, instret: r.m.instret, mtime: r.m.mtime(), out: r.out(), h };
}

/** Run to the end, continuing after every debug stop; returns the final stop and the stops seen. */
function runThrough(r: Run, budget = 50_000_000): { stop: StopReason; stops: StopReason[] } {
  const stops: StopReason[] = [];
  for (;;) {
    const before = r.m.instret;
    const stop = r.m.run(budget - before);
    if (stop.kind === 'breakpoint' || stop.kind === 'watchpoint' || stop.kind === 'paused') {
      if (stop.kind === 'breakpoint') expect(r.m.harts[stop.hart]!.pc).toBe(stop.pc);
      stops.push(stop);
      if (stops.length > 100_000) throw new Error('too many stops');
      continue;
    }
    return { stop, stops };
  }
}

describe('debug hooks on the guest programs', () => {
  for (const [name, harts, syms] of [
    ['timer', 1, ['putchar', 'hook', 'm_trap_entry']],
    ['hello', 1, ['putchar']],
    ['atomics_smp', 2, ['main']],
  ] as const) {
    it(`${name}: stopping at breakpoints and continuing is invisible to the guest`, () => {
      const elf = program(name);
      const straight = boot(elf, harts);
      const s = straight.m.run(50_000_000);
      expect(s.kind).toBe('exit');

      const image = loadElf(elf);
      const addrs = syms.map((n) => findSymbol(image, n)!.value);
      const dbg = boot(elf, harts);
      dbg.m.setBreakpoints(addrs);
      const { stop, stops } = runThrough(dbg);
      expect(stops.length).toBeGreaterThan(0);
      for (const st of stops) {
        expect(st.kind).toBe('breakpoint');
        if (st.kind === 'breakpoint') {
          expect(addrs).toContain(st.pc);
        }
      }
      expect(observable(dbg, stop)).toEqual(observable(straight, s));
    });
  }

  it('timer: watchpoints (on the tick counter and a stack word) are invisible to the guest', () => {
    const elf = program('timer');
    const straight = boot(elf);
    const s = straight.m.run(50_000_000);
    const dbg = boot(elf);
    const mti = findSymbol(loadElf(elf), 'mti')!.value;
    dbg.m.setWatchpoints([{ addr: mti, size: 4, access: 'readWrite' }, { addr: 0x80018ff0, size: 16, access: 'write' }]);
    const { stop, stops } = runThrough(dbg);
    expect(stops.length).toBeGreaterThan(10);
    expect(stops.every((st) => st.kind === 'watchpoint')).toBe(true);
    expect(observable(dbg, stop)).toEqual(observable(straight, s));
  });

  it('timer: single-stepping the whole program (wfi, interrupts) gives the same run', () => {
    const elf = program('timer');
    const straight = boot(elf);
    const s = straight.m.run(50_000_000);
    const dbg = boot(elf);
    let stop: StopReason = { kind: 'limit' };
    let steps = 0;
    while (steps < 5_000_000) {
      stop = dbg.m.step(0);
      steps++;
      if (stop.kind !== 'step') break;
    }
    expect(stop.kind).toBe('exit');
    expect(observable(dbg, stop)).toEqual(observable(straight, s));
  });

  it('timer: single-stepping, pausing from onOutput and breakpoints mixed give the same run', () => {
    const elf = program('timer');
    const straight = boot(elf);
    const s = straight.m.run(50_000_000);

    const dbg = boot(elf);
    dbg.m.setBreakpoints([findSymbol(loadElf(elf), 'hook')!.value]);
    let pauses = 0;
    dbg.m.onOutput = ((prev) => (b: Uint8Array) => { prev(b); if (b.includes(10)) dbg.m.requestPause(); })(dbg.m.onOutput);
    let stop: StopReason;
    let steps = 0;
    for (;;) {
      stop = dbg.m.run(50_000_000 - dbg.m.instret);
      if (stop.kind === 'paused') pauses++;
      if (stop.kind !== 'breakpoint' && stop.kind !== 'paused') break;
      for (let i = 0; i < 3; i++) {
        const st = dbg.m.step(0);
        expect(st.kind).toBe('step');
        steps++;
      }
    }
    expect(pauses).toBeGreaterThan(5);
    expect(steps).toBeGreaterThan(10);
    expect(observable(dbg, stop)).toEqual(observable(straight, s));
  });
});

describe.skipIf(!toolchain)('debug hooks', () => {
  const LOOP = SETUP + `
    li s0, 0
    li s1, 10000
  loop:
    addi s0, s0, 1
  bp_here:
    addi s2, s0, 0
    blt s0, s1, loop
    sw s0, 0(s11)
  `;

  it('stops before a breakpointed instruction in a compiled loop; continuing executes it', () => {
    const elf = assemble(LOOP);
    const r = boot(elf);
    r.m.run(5000); // hot: the loop is compiled before the breakpoint is set
    const at = findSymbol(loadElf(elf), 'bp_here')!.value;
    r.m.setBreakpoints([at]);
    const h = r.m.harts[0]!;
    const st = r.m.run(1_000_000);
    expect(st).toMatchObject({ kind: 'breakpoint', hart: 0, pc: at });
    const s0 = h.x[8]!;
    expect(h.x[18]).toBe(s0 - 1); // s2 not yet updated
    const n = r.m.instret;
    const st2 = r.m.run(1_000_000);
    expect(st2).toMatchObject({ kind: 'breakpoint', pc: at });
    expect(r.m.instret - n).toBe(3); // addi s2; blt; addi s0
    expect(h.x[8]).toBe(s0 + 1);
    r.m.setBreakpoints([]);
    expect(r.m.run(1_000_000)).toEqual({ kind: 'exit', code: 0 });
    expect(inspect(r.m).res(0)).toBe(10000);
  });

  it('a breakpoint at a loop start stops every iteration, with the JIT on', () => {
    const elf = assemble(LOOP);
    const r = boot(elf);
    r.m.setBreakpoints([findSymbol(loadElf(elf), 'loop')!.value]);
    const { stop, stops } = runThrough(r);
    expect(stop).toEqual({ kind: 'exit', code: 0 });
    expect(stops.length).toBe(10000);
  });

  it('breakpoints on a vector of virtual pcs: only that address stops, also when another maps the page', () => {
    const elf = assemble(LOOP);
    const r = boot(elf);
    const at = findSymbol(loadElf(elf), 'bp_here')!.value;
    r.m.setBreakpoints([at + 0x1000, at - 0x1000]); // same page offset, other pages: never hit
    expect(r.m.run(1_000_000)).toEqual({ kind: 'exit', code: 0 });
  });

  it('watchpoints stop after the access, with the accessing pc; reads, writes, AMOs, misaligned', () => {
    const elf = assemble(SETUP + `
      li t0, 0x80042000
      li t1, 7
      lw t2, 0(t0)      # not watched (other word)
    w1:
      sw t1, 8(t0)
    w2:
      lw t3, 8(t0)
    w3:
      amoadd.w t4, t1, (t0)
    w4:
      lw t5, 6(t0)      # misaligned, overlaps the watched word's first bytes
      sw t5, 4(s11)
    `);
    const img = loadElf(elf);
    const sym = (n: string): number => findSymbol(img, n)!.value;
    const r = boot(elf);
    r.m.setWatchpoints([{ addr: 0x80042008, size: 4, access: 'readWrite' }, { addr: 0x80042000, size: 1, access: 'write' }]);
    const h = r.m.harts[0]!;
    expect(r.m.run(1000)).toMatchObject({ kind: 'watchpoint', pc: sym('w1'), addr: 0x80042008, access: 'write' });
    expect(h.pc).toBe(sym('w2'));
    expect(r.m.run(1000)).toMatchObject({ kind: 'watchpoint', pc: sym('w2'), addr: 0x80042008, access: 'read' });
    expect(h.x[28]).toBe(7); // t3: the load retired
    expect(r.m.run(1000)).toMatchObject({ kind: 'watchpoint', pc: sym('w3'), addr: 0x80042000, access: 'write' });
    expect(r.m.run(1000)).toMatchObject({ kind: 'watchpoint', pc: sym('w4'), addr: 0x80042008, access: 'read' });
    r.m.setWatchpoints([]);
    expect(r.m.run(1000)).toEqual({ kind: 'exit', code: 0 });
  });

  it('step: one instruction, or one trap entry (then at the handler); breakpoints do not stop it', () => {
    const elf = assemble(SETUP + `
      li a0, 5
    ec:
      ecall
      li a1, 6
    `);
    const img = loadElf(elf);
    const sym = (n: string): number => findSymbol(img, n)!.value;
    const r = boot(elf);
    r.m.setBreakpoints([sym('ec')]);
    expect(r.m.run(1000)).toMatchObject({ kind: 'breakpoint', pc: sym('ec') });
    const h = r.m.harts[0]!;
    const n = r.m.instret;
    expect(r.m.step(0)).toMatchObject({ kind: 'step', hart: 0 });
    expect(h.pc).toBe(sym('trap_handler'));
    expect(r.m.instret).toBe(n); // the ecall did not retire
    expect(r.m.step(0)).toMatchObject({ kind: 'step', hart: 0 });
    expect(h.pc).toBe(sym('trap_handler') + 4);
    expect(r.m.instret).toBe(n + 1);
    r.m.setBreakpoints([]);
    expect(r.m.run(1000)).toEqual({ kind: 'exit', code: 0 });
    expect(h.x[11]).toBe(6);
    expect(inspect(r.m).traps).toEqual([{ cause: 11, tval: 0, epc: sym('ec') }]);
  });

  it('requestPause between runs: the next run returns paused at once', () => {
    const r = boot(assemble(LOOP));
    r.m.requestPause();
    expect(r.m.run(1000)).toMatchObject({ kind: 'paused' });
    expect(r.m.instret).toBe(0);
    expect(r.m.run(1_000_000)).toEqual({ kind: 'exit', code: 0 });
    expect(RES).toBeGreaterThan(0);
  });

  it('breakpoints are on virtual pcs: a VS guest running code through two-stage translation at an alias', () => {
    const elf = assemble(`.option arch, +h\n` + SETUP + `
      li t0, -1
      csrw pmpaddr0, t0
      li t0, 0x1f
      csrw pmpcfg0, t0
      li a0, 0x80100000                          # G-stage root
      li t0, ((0x80000000 >> 22) << 20) | 0xdf   # GPA 0x80000000.. -> PA same (V R W X U A D)
      li t1, 0x80000000 >> 22
      slli t1, t1, 2
      add t1, t1, a0
      sw t0, 0(t1)
      sw t0, 4(a0)                               # GPA 0x00400000.. -> PA 0x80000000..
      li t0, 0xd7
      sw t0, 0(a0)                               # GPA 0.. -> PA 0.. (test finisher)
      li a1, 0x80110000                          # VS-stage root
      li t0, ((0x80000000 >> 22) << 20) | 0xcf
      li t1, 0x80000000 >> 22
      slli t1, t1, 2
      add t1, t1, a1
      sw t0, 0(t1)
      li t0, ((0x00400000 >> 22) << 20) | 0xcb   # VA 0x40000000 -> GPA 0x400000 (V R X A D)
      sw t0, (0x40000000 >> 22 << 2)(a1)
      li t0, 0xc7
      sw t0, 0(a1)
      li t0, (1 << 31) | (0x80100000 >> 12)
      csrw hgatp, t0
      li t0, (1 << 31) | (0x80110000 >> 12)
      csrw vsatp, t0
      li t0, 0x80
      csrs mstatush, t0
      li t0, 0x1800
      csrc mstatus, t0
      li t0, 0x800
      csrs mstatus, t0
      la t0, vs
      csrw mepc, t0
      mret
    vs:
      la t0, alias_fn
      li t1, 0x80000000 - 0x40000000
      sub t0, t0, t1
      jalr t0                 # alias_fn through VA 0x4xxxxxxx
      j pass
    alias_fn:
      addi s0, s0, 1
      ret
    `);
    const img = loadElf(elf);
    const fn = findSymbol(img, 'alias_fn')!.value;
    const alias = fn - 0x40000000;
    const r = boot(elf, 1, 'rv32imach_zicsr_zifencei_zicntr_zicbom');
    r.m.setBreakpoints([alias]);
    const st = r.m.run(100_000);
    expect(st).toMatchObject({ kind: 'breakpoint', hart: 0, pc: alias });
    expect(r.m.harts[0]!.virt).toBe(true);
    expect(r.m.run(100_000)).toEqual({ kind: 'exit', code: 0 });
    expect(r.m.harts[0]!.x[8]).toBe(1);
    // The physical (= identity) address of the same code is never fetched: no stop there.
    const r2 = boot(elf, 1, 'rv32imach_zicsr_zifencei_zicntr_zicbom');
    r2.m.setBreakpoints([fn]);
    expect(r2.m.run(100_000)).toEqual({ kind: 'exit', code: 0 });
  });
});
