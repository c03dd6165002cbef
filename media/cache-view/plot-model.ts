/**
 * The cache view's plot as numbers: from the history of hit and miss counters (one sample per stop,
 * src/views/cache-history.ts) to one series per ASID, and from series to pixel coordinates, ticks and
 * SVG path data. No DOM here: plot.ts turns this into SVG, and the unit tests check it directly.
 */
import type { CacheLevelName, PlotMode, StatsSample } from '../protocol';

export type Metric = 'hits' | 'misses';

/** One value of a series: at `stop`; a 'delta' value counts what happened after stop `from`. */
export interface Point {
  stop: number;
  from?: number;
  value: number;
}

export interface Series {
  asid: number;
  points: Point[];
}

/** The ASIDs with counters at `level` anywhere in the history, ascending. */
export function asidsAt(history: readonly StatsSample[], level: CacheLevelName): number[] {
  const set = new Set<number>();
  for (const s of history) for (const a of Object.keys(s.levels[level] ?? {})) set.add(Number(a));
  return [...set].sort((a, b) => a - b);
}

/**
 * One series per ASID at `level`. 'total': the counter at each stop (0 before the ASID's first
 * access). 'delta': the increase since the previous sample, from the second sample on; a decrease
 * (reverse execution restored older counters) counts as 0.
 */
export function seriesOf(history: readonly StatsSample[], level: CacheLevelName, metric: Metric, mode: PlotMode): Series[] {
  const at = (s: StatsSample, asid: number): number => s.levels[level]?.[String(asid)]?.[metric] ?? 0;
  return asidsAt(history, level).map((asid) => ({
    asid,
    points: mode === 'total'
      ? history.map((s) => ({ stop: s.stop, value: at(s, asid) }))
      : history.slice(1).map((s, i) => ({ stop: s.stop, from: history[i]!.stop, value: Math.max(0, at(s, asid) - at(history[i]!, asid)) })),
  }));
}

/**
 * Round tick values covering lo..hi (integers: counts and stop numbers), about `count` intervals:
 * steps of 1, 2, 2.5 or 5 times a power of ten, whole numbers only. The first tick is at or below lo,
 * the last at or above hi.
 */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  // 2.5 only where it makes whole numbers (25, 250, ...).
  const step = Math.max(1, ([1, 2, 2.5, 5, 10].find((f) => f >= norm && Number.isInteger(f * mag)) ?? 10) * mag);
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let t = first; t < hi + step; t += step) {
    ticks.push(Number(t.toPrecision(12)));
    if (t >= hi) break;
  }
  return ticks;
}

/** 1234 -> "1.2k", 5600000 -> "5.6M": tick labels that fit a narrow axis. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a < 1000) return String(Math.round(n * 100) / 100);
  const [d, unit] = a < 1e6 ? [1e3, 'k'] : a < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  const v = n / d;
  return `${Math.abs(v) < 10 ? Number(v.toFixed(1)) : Math.round(v)}${unit}`;
}

export interface ChartLayout {
  width: number;
  height: number;
  /** The plot area inside the axes. */
  area: { left: number; top: number; right: number; bottom: number };
  xTicks: { value: number; x: number }[];
  yTicks: { value: number; y: number }[];
  lines: { asid: number; d: string; points: { x: number; y: number; point: Point }[] }[];
}

/** Space for tick labels and axis titles, in px. */
export const MARGIN = { left: 52, right: 12, top: 10, bottom: 34 } as const;

/**
 * Pixel geometry of a chart `width` x `height`: x from the first to the last stop (the start of a
 * delta's interval counts), y from 0 to the top tick. 'total' series are lines through the samples;
 * 'delta' series are steps, flat over the stops each value covers.
 */
export function layoutChart(series: readonly Series[], mode: PlotMode, width: number, height: number): ChartLayout {
  const area = { left: MARGIN.left, top: MARGIN.top, right: Math.max(MARGIN.left + 1, width - MARGIN.right), bottom: Math.max(MARGIN.top + 1, height - MARGIN.bottom) };
  const pts = series.flatMap((s) => s.points);
  const stops = pts.flatMap((p) => (p.from === undefined ? [p.stop] : [p.from, p.stop]));
  const x0 = stops.length ? Math.min(...stops) : 0;
  const x1 = stops.length ? Math.max(...stops) : 1;
  const yTickValues = niceTicks(0, Math.max(0, ...pts.map((p) => p.value)), 4);
  const yTop = yTickValues[yTickValues.length - 1]!;
  const x = (stop: number): number => round(x1 === x0 ? (area.left + area.right) / 2 : area.left + ((stop - x0) / (x1 - x0)) * (area.right - area.left));
  const y = (v: number): number => round(area.bottom - (v / yTop) * (area.bottom - area.top));
  // Stop ticks inside the range only (the axis starts at the first stop, not at a round number).
  const xTicks = niceTicks(x0, x1, Math.max(2, Math.min(8, Math.floor((area.right - area.left) / 70)))).filter((t) => t >= x0 && t <= x1 && Number.isInteger(t));
  const lines = series.map((s) => {
    let d = '';
    for (const [i, p] of s.points.entries()) {
      if (mode === 'delta' && p.from !== undefined) d += `${i === 0 ? `M${x(p.from)},${y(p.value)}` : `V${y(p.value)}`}H${x(p.stop)}`;
      else d += `${i === 0 ? 'M' : 'L'}${x(p.stop)},${y(p.value)}`;
    }
    return { asid: s.asid, d, points: s.points.map((point) => ({ x: x(point.stop), y: y(point.value), point })) };
  });
  return {
    width, height, area,
    xTicks: xTicks.map((value) => ({ value, x: x(value) })),
    yTicks: yTickValues.map((value) => ({ value, y: y(value) })),
    lines,
  };
}

const round = (v: number): number => Math.round(v * 10) / 10;
