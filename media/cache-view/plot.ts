/**
 * The cache view's plot as markup: two SVG charts (hits, misses) with one line per ASID in the grid
 * legend's colours (CSS classes a0..a7, theme variables in style.css), axes with labels, and a table
 * of the latest numbers as the text alternative for screen readers. Plain strings, no chart library.
 */
import { LEVEL_LABEL, type CacheLevelName, type PlotMode, type StatsSample } from '../protocol';
import { compact, layoutChart, seriesOf, type Metric } from './plot-model';

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const asidClass = (asid: number): string => `a${asid % 8}`;

export interface PlotOptions {
  level: CacheLevelName;
  mode: PlotMode;
  /** Width of one chart in px. */
  width: number;
  height?: number;
  /** "host", a guest's name, or "VMID n". */
  name: (asid: number) => string;
}

const METRIC_TITLE: Record<Metric, string> = { hits: 'Hits', misses: 'Misses' };

/** Charts and table for `history`, or a message saying why there is no plot yet. */
export function plotBody(history: readonly StatsSample[], o: PlotOptions): string {
  const level = LEVEL_LABEL[o.level];
  if (history.length < 2) {
    const why = history.length === 0
      ? 'No statistics yet: the plot starts at the first stop seen while this view is open.'
      : `One stop seen so far (stop ${history[0]!.stop}): the plot needs two. Step or continue to see hits and misses per ASID over time.`;
    return `<p class="plot-empty"><span class="codicon codicon-graph-line"></span> ${esc(why)}</p>${table(history, o)}`;
  }
  const any = history.some((s) => Object.keys(s.levels[o.level] ?? {}).length > 0);
  if (!any) return `<p class="plot-empty"><span class="codicon codicon-graph-line"></span> No ${level} accesses in the ${history.length} stops seen.</p>`;
  return `<div class="charts">${chart(history, 'hits', o)}${chart(history, 'misses', o)}</div>${table(history, o)}`;
}

function chart(history: readonly StatsSample[], metric: Metric, o: PlotOptions): string {
  const series = seriesOf(history, o.level, metric, o.mode);
  const L = layoutChart(series, o.mode, o.width, o.height ?? 150);
  const { area } = L;
  const what = `${METRIC_TITLE[metric]} at ${LEVEL_LABEL[o.level]} per ASID, ${o.mode === 'total' ? 'running totals' : 'since the previous stop'}, stops ${history[0]!.stop} to ${history[history.length - 1]!.stop}`;
  const grid = L.yTicks.map((t) => `<line class="gridline" x1="${area.left}" x2="${area.right}" y1="${t.y}" y2="${t.y}"/><text class="tick" x="${area.left - 6}" y="${t.y}" text-anchor="end" dominant-baseline="middle">${compact(t.value)}</text>`).join('');
  const xTicks = L.xTicks.map((t) => `<line class="axis" x1="${t.x}" x2="${t.x}" y1="${area.bottom}" y2="${area.bottom + 4}"/><text class="tick" x="${t.x}" y="${area.bottom + 15}" text-anchor="middle">${t.value}</text>`).join('');
  // Markers only while they stay apart; each has a tooltip with its numbers.
  const markers = (L.lines[0]?.points.length ?? 0) <= 60;
  const lines = L.lines.map((l) => {
    const who = `ASID ${l.asid} (${o.name(l.asid)})`;
    const dots = markers ? l.points.map((p) => `<circle class="marker ${asidClass(l.asid)}" cx="${p.x}" cy="${p.y}" r="2.5"><title>${esc(`${who}, stop ${p.point.stop}: ${p.point.value} ${metric}${p.point.from !== undefined ? ` since stop ${p.point.from}` : ''}`)}</title></circle>`).join('') : '';
    return `<g class="series ${asidClass(l.asid)}" data-asid="${l.asid}"><path d="${l.d}"><title>${esc(`${who}: ${metric}`)}</title></path>${dots}</g>`;
  }).join('');
  return `<svg class="chart" data-metric="${metric}" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" role="img" aria-label="${esc(what)}" aria-describedby="plot-table">
    <title>${esc(what)}</title>
    ${grid}
    <line class="axis" x1="${area.left}" x2="${area.right}" y1="${area.bottom}" y2="${area.bottom}"/>
    <line class="axis" x1="${area.left}" x2="${area.left}" y1="${area.top}" y2="${area.bottom}"/>
    ${xTicks}
    <text class="axis-title" x="${(area.left + area.right) / 2}" y="${L.height - 3}" text-anchor="middle">stop</text>
    <text class="axis-title" transform="translate(11 ${(area.top + area.bottom) / 2}) rotate(-90)" text-anchor="middle">${metric}${o.mode === 'delta' ? ' since previous stop' : ''}</text>
    ${lines}
  </svg>`;
}

/** The latest numbers per ASID, and the change since the sample before: the plot in words. */
function table(history: readonly StatsSample[], o: PlotOptions): string {
  const last = history[history.length - 1];
  if (last === undefined) return '';
  const prev = history[history.length - 2];
  const rows = Object.entries(last.levels[o.level] ?? {}).sort(([a], [b]) => Number(a) - Number(b)).map(([a, n]) => {
    const p = prev?.levels[o.level]?.[a] ?? { hits: 0, misses: 0 };
    const acc = n.hits + n.misses;
    const rate = acc ? `${((100 * n.hits) / acc).toFixed(1)}%` : '-';
    const since = prev ? [signed(n.hits - p.hits), signed(n.misses - p.misses)] : ['-', '-'];
    return `<tr><th scope="row">${a}</th><td>${esc(o.name(Number(a)))}</td><td>${n.hits}</td><td>${n.misses}</td><td>${rate}</td><td>${since[0]}</td><td>${since[1]}</td></tr>`;
  });
  return `<table id="plot-table" class="sr-only">
    <caption>${esc(`${LEVEL_LABEL[o.level]} hits and misses per ASID at stop ${last.stop}${prev ? `, and since stop ${prev.stop}` : ''}`)}</caption>
    <thead><tr><th scope="col">ASID</th><th scope="col">VM</th><th scope="col">hits</th><th scope="col">misses</th><th scope="col">hit rate</th><th scope="col">hits since previous stop</th><th scope="col">misses since previous stop</th></tr></thead>
    <tbody>${rows.join('') || '<tr><td colspan="7">no accesses yet</td></tr>'}</tbody>
  </table>`;
}

const signed = (n: number): string => (n >= 0 ? `+${n}` : String(n));
