/**
 * The cache view's plot model: the bounded history the extension host keeps (src/views/cache-history.ts),
 * one series per ASID, and the scaling from counts and stops to pixels (media/cache-view/plot-model.ts),
 * and the markup built from it (media/cache-view/plot.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CacheState, CacheStateResponse, StatsSample } from '../../../media/protocol';
import { asidsAt, compact, layoutChart, MARGIN, niceTicks, seriesOf } from '../../../media/cache-view/plot-model';
import { plotBody } from '../../../media/cache-view/plot';
import { describePlace, locate } from '../../../media/cache-view/locate';
import { sampleOf, StatsHistory } from '../../../src/views/cache-history';

const stats = (hits: number, misses: number) => ({ accesses: hits + misses, hits, misses, evictions: 0, writebacks: 0, discards: 0 });

function cache(name: string, level: CacheState['level'], s: Record<string, [number, number]>, hart?: number): CacheState {
  return {
    name, level, ...(hart !== undefined ? { hart } : {}), sets: 64, ways: 4, line: 64, replacement: 'lru', lines: [],
    stats: Object.fromEntries(Object.entries(s).map(([a, [h, m]]) => [a, stats(h, m)])),
  };
}

/** A sample by hand: level -> asid -> [hits, misses]. */
function sample(stop: number, levels: Partial<Record<CacheState['level'], Record<string, [number, number]>>>): StatsSample {
  const of = (l: CacheState['level']) => Object.fromEntries(Object.entries(levels[l] ?? {}).map(([a, [hits, misses]]) => [a, { hits, misses }]));
  return { stop, levels: { l1i: of('l1i'), l1d: of('l1d'), llc: of('llc') } };
}

describe('sampleOf', () => {
  it('sums the L1s of all harts per level and ASID, and keeps the LLC apart', () => {
    const state: CacheStateResponse = {
      caches: [
        cache('hart0.l1i', 'l1i', { 0: [10, 2] }, 0), cache('hart1.l1i', 'l1i', { 0: [5, 1], 1: [7, 3] }, 1),
        cache('hart0.l1d', 'l1d', { 1: [4, 4] }, 0), cache('hart1.l1d', 'l1d', {}, 1),
        cache('llc', 'llc', { 0: [1, 2], 2: [0, 9] }),
      ],
      asids: [0, 1, 2], names: {},
    };
    expect(sampleOf(3, state)).toEqual({
      stop: 3,
      levels: { l1i: { 0: { hits: 15, misses: 3 }, 1: { hits: 7, misses: 3 } }, l1d: { 1: { hits: 4, misses: 4 } }, llc: { 0: { hits: 1, misses: 2 }, 2: { hits: 0, misses: 9 } } },
    });
  });
});

describe('StatsHistory', () => {
  it('keeps the last `limit` stops, oldest first', () => {
    const h = new StatsHistory(200);
    for (let stop = 1; stop <= 250; stop++) h.add(sample(stop, { llc: { 0: [stop, 0] } }));
    expect(h.samples).toHaveLength(200);
    expect(h.samples[0]!.stop).toBe(51);
    expect(h.samples[199]!.stop).toBe(250);
  });

  it('replaces the sample of a stop read again (a refresh between stops) instead of adding one', () => {
    const h = new StatsHistory(5);
    h.add(sample(1, {}));
    h.add(sample(2, { llc: { 0: [1, 1] } }));
    h.add(sample(2, { llc: { 0: [1, 1] } }));
    expect(h.samples.map((s) => s.stop)).toEqual([1, 2]);
  });
});

describe('seriesOf', () => {
  const history = [
    sample(1, { llc: { 0: [10, 5] } }),
    sample(2, { llc: { 0: [12, 6], 2: [1, 4] } }),
    sample(4, { llc: { 0: [20, 6], 2: [3, 9] }, l1d: { 1: [2, 2] } }),
  ];

  it('has one series per ASID seen at that level, counting 0 before its first access', () => {
    expect(asidsAt(history, 'llc')).toEqual([0, 2]);
    expect(asidsAt(history, 'l1d')).toEqual([1]);
    expect(asidsAt(history, 'l1i')).toEqual([]);
    const s = seriesOf(history, 'llc', 'misses', 'total');
    expect(s.map((x) => x.asid)).toEqual([0, 2]);
    expect(s[1]!.points).toEqual([{ stop: 1, value: 0 }, { stop: 2, value: 4 }, { stop: 4, value: 9 }]);
  });

  it("'delta': the increase since the previous sample, over the stops it covers", () => {
    const s = seriesOf(history, 'llc', 'hits', 'delta');
    expect(s[0]!.points).toEqual([{ stop: 2, from: 1, value: 2 }, { stop: 4, from: 2, value: 8 }]);
    expect(s[1]!.points).toEqual([{ stop: 2, from: 1, value: 1 }, { stop: 4, from: 2, value: 2 }]);
  });

  it("'delta' counts a decrease (counters restored by reverse execution) as 0", () => {
    const back = [sample(1, { llc: { 0: [10, 5] } }), sample(2, { llc: { 0: [4, 2] } })];
    expect(seriesOf(back, 'llc', 'hits', 'delta')[0]!.points[0]!.value).toBe(0);
  });
});

