/** The cache model on crafted access sequences: policies, ASID/enc tags, write-backs, cbo, snapshots. */
import { describe, expect, it } from 'vitest';
import { CacheModel } from '../../../emulator/cache/model';
import { resolveCacheConfig, type CacheConfigInput, type Replacement } from '../../../emulator/cache/config';

const LOAD = 1;
const STORE = 2;
const A = 0x80000000;
/** Line addresses mapping to set 0 of a 1-set L1D. */
const L = (i: number): number => A + i * 64;

function model(l1d: { sets: number; ways: number }, replacement: Replacement = 'lru', extra: CacheConfigInput = {}): CacheModel {
  return new CacheModel(resolveCacheConfig({ l1d: { ...l1d, line: 64 }, replacement, ...extra }), 1);
}

function run(c: CacheModel, lines: number[], kind = LOAD, asid = 0, enc = 0): void {
  for (const i of lines) c.access(0, kind, L(i), 4, asid, enc);
}

describe('replacement policies', () => {
  it('LRU: A B A C B A in a 2-way set: 1 hit, 5 misses, 3 evictions', () => {
    const c = model({ sets: 1, ways: 2 });
    run(c, [0, 1, 0, 2, 1, 0]);
    expect(c.stats('l1d', 0)).toMatchObject({ accesses: 6, hits: 1, misses: 5, evictions: 3, writebacks: 0 });
    // Each L1 miss read the line from the LLC (which holds them all): 3 LLC misses, then hits.
    expect(c.stats('llc', 0)).toMatchObject({ accesses: 5, hits: 2, misses: 3 });
  });

  it('LRU and PLRU differ in a 4-way set: after A B C D A E, LRU evicted B and PLRU evicted C', () => {
    const lru = model({ sets: 1, ways: 4 }, 'lru');
    const plru = model({ sets: 1, ways: 4 }, 'plru');
    for (const c of [lru, plru]) run(c, [0, 1, 2, 3, 0, 4]);
    expect(lru.lines('hart0.l1d').map((l) => (l.pa - A) / 64).sort()).toEqual([0, 2, 3, 4]);
    expect(plru.lines('hart0.l1d').map((l) => (l.pa - A) / 64).sort()).toEqual([0, 1, 3, 4]);
    run(lru, [1]);
    run(plru, [1]);
    expect(lru.stats('l1d', 0)).toMatchObject({ hits: 1, misses: 6 });
    expect(plru.stats('l1d', 0)).toMatchObject({ hits: 2, misses: 5 });
  });

  it('a cycle of 3 lines thrashes a 2-way LRU set (no hits) but not random replacement', () => {
    const seq = Array.from({ length: 300 }, (_, i) => i % 3);
    const lru = model({ sets: 1, ways: 2 }, 'lru');
    run(lru, seq);
    expect(lru.stats('l1d', 0).hits).toBe(0);
    const rnd = model({ sets: 1, ways: 2 }, 'random', { seed: 7 });
    run(rnd, seq);
    const s = rnd.stats('l1d', 0);
    expect(s.hits).toBeGreaterThan(0);
    expect(s.evictions).toBe(s.misses - 2);
  });

  it('random replacement is reproducible from its seed', () => {
    const seq = Array.from({ length: 500 }, (_, i) => (i * 7) % 11);
    const stats = (seed: number): string => {
      const c = model({ sets: 2, ways: 4 }, 'random', { seed });
      run(c, seq);
      return JSON.stringify(c.lines('hart0.l1d'));
    };
    expect(stats(42)).toBe(stats(42));
    expect(stats(42)).not.toBe(stats(43));
  });

  it('sets are indexed by physical line number: lines of different sets do not evict each other', () => {
    const c = model({ sets: 4, ways: 1 });
    run(c, [0, 1, 2, 3, 0, 1, 2, 3]);
    expect(c.stats('l1d', 0)).toMatchObject({ hits: 4, misses: 4, evictions: 0 });
  });

  it('an access spanning two lines accesses both', () => {
    const c = model({ sets: 4, ways: 1 });
    c.access(0, LOAD, A + 62, 4, 0, 0);
    expect(c.stats('l1d', 0)).toMatchObject({ accesses: 2, misses: 2 });
  });
});

