/**
 * The cache model's fast path against its slow path. With caches on and no other memory observer the
 * TLB fast paths and the block compiler stay on and hits on a set's most-recently-used line are counted
 * inline; a memory observer (setObserver, or a feature with onMemory) forces the slow path, one
 * instruction at a time with every access reported. Both must give exactly the same machine:
 *
 *   output, stop, instret, every hart's pc, registers, retired count and mcycle (cache misses add
 *   cycles), every cache's valid lines (set, way, pa, asid, enc, dirty: the ways too, so the
 *   replacement order), and the statistics per level and ASID and per cache and ASID.
 *
 * Each case runs from a fresh machine in these modes; the first is the reference:
 *   slow          a no-op observer (setObserver)
 *   slow-feature  a no-op feature with onMemory instead
 *   fast          caches on, nothing else (JIT on)
 *   fast-interp   the same with setJit(false)
 *   pieces        fast, in single steps first, then in runs of a few instructions (other block ends)
 *   snapshot      fast to a mid point, snapshot, to the end, restore, to the end again (both compared)
 *   switch        fast, then slow (observer attached), then fast again
 *   traced        fast with a tracer (called after every instruction)
 *   breakpoint    fast with a breakpoint in a hot spot, resumed at every stop (removed after 200)
 *   watchpoint    fast with a data watchpoint (its page takes the memory slow path), likewise
 *
 * The programs: directed assembly (one behaviour each) under four cache configurations, minivisor
 * (one and two harts), the encrypted guest of examples/cvm, and two attacks: cache-probing, which times
 * its probes with rdcycle, and cachewarp, whose cinval.all loses a guest's dirty line. Instruction
 * budgets keep the big ones short.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeCrypto } from '../../../adapter/node-crypto';
import { CSR, DEFAULT_CONFIG, loadElf, Machine, type CacheConfigInput, type CacheStats, type MachineConfig, type StopReason } from '../../../emulator/api';
import type { LineInfo } from '../../../emulator/cache/level';
import { parseMachineConfig } from '../../../emulator/config-file';
import { machineWith, MINIVISOR } from './helpers';

const EXAMPLES = path.join(__dirname, '../../../examples');
const LEVELS = ['l1i', 'l1d', 'llc'] as const;

// --- What a run leaves behind, and how two of them differ.

interface HartResult {
  pc: number;
  x: number[];
  retired: number;
  mcycle: string;
}

interface Result {
  out: string;
  stop: string;
  instret: number;
  harts: HartResult[];
  /** `${level} asid ${asid}` -> machine.cache.stats(level, asid), for every ASID of asids(). */
  stats: Record<string, CacheStats>;
  /** Cache name -> ASID -> its own counters (per hart for the L1s). */
  perCache: Record<string, Record<string, CacheStats>>;
  /** Cache name -> every valid line. */
  lines: Record<string, LineInfo[]>;
}

const stopText = (s: StopReason): string => (s.kind === 'exit' ? `exit ${s.code}` : s.kind === 'limit' ? 'limit' : `${s.kind}: ${s.message}`);

/** `stop` first: its run must be over before the output is read. */
function collect(stop: StopReason, r: Running): Result {
  const { m, out } = r;
  const c = m.cache!;
  const stats: Record<string, CacheStats> = {};
  for (const asid of c.asids()) for (const level of LEVELS) stats[`${level} asid ${asid}`] = c.stats(level, asid);
  const perCache: Record<string, Record<string, CacheStats>> = {};
  const lines: Record<string, LineInfo[]> = {};
  for (const cache of c.caches) {
    perCache[cache.name] = Object.fromEntries([...cache.stats].sort((a, b) => a[0] - b[0]).map(([a, s]) => [String(a), { ...s }]));
    lines[cache.name] = cache.lines();
  }
  return {
    out, stop: stopText(stop), instret: m.instret, stats, perCache, lines,
    harts: m.harts.map((h, i) => ({
      pc: h.pc >>> 0,
      x: Array.from(h.x.subarray(0, 32)),
      retired: h.retired,
      mcycle: ((BigInt(m.readCsr(i, CSR.mcycleh)! >>> 0) << 32n) | BigInt(m.readCsr(i, CSR.mcycle)! >>> 0)).toString(),
    })),
  };
}

