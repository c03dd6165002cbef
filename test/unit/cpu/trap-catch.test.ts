/**
 * Machine.setTrapCatch: run() and step() stop right after a trap entry the filter accepts, with the
 * hart at the handler's first instruction; stopping and resuming changes nothing the guest sees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, findSymbol, loadElf, Machine, type StopReason } from '../../../emulator/api';

const PROGRAMS = join(__dirname, '../../programs');
const CSR_MCAUSE = 0x342;
const CSR_SCAUSE = 0x142;
const CSR_MTVEC = 0x305;
const CSR_STVEC = 0x105;

interface Run {
  m: Machine;
  out: () => string;
}

function boot(name: string, harts = 1, jit = true): Run {
  const isa = name === 'hyp' ? 'rv32imach_zicsr_zifencei_zicntr_zicbom' : DEFAULT_CONFIG.isa;
  const m = new Machine({ ...DEFAULT_CONFIG, ramMiB: 8, harts, isa });
  m.setJit(jit);
  let out = '';
  m.onOutput = (b) => { out += new TextDecoder().decode(b); };
  m.load(loadElf(new Uint8Array(readFileSync(join(PROGRAMS, `${name}.elf`)))));
  return { m, out: () => out };
}

function observable(r: Run, stop: StopReason): unknown {
  const h = r.m.harts.map((x) => ({ pc: x.pc, x: Array.from(x.x.subarray(0, 32)), retired: x.retired, traps: x.trapSeq }));
  return { stop, instret: r.m.instret, mtime: r.m.mtime(), out: r.out(), h };
}

/** The handler a trap to `toPriv` (V as toVirt) with this cause enters (xtvec, vectored for interrupts). */
function handlerPc(r: Run, hart: number, cause: number, interrupt: boolean, toPriv: number): number {
  const tvec = r.m.readCsr(hart, toPriv === 3 ? CSR_MTVEC : CSR_STVEC)! >>> 0;
  const base = (tvec & ~3) >>> 0;
  return ((tvec & 3) === 1 && interrupt ? base + 4 * cause : base) >>> 0;
}

const programs: [string, number][] = [['timer', 1], ['csr_traps', 1], ['hyp', 1], ['atomics_smp', 2]];