describe('tags: (physical address, ASID, enc)', () => {
  it('a line filled under ASID 1 misses under ASID 2 and under the host, hits under ASID 1', () => {
    const c = model({ sets: 4, ways: 4 });
    run(c, [0], LOAD, 1);
    run(c, [0], LOAD, 2);
    run(c, [0], LOAD, 0);
    run(c, [0], LOAD, 1);
    expect(c.stats('l1d', 1)).toMatchObject({ accesses: 2, hits: 1, misses: 1 });
    expect(c.stats('l1d', 2)).toMatchObject({ accesses: 1, hits: 0, misses: 1 });
    expect(c.stats('l1d', 0)).toMatchObject({ accesses: 1, hits: 0, misses: 1 });
    // Three lines for one physical address, one per ASID, in the L1D and in the LLC.
    expect(c.lines('hart0.l1d').map((l) => l.asid).sort()).toEqual([0, 1, 2]);
    expect(c.lines('llc').filter((l) => l.pa === A)).toHaveLength(3);
    expect(c.asids()).toEqual([0, 1, 2]);
  });

  it('enc is part of the tag', () => {
    const c = model({ sets: 4, ways: 4 });
    run(c, [0], LOAD, 1, 0);
    run(c, [0], LOAD, 1, 1);
    run(c, [0], LOAD, 1, 1);
    expect(c.stats('l1d', 1)).toMatchObject({ hits: 1, misses: 2 });
    expect(c.lines('hart0.l1d').map((l) => l.enc).sort()).toEqual([0, 1]);
  });

  it('L1s are per hart, the LLC is shared', () => {
    const c = new CacheModel(resolveCacheConfig({}), 2);
    c.access(0, LOAD, A, 4, 0, 0);
    c.access(1, LOAD, A, 4, 0, 0);
    expect(c.stats('l1d', 0)).toMatchObject({ accesses: 2, misses: 2 });
    expect(c.stats('llc', 0)).toMatchObject({ accesses: 2, hits: 1, misses: 1 });
    expect(c.l1d[1]!.stats.get(0)).toMatchObject({ misses: 1 });
  });

  it('fetches use the L1I, loads and stores the L1D', () => {
    const c = model({ sets: 4, ways: 4 });
    c.access(0, 0, A, 4, 0, 0);
    c.access(0, LOAD, A, 4, 0, 0);
    expect(c.stats('l1i', 0)).toMatchObject({ accesses: 1, misses: 1 });
    expect(c.stats('l1d', 0)).toMatchObject({ accesses: 1, misses: 1 });
    expect(c.stats('llc', 0)).toMatchObject({ accesses: 2, hits: 1 });
  });
});

describe('write-back, write-allocate', () => {
  it('a store allocates a dirty line; evicting it writes it back into the LLC', () => {
    const c = model({ sets: 1, ways: 2 });
    run(c, [0, 1], STORE, 3);
    expect(c.lines('hart0.l1d').every((l) => l.dirty)).toBe(true);
    expect(c.stats('l1d', 3).writebacks).toBe(0);
    run(c, [2], LOAD, 3);
    expect(c.stats('l1d', 3)).toMatchObject({ evictions: 1, writebacks: 1 });
    // LLC: 3 line reads + 1 write-back (a hit: the line was filled when the store missed).
    expect(c.stats('llc', 3)).toMatchObject({ accesses: 4, hits: 1, misses: 3 });
    expect(c.lines('llc').find((l) => l.pa === L(0))!.dirty).toBe(true);
  });

  it('evictions and write-backs count for the ASID of the line that leaves', () => {
    const c = model({ sets: 1, ways: 1 });
    run(c, [0], STORE, 1);
    run(c, [1], LOAD, 2);
    expect(c.stats('l1d', 1)).toMatchObject({ evictions: 1, writebacks: 1 });
    expect(c.stats('l1d', 2)).toMatchObject({ evictions: 0, writebacks: 0, misses: 1 });
  });

  it('dirty LLC victims are written back to memory', () => {
    const c = new CacheModel(resolveCacheConfig({ l1d: { sets: 1, ways: 1 }, llc: { sets: 1, ways: 1 } }), 1);
    run(c, [0], STORE); // LLC: 0 clean; L1: 0 dirty
    run(c, [1], LOAD); // LLC: 1 replaces 0; L1's dirty 0 written into the LLC replaces 1 (allocated dirty)
    run(c, [2], LOAD); // LLC: 2 replaces the dirty 0, written to memory
    expect(c.stats('llc', 0)).toMatchObject({ accesses: 4, misses: 4, evictions: 3, writebacks: 1 });
  });
});