const lineText = (l: LineInfo | undefined): string =>
  l === undefined ? 'none' : `set ${l.set} way ${l.way} pa 0x${l.pa.toString(16)} asid ${l.asid} enc ${l.enc}${l.dirty ? ' dirty' : ''}`;

/** What differs between `got` and the reference `ref`, one readable line per difference ([] = the same). */
function differences(ref: Result, got: Result): string[] {
  const d: string[] = [];
  const show = (v: unknown): string => JSON.stringify(v).slice(0, 300);
  for (const k of ['stop', 'instret'] as const) if (ref[k] !== got[k]) d.push(`${k}: ${show(got[k])}, reference ${show(ref[k])}`);
  if (ref.out !== got.out) {
    let i = 0;
    while (i < ref.out.length && ref.out[i] === got.out[i]) i++;
    d.push(`output differs from character ${i}: ${show(got.out.slice(i, i + 80))}, reference ${show(ref.out.slice(i, i + 80))}`);
  }
  ref.harts.forEach((r, i) => {
    const g = got.harts[i]!;
    for (const k of ['pc', 'retired', 'mcycle'] as const) if (r[k] !== g[k]) d.push(`hart ${i} ${k}: ${show(g[k])}, reference ${show(r[k])}`);
    r.x.forEach((v, j) => { if (g.x[j] !== v) d.push(`hart ${i} x${j}: ${g.x[j]}, reference ${v}`); });
  });
  for (const k of new Set([...Object.keys(ref.stats), ...Object.keys(got.stats)])) {
    if (show(ref.stats[k]) !== show(got.stats[k])) d.push(`stats ${k}: ${show(got.stats[k])}, reference ${show(ref.stats[k])}`);
  }
  for (const name of Object.keys(ref.perCache)) {
    if (show(ref.perCache[name]) !== show(got.perCache[name])) d.push(`${name} stats: ${show(got.perCache[name])}, reference ${show(ref.perCache[name])}`);
    const rl = ref.lines[name]!;
    const gl = got.lines[name]!;
    if (JSON.stringify(rl) === JSON.stringify(gl)) continue;
    const first = rl.findIndex((l, i) => JSON.stringify(l) !== JSON.stringify(gl[i]));
    const i = first < 0 ? rl.length : first;
    d.push(`${name} lines: ${gl.length} valid, reference ${rl.length}; first difference at entry ${i}: ${lineText(gl[i])}, reference ${lineText(rl[i])}`);
  }
  return d;
}

// --- The cases and the ways of running them.

interface Case {
  name: string;
  /** A fresh machine with its program loaded. */
  make: () => Machine;
  /** Instructions (summed over harts) to run at most. */
  budget: number;
  /** Physical address the `watchpoint` mode watches (its page then takes the memory slow path). */
  watch?: number;
}

type Mode = 'slow' | 'slow-feature' | 'fast' | 'fast-interp' | 'pieces' | 'snapshot' | 'switch' | 'traced' | 'breakpoint' | 'watchpoint';
const ALL_MODES: readonly Mode[] = ['slow', 'slow-feature', 'fast', 'fast-interp', 'pieces', 'snapshot', 'switch', 'traced', 'breakpoint', 'watchpoint'];
/** The big programs skip the second slow path (a reference only) and data watchpoints to keep the file short. */
const BIG_MODES: readonly Mode[] = ['slow', 'fast', 'fast-interp', 'pieces', 'snapshot', 'switch', 'traced', 'breakpoint'];

const noopObserver = { access(): void {} };
const noopFeature = { name: 'noop', description: 'a memory observer that does nothing (forces the slow path)', viewState: () => null, onMemory: () => {} };

/** Piece sizes of the `pieces` mode, in turn: block ends fall everywhere. */
const PIECES = [7, 1, 3, 13, 2, 64, 5, 301, 11, 1000];
/** Single steps first (one-hart machines). */
const STEPS = 300;

