/** The cache model inside a Machine: config, a real hypervisor with two guests, cbo.*, snapshots. */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, Machine } from '../../../emulator/api';
import { machineWith, runMinivisor } from './helpers';

describe('machine config: caches', () => {
  it('no caches section: no cache model and no memory observer (the fast paths stay on)', () => {
    const m = new Machine(DEFAULT_CONFIG);
    expect(m.cache).toBeUndefined();
    expect(m.features).toHaveLength(0);
    expect(m.harts[0]!.env.observer).toBeUndefined();
  });

  it('an empty section turns the defaults on; enabled: false turns them off', () => {
    const m = new Machine({ ...DEFAULT_CONFIG, caches: {} });
    expect(m.cache?.config).toMatchObject({ enabled: true, l1d: { sets: 64, ways: 8, line: 64 }, llc: { line: 64 }, replacement: 'lru' });
    expect(m.features.map((f) => f.name)).toEqual(['caches']);
    expect(new Machine({ ...DEFAULT_CONFIG, caches: { enabled: false } }).cache).toBeUndefined();
    const p = new Machine({ ...DEFAULT_CONFIG, harts: 2, caches: { l1i: { ways: 2 }, replacement: 'plru' } });
    expect(p.cache!.l1i.map((c) => [c.name, c.sets, c.ways, c.line])).toEqual([['hart0.l1i', 64, 2, 64], ['hart1.l1i', 64, 2, 64]]);
  });

  it.each([
    [{ l1d: { sets: 3 } }, /caches\.l1d\.sets must be a power of two/],
    [{ llc: { ways: 0 } }, /caches\.llc\.ways must be an integer from 1 to 32/],
    [{ l1i: { ways: 3 }, replacement: 'plru' as const }, /caches\.l1i\.ways must be a power of two for plru/],
    [{ l1i: { line: 48 } }, /caches\.l1i\.line must be a power of two/],
    [{ l1d: { line: 128 } }, /caches\.llc\.line \(64\) must be at least/],
    [{ replacement: 'fifo' }, /caches\.replacement must be one of lru, plru, random \(got fifo\)/],
    [{ seed: -1 }, /caches\.seed must be an integer/],
    [{ enabled: 'yes' }, /caches\.enabled must be true or false/],
  ])('rejects %j', (caches, msg) => {
    expect(() => new Machine({ ...DEFAULT_CONFIG, caches: caches as never })).toThrow(ConfigError);
    expect(() => new Machine({ ...DEFAULT_CONFIG, caches: caches as never })).toThrow(msg);
  });
});

describe('minivisor with caches', () => {
  const off = runMinivisor();
  const on = runMinivisor({ caches: {} });

  it('output and instruction count are the same with caches on and off', () => {
    expect(off.kind).toBe('exit');
    expect(on.kind).toBe('exit');
    expect(on.out).toBe(off.out);
    expect(on.out).toContain('[hv] all guests are done');
    expect(on.m.instret).toBe(off.m.instret);
  });

  it('keeps statistics for the host (ASID 0) and both guests (VMIDs 1 and 2) at every level', () => {
    const c = on.m.cache!;
    expect(c.asids()).toEqual([0, 1, 2]);
    for (const asid of [0, 1, 2]) {
      for (const level of ['l1i', 'l1d', 'llc'] as const) {
        const s = c.stats(level, asid);
        expect(s.accesses, `${level} asid ${asid}`).toBeGreaterThan(0);
        expect(s.hits + s.misses).toBe(s.accesses);
      }
    }
    // Every retired instruction was fetched at least once (trapped fetches and straddlers add a few).
    const fetches = [0, 1, 2].reduce((n, a) => n + c.stats('l1i', a).accesses, 0);
    expect(fetches).toBeGreaterThanOrEqual(on.m.instret);
    expect(fetches).toBeLessThan(on.m.instret * 1.01);
  });

  it('lines of the host and of both guests sit side by side in the LLC', () => {
    // Both guests run the same GPA range (0x80000000) from different host pages that the host filled:
    // host-filled lines (ASID 0) cannot serve the guests, whose first fetches miss.
    const c = on.m.cache!;
    expect(c.stats('l1i', 1).misses).toBeGreaterThan(0);
    expect(c.stats('l1i', 2).misses).toBeGreaterThan(0);
    expect(new Set(c.lines('llc').map((l) => l.asid))).toEqual(new Set([0, 1, 2]));
  });

  it('the same run with PLRU and random replacement gives the same output', () => {
    for (const replacement of ['plru', 'random'] as const) {
      const r = runMinivisor({ caches: { replacement, llc: { sets: 64, ways: 4 } } });
      expect(r.out).toBe(off.out);
      expect(r.m.instret).toBe(off.m.instret);
      expect(r.m.cache!.stats('llc', 1).evictions).toBeGreaterThan(0);
    }
  });
});

describe('cbo.* through the machine', () => {
  it('cbo.clean, cbo.flush and cbo.inval reach the cache model as cache-block operations', () => {
    const m = machineWith(`
  li a0, 0x80010000
  sw a0, 0(a0)      # dirty line
  cbo.clean (a0)    # written back, kept
  lw a1, 4(a0)      # hit
  sw a1, 8(a0)      # dirty again
  cbo.flush (a0)    # written back, dropped
  lw a1, 4(a0)      # miss
  sw a1, 8(a0)
  cbo.inval (a0)    # dropped without write-back
  lb a2, 0(a0)      # a 1-byte load that is not a cbo: miss
`, { caches: {} });
    expect(m.run(1000).kind).toBe('exit');
    const d = m.cache!.stats('l1d', 0);
    expect(d).toMatchObject({ accesses: 6, hits: 3, misses: 3, writebacks: 2, discards: 1 });
    expect(m.cache!.lines('hart0.l1d').find((l) => l.pa === 0x80010000)).toMatchObject({ dirty: false });
  });
});

describe('snapshots', () => {
  it('machine snapshots include the cache state', () => {
    const m = runMinivisor({ caches: {} }).m;
    const ref = JSON.stringify(m.cache!.viewState());
    // Stopping and resuming changes nothing.
    const a = runMinivisor({ caches: {} }, (mm) => {
      mm.run(1_000_000);
    });
    expect(JSON.stringify(a.m.cache!.viewState())).toBe(ref);
    // Snapshot mid-run, finish, restore, finish again: the same cache state both times.
    const b = runMinivisor({ caches: {} }, (mm) => {
      mm.run(1_500_000);
      const s = mm.snapshot();
      expect(s.features?.caches).toBeDefined();
      mm.run(50_000_000);
      const end1 = JSON.stringify(mm.cache!.viewState());
      mm.restore(s);
      mm.run(50_000_000);
      expect(JSON.stringify(mm.cache!.viewState())).toBe(end1);
      mm.restore(s);
    });
    expect(JSON.stringify(b.m.cache!.viewState())).toBe(ref);
  });
});