describe('trap catch', () => {
  for (const [name, harts] of programs) {
    for (const jit of [true, false]) {
      it(`${name}${jit ? '' : ' (interpreter)'}: stops at every trap entry, at the handler, invisibly to the guest`, () => {
        const straight = boot(name, harts, jit);
        const s = straight.m.run(50_000_000);
        expect(s.kind).toBe('exit');
        const total = straight.m.harts.reduce((a, h) => a + h.trapSeq, 0);

        const dbg = boot(name, harts, jit);
        const seen: { hart: number; cause: number; interrupt: boolean; toPriv: number; toVirt: boolean }[] = [];
        dbg.m.setTrapCatch((hart, cause, interrupt, toPriv, toVirt) => {
          seen.push({ hart, cause, interrupt, toPriv, toVirt });
          return true;
        });
        let stop: StopReason;
        let stops = 0;
        for (;;) {
          stop = dbg.m.run(50_000_000 - dbg.m.instret);
          if (stop.kind !== 'trap') break;
          const e = seen[seen.length - 1]!;
          expect(stop).toMatchObject({ hart: e.hart, cause: e.cause, interrupt: e.interrupt });
          const h = dbg.m.harts[stop.hart]!;
          expect(h.priv).toBe(e.toPriv);
          expect(h.virt).toBe(e.toVirt);
          if (!e.toVirt) {
            const xcause = dbg.m.readCsr(stop.hart, e.toPriv === 3 ? CSR_MCAUSE : CSR_SCAUSE)! >>> 0;
            expect(xcause).toBe(((e.interrupt ? 0x80000000 : 0) + e.cause) >>> 0);
            expect(h.pc >>> 0).toBe(handlerPc(dbg, stop.hart, e.cause, e.interrupt, e.toPriv));
          }
          stops++;
        }
        expect(stops).toBe(total);
        if (name !== 'atomics_smp') expect(stops).toBeGreaterThan(0); // (two harts, no traps: nothing changes)
        expect(seen.length).toBe(total);
        expect(observable(dbg, stop)).toEqual(observable(straight, s));
      });
    }
  }

  it('a filter returning false, and removing the catch, change nothing', () => {
    const straight = boot('timer');
    const s = straight.m.run(50_000_000);
    const dbg = boot('timer');
    let calls = 0;
    dbg.m.setTrapCatch(() => { calls++; return false; });
    const a = dbg.m.run(6_000);
    expect(a.kind).toBe('limit');
    expect(calls).toBeGreaterThan(0);
    dbg.m.setTrapCatch(null);
    const b = dbg.m.run(50_000_000 - dbg.m.instret);
    expect(observable(dbg, b)).toEqual(observable(straight, s));
  });

  it('only the accepted causes stop (interrupts only)', () => {
    const dbg = boot('timer');
    dbg.m.setTrapCatch((_h, _c, interrupt) => interrupt);
    const st = dbg.m.run(50_000_000);
    expect(st.kind).toBe('trap');
    if (st.kind === 'trap') {
      expect(st.interrupt).toBe(true);
      expect(st.message).toMatch(/interrupt 7 taken to M-mode on hart 0/);
    }
  });

  it('step() reports a caught trap entry as { kind: trap }, and single-stepping stays exact', () => {
    const straight = boot('csr_traps');
    const s = straight.m.run(50_000_000);
    const dbg = boot('csr_traps');
    dbg.m.setTrapCatch(() => true);
    let stop: StopReason = { kind: 'limit' };
    let traps = 0;
    for (let i = 0; i < 5_000_000; i++) {
      stop = dbg.m.step(0);
      if (stop.kind === 'trap') {
        traps++;
        continue;
      }
      if (stop.kind !== 'step') break;
    }
    expect(stop.kind).toBe('exit');
    expect(traps).toBe(straight.m.harts[0]!.trapSeq);
    expect(observable(dbg, stop)).toEqual(observable(straight, s));
  });

  it('a breakpoint on the handler does not stop again right after the trap stop there', () => {
    const straight = boot('timer');
    const s = straight.m.run(50_000_000);
    const dbg = boot('timer');
    dbg.m.setTrapCatch(() => true);
    const entry = findSymbol(loadElf(new Uint8Array(readFileSync(join(PROGRAMS, 'timer.elf')))), 'm_trap_entry')!.value;
    dbg.m.setBreakpoints([entry]);
    let stop: StopReason;
    let traps = 0;
    let last = '';
    for (;;) {
      stop = dbg.m.run(50_000_000 - dbg.m.instret);
      if (stop.kind === 'breakpoint') expect(last).not.toBe('trap'); // (the handler is reached only by traps)
      if (stop.kind !== 'trap' && stop.kind !== 'breakpoint') break;
      if (stop.kind === 'trap') {
        traps++;
        expect(dbg.m.harts[0]!.pc >>> 0).toBe(entry);
      }
      last = stop.kind;
    }
    expect(traps).toBe(straight.m.harts[0]!.trapSeq);
    expect(observable(dbg, stop)).toEqual(observable(straight, s));
  });

  it('mixing trap stops, steps and run gives the same run', () => {
    const straight = boot('timer');
    const s = straight.m.run(50_000_000);
    const dbg = boot('timer');
    dbg.m.setTrapCatch(() => true);
    let stop: StopReason;
    for (;;) {
      stop = dbg.m.run(50_000_000 - dbg.m.instret);
      if (stop.kind !== 'trap') break;
      for (let i = 0; i < 2; i++) dbg.m.step(0);
    }
    expect(observable(dbg, stop)).toEqual(observable(straight, s));
  });
});