interface Running {
  m: Machine;
  out: string;
}

function start(c: Case): Running {
  const r: Running = { m: c.make(), out: '' };
  r.m.onOutput = (b) => { r.out += Buffer.from(b).toString('latin1'); };
  return r;
}

/** Run until `until` instructions retired in all (or the machine stops for another reason). */
const runTo = (r: Running, until: number): StopReason => r.m.run(Math.max(0, until - r.m.instret));

/** Debugger stops before a run ends (breakpoints, watchpoints) are resumed; after this many they are removed. */
const DEBUG_STOPS = 200;

/** runTo, resuming after breakpoint and watchpoint stops; `clear` removes them after DEBUG_STOPS stops. */
function runThroughStops(r: Running, until: number, clear: () => void): StopReason {
  let stops = 0;
  for (;;) {
    const stop = runTo(r, until);
    if (stop.kind !== 'breakpoint' && stop.kind !== 'watchpoint') return stop;
    if (++stops === DEBUG_STOPS) clear();
  }
}

function runMode(c: Case, mode: Mode): Result[] {
  const r = start(c);
  const m = r.m;
  const mid = Math.floor(c.budget * 0.4);
  switch (mode) {
    case 'slow':
      m.setObserver(noopObserver);
      return [collect(runTo(r, c.budget), r)];
    case 'slow-feature':
      m.addFeature(noopFeature);
      return [collect(runTo(r, c.budget), r)];
    case 'fast':
      return [collect(runTo(r, c.budget), r)];
    case 'fast-interp':
      m.setJit(false);
      return [collect(runTo(r, c.budget), r)];
    case 'pieces': {
      let stop: StopReason = { kind: 'limit' };
      if (m.harts.length === 1) {
        for (let i = 0; i < STEPS && m.instret < c.budget; i++) {
          stop = m.step(0);
          if (stop.kind !== 'step') break;
        }
        if (stop.kind === 'step') stop = { kind: 'limit' };
      }
      for (let i = 0; stop.kind === 'limit' && m.instret < c.budget; i++) {
        stop = m.run(Math.min(PIECES[i % PIECES.length]!, c.budget - m.instret));
      }
      return [collect(stop, r)];
    }
    case 'snapshot': {
      runTo(r, mid);
      const s = m.snapshot();
      const outAtSnapshot = r.out;
      const first = collect(runTo(r, c.budget), r);
      m.restore(s);
      r.out = outAtSnapshot;
      return [first, collect(runTo(r, c.budget), r)];
    }
    case 'traced':
      m.setTracer(() => {});
      return [collect(runTo(r, c.budget), r)];
    case 'breakpoint': {
      // At the pc reached after a few hundred instructions (in a loop, for most programs).
      runTo(r, Math.min(301, mid));
      m.setBreakpoints([m.harts[0]!.pc]);
      return [collect(runThroughStops(r, c.budget, () => m.setBreakpoints([])), r)];
    }
    case 'watchpoint':
      m.setWatchpoints(c.watch === undefined ? [] : [{ addr: c.watch, size: 4, access: 'readWrite' }]);
      return [collect(runThroughStops(r, c.budget, () => m.setWatchpoints([])), r)];
    case 'switch': {
      runTo(r, Math.floor(c.budget / 3));
      m.setObserver(noopObserver);
      runTo(r, mid + Math.floor(c.budget / 5));
      m.setObserver(undefined);
      return [collect(runTo(r, c.budget), r)];
    }
  }
}

/** Run `c` in every mode; the slow path is the reference. Returns it and every difference found. */
function compareModes(c: Case, modes: readonly Mode[] = ALL_MODES): { ref: Result; diffs: string[] } {
  const [ref] = runMode(c, 'slow');
  const diffs: string[] = [];
  for (const mode of modes) {
    if (mode === 'slow') continue;
    runMode(c, mode).forEach((got, i) => {
      for (const d of differences(ref!, got)) diffs.push(`${mode}${i > 0 ? ' (after restore)' : ''}: ${d}`);
    });
  }
  return { ref: ref!, diffs };
}