describe('scaling', () => {
  it('niceTicks: round steps covering the range, integers for counts and stops', () => {
    expect(niceTicks(0, 0)).toEqual([0, 1]);
    expect(niceTicks(0, 3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 9)).toEqual([0, 5, 10]);
    expect(niceTicks(0, 90)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0, 95)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0, 1234)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(7, 12, 5)).toEqual([7, 8, 9, 10, 11, 12]);
    for (const [lo, hi] of [[0, 1], [0, 17], [3, 250], [0, 7_654_321]] as const) {
      const t = niceTicks(lo, hi);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(hi);
      expect(t.length).toBeLessThanOrEqual(7);
      expect(t.every(Number.isInteger)).toBe(true);
    }
  });

  it('compact labels', () => {
    expect([compact(0), compact(999), compact(1234), compact(15_000), compact(5_600_000)]).toEqual(['0', '999', '1.2k', '15k', '5.6M']);
  });

  it('maps the first and last stop to the edges, 0 to the bottom and the largest value below the top tick', () => {
    const series = seriesOf([sample(3, { llc: { 0: [0, 0], 1: [40, 0] } }), sample(5, { llc: { 0: [10, 0], 1: [95, 0] } })], 'llc', 'hits', 'total');
    const L = layoutChart(series, 'total', 400, 150);
    expect(L.area).toEqual({ left: MARGIN.left, top: MARGIN.top, right: 400 - MARGIN.right, bottom: 150 - MARGIN.bottom });
    const a0 = L.lines[0]!.points;
    expect(a0[0]).toMatchObject({ x: L.area.left, y: L.area.bottom });
    expect(a0[1]!.x).toBe(L.area.right);
    expect(L.yTicks.map((t) => t.value)).toEqual([0, 25, 50, 75, 100]);
    expect(L.yTicks[L.yTicks.length - 1]!.y).toBe(L.area.top);
    const top = L.lines[1]!.points[1]!.y; // 95 of 100
    expect(top).toBeGreaterThan(L.area.top);
    expect(top).toBeLessThan(L.area.top + 0.1 * (L.area.bottom - L.area.top));
    expect(L.xTicks.map((t) => t.value)).toEqual([3, 4, 5]);
    expect(L.lines[0]!.d).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
  });

  it("draws 'delta' series as steps that start at the previous stop", () => {
    const h = [sample(1, { llc: { 0: [0, 0] } }), sample(2, { llc: { 0: [5, 0] } }), sample(6, { llc: { 0: [6, 0] } })];
    const L = layoutChart(seriesOf(h, 'llc', 'hits', 'delta'), 'delta', 300, 100);
    expect(L.lines[0]!.d).toMatch(/^M52,[\d.]+H[\d.]+V[\d.]+H288$/);
  });

  it('a single stop sits in the middle', () => {
    const L = layoutChart(seriesOf([sample(9, { llc: { 0: [1, 1] } })], 'llc', 'hits', 'total'), 'total', 300, 100);
    expect(L.lines[0]!.points[0]!.x).toBe((L.area.left + L.area.right) / 2);
  });
});

describe('plotBody', () => {
  const name = (a: number) => (a === 0 ? 'host' : `guest-${a}`);
  const o = { level: 'llc' as const, mode: 'total' as const, width: 400, name };

  it('says why there is no plot with no or one stop, with the table for screen readers', () => {
    expect(plotBody([], o)).toContain('No statistics yet');
    const one = plotBody([sample(4, { llc: { 1: [3, 1] } })], o);
    expect(one).toContain('One stop seen so far (stop 4)');
    expect(one).not.toContain('<svg');
    expect(one).toMatch(/<table id="plot-table" class="sr-only">[\s\S]*<th scope="row">1<\/th><td>guest-1<\/td><td>3<\/td><td>1<\/td><td>75\.0%<\/td>/);
  });

  it('draws a hits and a misses chart with a series per ASID in the legend colour classes', () => {
    const html = plotBody([sample(1, { llc: { 0: [1, 1], 2: [0, 1] } }), sample(2, { llc: { 0: [5, 2], 2: [1, 3], 9: [1, 0] } })], o);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect([...html.matchAll(/<g class="series (a\d)" data-asid="(\d+)"/g)].map((m) => `${m[2]}:${m[1]}`)).toEqual(['0:a0', '2:a2', '9:a1', '0:a0', '2:a2', '9:a1']);
    expect(html).toContain('>stop</text>');
    expect(html).toMatch(/role="img" aria-label="Hits at LLC per ASID, running totals, stops 1 to 2"/);
    expect(html).toContain('<td>+4</td><td>+1</td>'); // host: hits and misses since stop 1
  });

  it('says so when the level had no accesses', () => {
    expect(plotBody([sample(1, { llc: { 0: [1, 1] } }), sample(2, { llc: { 0: [1, 1] } })], { ...o, level: 'l1i' })).toContain('No L1I accesses in the 2 stops seen');
  });

  it('escapes guest names', () => {
    expect(plotBody([sample(1, { llc: { 1: [1, 1] } }), sample(2, { llc: { 1: [2, 1] } })], { ...o, name: () => '<b>&' })).not.toContain('<b>&');
  });
});

describe('locate', () => {
  it('finds the ways of every cache holding the line of an address, and the set it maps to', () => {
    const c = cache('llc', 'llc', {});
    c.lines = [{ set: 1, way: 2, pa: 0x80000040, asid: 1, enc: 0, dirty: false }, { set: 1, way: 0, pa: 0x80000040, asid: 2, enc: 1, dirty: true }, { set: 2, way: 0, pa: 0x80000080, asid: 0, enc: 0, dirty: false }];
    const [p] = locate([c], 0x8000007f);
    expect(p).toEqual({ index: 0, cache: 'llc', set: 1, ways: [{ way: 0, asid: 2 }, { way: 2, asid: 1 }] });
    expect(describePlace(p!)).toBe('llc set 1 way 0 (ASID 2), way 2 (ASID 1)');
    expect(describePlace(locate([c], 0x90000000)[0]!)).toBe('llc: not cached (set 0)');
  });
});