describe('cbo and invalidate-all', () => {
  it('cbo.clean writes a dirty line back and keeps it; cbo.flush writes back and drops it', () => {
    const c = model({ sets: 4, ways: 4 });
    run(c, [0], STORE, 1);
    expect(c.cbo('clean', L(0) + 5, 1, 0)).toBe(2); // L1D and LLC copies
    expect(c.stats('l1d', 1).writebacks).toBe(1);
    expect(c.lines('hart0.l1d')[0]!.dirty).toBe(false);
    run(c, [0], LOAD, 1);
    expect(c.stats('l1d', 1).hits).toBe(1);
    run(c, [0], STORE, 1);
    c.cbo('flush', L(0), 1, 0);
    expect(c.stats('l1d', 1).writebacks).toBe(2);
    expect(c.lines('hart0.l1d')).toHaveLength(0);
    expect(c.lines('llc')).toHaveLength(0);
    run(c, [0], LOAD, 1);
    expect(c.stats('l1d', 1).misses).toBe(2);
  });

  it('cbo.inval drops a dirty line without write-back (a discard)', () => {
    const c = model({ sets: 4, ways: 4 });
    run(c, [0], STORE, 1);
    c.cbo('inval', L(0), 1, 0);
    expect(c.stats('l1d', 1)).toMatchObject({ writebacks: 0, discards: 1 });
    expect(c.lines('hart0.l1d')).toHaveLength(0);
  });

  it('cbo acts only on the line of its own (ASID, enc)', () => {
    const c = model({ sets: 4, ways: 4 });
    run(c, [0], STORE, 1);
    expect(c.cbo('flush', L(0), 2, 0)).toBe(0);
    expect(c.cbo('flush', L(0), 1, 1)).toBe(0);
    expect(c.lines('hart0.l1d')).toHaveLength(1);
  });

  it('invalidateAll drops every line of every ASID without write-back', () => {
    const c = model({ sets: 4, ways: 4 });
    run(c, [0, 1], STORE, 1);
    run(c, [2], LOAD, 2);
    const r = c.invalidateAll();
    expect(r).toEqual({ lines: 6, dirty: 2 });
    expect(c.caches.every((x) => x.validCount() === 0)).toBe(true);
    expect(c.stats('l1d', 1)).toMatchObject({ writebacks: 0, discards: 2 });
  });
});

describe('snapshot and view', () => {
  it('restore brings back lines, replacement order and statistics', () => {
    const c = model({ sets: 1, ways: 2 }, 'random', { seed: 3 });
    run(c, [0, 1, 2, 3], STORE);
    const s = c.snapshot();
    const seq = [4, 0, 5, 1, 6, 2, 7];
    run(c, seq);
    const after = JSON.stringify(c.viewState());
    c.restore(s);
    run(c, seq);
    expect(JSON.stringify(c.viewState())).toBe(after);
  });

  it('viewState is JSON-safe', () => {
    const c = model({ sets: 2, ways: 2 });
    run(c, [0, 1, 2], STORE, 1);
    const v = c.viewState();
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });
});