const sum = (r: Result, level: (typeof LEVELS)[number], k: keyof CacheStats): number =>
  Object.entries(r.stats).filter(([name]) => name.startsWith(`${level} `)).reduce((n, [, s]) => n + s[k], 0);

// --- Directed programs (M-mode, rv32imac_zicsr_zifencei_zicbom; data at 0x80100000 and up).

const DATA = 0x80100000;

const PROGRAMS: Record<string, string> = {
  // A loop that stays inside one block (the compiled block loops by itself): loads and stores on a
  // few lines, most of them hits on the line just used.
  'one-block loop': `
  li s0, ${DATA}
  li t2, 1500
  li a0, 0
1:
  lw t0, 0(s0)
  add a0, a0, t0
  sw a0, 4(s0)
  lw t1, 64(s0)
  sb t1, 130(s0)
  lh t1, 2044(s0)
  add a0, a0, t1
  addi t2, t2, -1
  bnez t2, 1b
  csrr a1, mcycle
`,
  // Read-modify-write sweeps over 48 KiB (more than every L1 here): evictions and dirty write-backs;
  // mcycle read after each sweep.
  'array sweep': `
  li s0, ${DATA}
  li s1, ${DATA + 48 * 1024}
  li a0, 0
  li s2, 2
2:
  mv t0, s0
1:
  lw t1, 0(t0)
  add a0, a0, t1
  addi t1, t1, 3
  sw t1, 0(t0)
  addi t0, t0, 12
  bltu t0, s1, 1b
  csrr t3, mcycle
  add a2, a2, t3
  addi s2, s2, -1
  bnez s2, 2b
  csrr a1, mcycle
`,
  // Misaligned loads and stores (performed, as QEMU does) that span two lines, and a page end.
  'misaligned accesses': `
  li s0, ${DATA + 0xf00}
  li t2, 400
  li a0, 0
1:
  lw t0, 0(s0)
  add a0, a0, t0
  sw a0, 3(s0)
  lh t1, 1(s0)
  add a0, a0, t1
  sh a0, 5(s0)
  lhu t1, 63(s0)
  add a0, a0, t1
  addi s0, s0, 7
  addi t2, t2, -1
  bnez t2, 1b
  csrr a1, mcycle
`,
  // A 32-bit instruction at line offset 62 (line - 2 for 16-, 32- and 64-byte lines) inside a loop.
  'fetch straddles a line': `
  li t2, 400
  li a0, 0
  li s0, ${DATA}
  j 2f
  .balign 64
  .option push
  .option rvc
  .rept 30
  c.nop
  .endr
2:
  c.nop
  .option norvc
  addi a0, a0, 1
  lw t0, 0(s0)
  addi t2, t2, -1
  bnez t2, 2b
  .option pop
  csrr a1, mcycle
`,
  // A 32-bit instruction straddling a 4 KiB page end (fetched as two parcels) inside a loop.
  'fetch straddles a page': `
  li t2, 300
  li a0, 0
  li s0, ${DATA}
  j 2f
  .balign 4096
  .skip 4092
  .option push
  .option rvc
2:
  c.nop
  .option norvc
  addi a0, a0, 1
  sw a0, 0(s0)
  addi t2, t2, -1
  bnez t2, 2b
  .option pop
  csrr a1, mcycle
`,
  // AMOs and an LR/SC increment loop, with a store to a conflicting line between LR and SC, and an SC
  // that fails (no reservation left).
  'amo and lr/sc': `
  li s0, ${DATA}
  li s1, ${DATA + 64}
  li s2, ${DATA + 4096}
  li s3, ${DATA + 8192 + 4}
  li t2, 300
1:
  li t0, 3
  amoadd.w t1, t0, (s0)
  amoswap.w t3, t1, (s1)
  amoor.w t4, t3, (s2)
  amomax.w t5, t4, (s3)
2:
  lr.w t0, (s1)
  addi t0, t0, 1
  sw t0, 0(s2)
  sc.w t1, t0, (s1)
  bnez t1, 2b
  sc.w t1, t0, (s1)
  add a3, a3, t1
  addi t2, t2, -1
  bnez t2, 1b
  csrr a1, mcycle
`,
  // cbo.clean, cbo.flush and cbo.inval on lines the loop just used and uses next.
  'cbo in a loop': `
  li s0, ${DATA}
  li t2, 300
  li a0, 0
1:
  sw t2, 0(s0)
  cbo.clean (s0)
  lw t0, 4(s0)
  add a0, a0, t0
  addi s1, s0, 64
  sw a0, 0(s1)
  cbo.flush (s1)
  lw t0, 0(s1)
  addi s1, s0, 128
  lw t0, 8(s1)
  sw t0, 12(s1)
  cbo.inval (s1)
  lw t0, 8(s1)
  add a0, a0, t0
  addi s0, s0, 32
  addi t2, t2, -1
  bnez t2, 1b
  csrr a1, mcycle
`,
  // cbo.* on the line of the code running: the L1I copy goes too, the next fetch from it misses.
  'cbo on the running code': `
  li t2, 200
  li a0, 0
  la s0, 1f
  .balign 64
1:
  cbo.flush (s0)
  addi a0, a0, 1
  addi a0, a0, 2
  cbo.inval (s0)
  addi a0, a0, 3
  lw t0, 0(s0)
  lw t0, 4(s0)
  cbo.clean (s0)
  addi a0, a0, 4
  addi t2, t2, -1
  bnez t2, 1b
  csrr a1, mcycle
`,
  // cinval.all (every line of every cache dropped, dirty ones without write-back: the store is lost).
  'cinval.all in a loop': `
  li s0, ${DATA}
  li t2, 150
  li a0, 0
1:
  lw t0, 0(s0)
  addi t0, t0, 1
  sw t0, 0(s0)
  sw t2, 64(s0)
  lw t1, 0(s0)
  add a0, a0, t1
  cinval.all
  lw t1, 0(s0)
  add a0, a0, t1
  addi t2, t2, -1
  bnez t2, 1b
  csrr a1, mcycle
`,
  // Stores into the code it runs: the next iteration's instruction, and the one after fence.i.
  'self-modifying code': `
  li t2, 200
  li a0, 0
  li a2, 0
  la s0, 3f
  la s1, 4f
  li s2, 0x100000
  .option push
  .option norvc
1:
3:
  addi a0, a0, 1
  lw t0, 0(s0)
  add t0, t0, s2
  sw t0, 0(s0)
  lw t1, 0(s1)
  add t1, t1, s2
  sw t1, 0(s1)
  fence.i
4:
  addi a2, a2, 1
  addi t2, t2, -1
  bnez t2, 1b
  .option pop
  csrr a1, mcycle
`,
  // Faults mid-block, which the handler skips: a load and a store where nothing is, a misaligned AMO
  // and LR (not performed: they trap). SC without a reservation fails.
  'traps mid-block': `
  la t0, 8f
  csrw mtvec, t0
  li s0, ${DATA}
  li s1, 0x10
  li s2, ${DATA + 66}
  li s3, ${DATA + 128}
  li t2, 200
  li a0, 0
  li s5, 0
  .option push
  .option norvc
1:
  lw t0, 0(s0)
  add a0, a0, t0
  sw a0, 4(s0)
  lw t1, 0(s1)
  sw t1, 0(s1)
  lw t0, 64(s0)
  amoadd.w t1, t0, (s2)
  lr.w t1, (s2)
  sc.w t1, t0, (s3)
  add a3, a3, t1
  add a0, a0, t0
  sw a0, 68(s0)
  addi t2, t2, -1
  bnez t2, 1b
  j 9f
  .option pop
  .balign 4 # with rvc on: under norvc GNU as (and ours) cannot pad 2 bytes
8:
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  addi s5, s5, 1
  sw s5, 128(s0)
  mret
9:
  csrr a1, mcycle
`,
  // Pseudo-random loads and stores over 12 lines of one set (4 KiB apart: one set in every
  // configuration here), with repeated hits on the line just used: the replacement order decides.
  // mcycle, read in the loop, sums the misses so far.
  'one set, many lines': `
  li s0, ${DATA}
  li s1, 1103515245
  li s2, 12345
  li s3, 12
  li a0, 7
  li t2, 1500
1:
  mul a0, a0, s1
  add a0, a0, s2
  srli t0, a0, 16
  remu t0, t0, s3
  slli t0, t0, 12
  add t0, t0, s0
  lw t1, 0(t0)
  lw t3, 4(t0)
  add t1, t1, t3
  srli t3, a0, 8
  andi t3, t3, 1
  beqz t3, 2f
  sw t1, 8(t0)
2:
  srli t3, a0, 20
  remu t3, t3, s3
  slli t3, t3, 12
  add t3, t3, s0
  lw t4, 16(t3)
  add a1, a1, t4
  lw t4, 20(t0)
  csrr t5, mcycle
  add a4, a4, t5
  addi t2, t2, -1
  bnez t2, 1b
  csrr a2, mcycle
`,
};

/**
 * Two harts (round robin every few instructions): hart 0 keeps hitting a line that hart 1 stores to,
 * flushes and invalidates from its own L1 and the shared LLC (cbo reaches every cache), then parks.
 */
const TWO_HARTS = `
  li s0, ${DATA}
  csrr t0, mhartid
  bnez t0, 5f
  li t2, 1200
  li a0, 0
1:
  lw t0, 0(s0)
  add a0, a0, t0
  lw t0, 4(s0)
  sw a0, 64(s0)
  addi t2, t2, -1
  bnez t2, 1b
  j 9f
5:
  li t2, 300
6:
  sw t2, 0(s0)
  cbo.flush (s0)
  lw t0, 64(s0)
  cbo.inval (s0)
  lw t0, 128(s0)
  cbo.clean (s0)
  addi t2, t2, -1
  bnez t2, 6b
7:
  wfi
  j 7b
9:
  csrr a1, mcycle
`;

const SMALL: CacheConfigInput = { l1i: { sets: 4, ways: 2, line: 16 }, l1d: { sets: 4, ways: 2, line: 16 }, llc: { sets: 16, ways: 4, line: 32 } };
const CONFIGS: Record<string, CacheConfigInput> = {
  default: {},
  small: SMALL,
  'small plru': { ...SMALL, replacement: 'plru' },
  'small random': { ...SMALL, replacement: 'random', seed: 12345 },
};

/** What some programs must have done in the reference run (x registers of hart 0). */
const CHECKS: Record<string, (x: number[]) => void> = {
  'self-modifying code': (x) => {
    expect(x[10], 'a0: the patched instruction ran in the next iteration').toBe(200 + (199 * 200) / 2);
    expect(x[12], 'a2: the patched instruction ran after fence.i').toBe(200 + (200 * 201) / 2);
  },
  'traps mid-block': (x) => expect(x[21], 's5: faults taken').toBe(200 * 4),
  'fetch straddles a line': (x) => expect(x[10]).toBe(400),
  'fetch straddles a page': (x) => expect(x[10]).toBe(300),
};

const directed = (name: string, body: string, caches: CacheConfigInput, extra: Partial<MachineConfig> = {}): Case =>
  ({ name, make: () => machineWith(body, { caches, ...extra }), budget: 200_000, watch: DATA });

describe('fast path = slow path: directed programs', () => {
  for (const [prog, body] of Object.entries(PROGRAMS)) {
    describe(prog, () => {
      for (const [cfg, caches] of Object.entries(CONFIGS)) {
        it(`${cfg} caches`, () => {
          const { ref, diffs } = compareModes(directed(prog, body, caches));
          expect(ref.stop).toBe('exit 0');
          CHECKS[prog]?.(ref.harts[0]!.x);
          expect(sum(ref, 'l1i', 'hits')).toBeGreaterThan(0);
          expect(sum(ref, 'l1d', 'hits')).toBeGreaterThan(0);
          expect(diffs).toEqual([]);
        });
      }
    });
  }

  it('two harts sharing lines, cbo from the other hart, small random caches', () => {
    for (const caches of [CONFIGS.default!, CONFIGS['small random']!]) {
      const { ref, diffs } = compareModes(directed('two harts', TWO_HARTS, caches, { harts: 2, quantum: 23 }));
      expect(ref.stop).toBe('exit 0');
      expect(ref.perCache['hart1.l1d']?.['0']?.writebacks).toBeGreaterThan(0);
      expect(diffs).toEqual([]);
    }
  });

  it('the modes take different paths: no memory observer on the fast path, one on the slow ones', () => {
    const c = directed('one-block loop', PROGRAMS['one-block loop']!, {});
    expect(start(c).m.harts[0]!.env.observer).toBeUndefined();
    const slow = start(c).m;
    slow.setObserver(noopObserver);
    expect(slow.harts[0]!.env.observer).toBeDefined();
    const feature = start(c).m;
    feature.addFeature(noopFeature);
    expect(feature.harts[0]!.env.observer).toBeDefined();
  });

  it('the small configuration misses, evicts and writes back: the reference exercises the replacement order', () => {
    const { ref, diffs } = compareModes(directed('one set', PROGRAMS['one set, many lines']!, SMALL), ['fast']);
    expect(diffs).toEqual([]);
    for (const level of LEVELS) expect(sum(ref, level, 'hits'), level).toBeGreaterThan(0);
    expect(sum(ref, 'l1d', 'evictions')).toBeGreaterThan(0);
    expect(sum(ref, 'llc', 'evictions')).toBeGreaterThan(0);
    expect(sum(ref, 'l1d', 'writebacks')).toBeGreaterThan(0);
    expect(BigInt(ref.harts[0]!.mcycle)).toBeGreaterThan(BigInt(ref.harts[0]!.retired));
  });

  it('the comparison catches one uncounted hit and one changed replacement order', () => {
    const c = directed('one set', PROGRAMS['one set, many lines']!, SMALL);
    const [ref] = runMode(c, 'slow');
    // One hit more: only the statistics change.
    const a = start(c);
    const stopA = runTo(a, c.budget);
    const cache = a.m.cache!;
    const line = cache.l1d[0]!.lines()[0]!;
    cache.access(0, 1, line.pa, 4, line.asid, line.enc);
    const hitDiffs = differences(ref!, collect(stopA, a));
    expect(hitDiffs.some((d) => d.startsWith('stats l1d asid 0'))).toBe(true);
    expect(hitDiffs.every((d) => /stats/.test(d))).toBe(true);
    // A B A C in one 2-way set: C evicts B. A hit on A that skipped the replacement update would leave
    // A least recently used, and C would evict A: make B the most recent one before C to see that.
    const lru: Case = {
      name: 'A B A C',
      make: () => machineWith(`
  li s0, ${DATA}
  li s1, ${DATA + 4096}
  li s2, ${DATA + 8192}
  lw t0, 0(s0)
  lw t0, 0(s1)
  lw t0, 0(s0)
  lw t0, 0(s2)
`, { caches: SMALL }),
      budget: 1000,
    };
    const { ref: lruRef, diffs } = compareModes(lru);
    expect(diffs).toEqual([]);
    expect(lruRef.lines['hart0.l1d']!.filter((l) => l.set === 0).map((l) => l.pa).sort((x, y) => x - y)).toEqual([DATA, DATA + 8192]);
    const b = start(lru);
    expect(runTo(b, 6).kind).toBe('limit');
    const l1d = b.m.cache!.l1d[0]!;
    l1d.touch(l1d.find(l1d.lineOf(DATA + 4096), 0, 0));
    const orderDiffs = differences(lruRef, collect(runTo(b, lru.budget), b));
    expect(orderDiffs.some((d) => d.startsWith('hart0.l1d lines'))).toBe(true);
  });
});

describe('fast path = slow path: switching paths mid-run', () => {
  it('fast, then a no-op observer, then fast again, then the interpreter', () => {
    for (const [prog, caches] of [['one set, many lines', SMALL], ['cbo in a loop', CONFIGS['small plru']!], ['self-modifying code', {}]] as const) {
      const c = directed(prog, PROGRAMS[prog]!, caches);
      const [ref] = runMode(c, 'slow');
      const r = start(c);
      runTo(r, 2000);
      r.m.setObserver(noopObserver);
      runTo(r, 3001);
      r.m.setObserver(undefined);
      runTo(r, 5003);
      r.m.setJit(false);
      runTo(r, 6007);
      r.m.setJit(true);
      expect(differences(ref!, collect(runTo(r, c.budget), r)), prog).toEqual([]);
    }
  });
});

// --- Real programs: a hypervisor with guests, an encrypted guest, a cache-timing attack.

function exampleMachine(elf: string, configFile: string, extra: Partial<MachineConfig> = {}): Machine {
  const config: MachineConfig = { ...parseMachineConfig(readFileSync(configFile, 'utf8')), ...extra };
  const m = new Machine(config, { crypto: new NodeCrypto() });
  m.load(loadElf(readFileSync(elf)));
  return m;
}

function minivisor(config: Partial<MachineConfig>): Machine {
  const m = new Machine({ ...DEFAULT_CONFIG, ...config });
  m.load(loadElf(readFileSync(MINIVISOR)));
  return m;
}

describe('fast path = slow path: real programs', () => {
  it('minivisor with two guests (first 600k instructions: both guests run, timer slices)', () => {
    const { ref, diffs } = compareModes({ name: 'minivisor', make: () => minivisor({ caches: {} }), budget: 600_000 }, BIG_MODES);
    expect(ref.out).toContain('[b] slice 1');
    expect(Object.keys(ref.perCache.llc!)).toEqual(['0', '1', '2']);
    expect(diffs).toEqual([]);
  });

  it('minivisor on two harts (the second parks), small random LLC', () => {
    const caches: CacheConfigInput = { replacement: 'random', llc: { sets: 64, ways: 4 } };
    const { ref, diffs } = compareModes({ name: 'minivisor x2', make: () => minivisor({ harts: 2, caches }), budget: 400_000 }, BIG_MODES);
    expect(ref.out).toContain('[b] hello from guest b');
    expect(sum(ref, 'llc', 'evictions')).toBeGreaterThan(0);
    expect(ref.perCache['hart1.l1i']?.['0']?.accesses).toBeGreaterThan(0);
    expect(diffs).toEqual([]);
  });

  it('examples/cvm: an encrypted guest launched by the secure processor, to its end', () => {
    const dir = path.join(EXAMPLES, 'cvm');
    const make = (): Machine => exampleMachine(path.join(dir, 'cvm.elf'), path.join(dir, 'cvm.vmscope.json'), { caches: {} });
    const { ref, diffs } = compareModes({ name: 'cvm', make, budget: 2_000_000 }, BIG_MODES);
    expect(ref.stop).toBe('exit 0');
    expect(ref.out).toBe(readFileSync(path.join(dir, 'cvm.expected'), 'latin1'));
    // Guest lines are tagged with the C-bit (enc 1).
    expect(Object.values(ref.lines).flat().some((l) => l.enc === 1)).toBe(true);
    expect(diffs).toEqual([]);
  });

  // Budgets end each run after the result line of the last level named.
  it.each([
    ['cache-probing', 815_000, 'prime+probe timed with rdcycle', /\[attack\] cache-probing level=none: SUCCEEDED: one slow set/],
    ['cachewarp', 950_000, 'cinval.all drops a dirty line of a plain and an encrypted guest', /\[attack\] cachewarp level=enc: NOT-STOPPED: the guest's store of 2 was dropped/],
  ] as const)('examples/attacks/%s (%i instructions): %s', (name, budget, _what, result) => {
    const dir = path.join(EXAMPLES, 'attacks', name);
    const make = (): Machine => exampleMachine(path.join(dir, `${name}.elf`), path.join(dir, `${name}.vmscope.json`));
    const { ref, diffs } = compareModes({ name, make, budget }, BIG_MODES);
    expect(ref.out).toMatch(result);
    expect(diffs).toEqual([]);
  });
});
