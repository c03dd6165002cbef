/**
 * The cache view's webview: one tab per cache (vscode-tabs), a grid of sets x ways coloured by ASID,
 * a detail pane for the selected line, and a per-ASID statistics table (vscode-table). Keyboard: the
 * grid is one tab stop (roving tabindex); arrows move between lines, Home/End to the set's first/last
 * way, PageUp/PageDown by 16 sets. Below the tabs, a plot of hits and misses per ASID over the stops
 * (plot.ts; the history comes with each state from the extension host, which keeps it across reloads).
 * "Show Cache Line For Address" marks the lines of one physical address (locate.ts). Messages are
 * typed and checked in media/protocol.ts, shared with the extension; a malformed one is logged.
 */
import '@vscode/codicons/dist/codicon.css';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import './style.css';
import { acceptMessage, CACHE_LEVELS, LEVEL_LABEL, parseToWebview, type AddressTarget, type CacheState, type FromWebview, type PersistedState, type PlotMode, type ToWebview } from '../protocol';
import { describePlace, locate } from './locate';
import { asidClass as colour, esc, plotBody } from './plot';

interface VsCodeApi {
  postMessage(m: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(s: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let persisted: PersistedState = vscode.getState() ?? { tab: 0, selected: {} };
const app = document.getElementById('app')!;
let current: Extract<ToWebview, { type: 'state' }> | undefined;

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function save(p: Partial<PersistedState>): void {
  persisted = { ...persisted, ...p };
  vscode.setState(persisted);
}

function asidName(asid: number): string {
  if (asid === 0) return 'host';
  return current?.state.names[String(asid)] ?? `VMID ${asid}`;
}

function show(m: ToWebview): void {
  if (m.type === 'highlight') return mark(m.target ?? undefined);
  if (m.type === 'running') {
    document.querySelector('.status')?.classList.add('running');
    const s = document.querySelector('.status');
    if (s) s.textContent = `${s.textContent?.replace(/ \(running.*\)$/, '')} (running: shown as at the last stop)`;
    return;
  }
  save({ last: m });
  if (m.type === 'idle') {
    current = undefined;
    app.innerHTML = `<p class="idle"><span class="codicon codicon-info"></span> ${esc(m.message)}</p>`;
    return;
  }
  current = m;
  // Re-rendering replaces the grids: keep where each was scrolled to.
  const scroll = new Map([...document.querySelectorAll<HTMLElement>('.grid-wrap')].map((w) => [w.dataset.cache, w.scrollTop]));
  render();
  // After the tabs have shown their panel (a hidden element does not scroll).
  requestAnimationFrame(() => {
    for (const w of document.querySelectorAll<HTMLElement>('.grid-wrap')) w.scrollTop = scroll.get(w.dataset.cache) ?? 0;
  });
}

function render(): void {
  const m = current!;
  const { caches, asids } = m.state;
  const tab = Math.min(persisted.tab, caches.length - 1);
  const legend = asids.map((a) => `<span><span class="swatch ${colour(a)}"></span>ASID ${a} (${esc(asidName(a))})</span>`).join('');
  app.innerHTML = `
    <header>
      <span class="status">${esc(m.session)}: stop ${m.stop}, ${m.stop <= 1 ? 'the first stop seen' : `${m.changed.length} line${m.changed.length === 1 ? '' : 's'} changed since the previous stop`}</span>
      <span class="legend" aria-label="ASID colours">${legend}<span><span class="swatch"></span>invalid</span></span>
      <vscode-button id="refresh" secondary><span class="codicon codicon-refresh"></span> Refresh</vscode-button>
    </header>
    ${targetBanner()}
    <vscode-tabs selected-index="${tab}">
      ${caches.map((c) => `<vscode-tab-header slot="header">${LEVEL_LABEL[c.level]}${c.hart !== undefined ? ` hart ${c.hart}` : ''}</vscode-tab-header>
      <vscode-tab-panel>${panel(c)}</vscode-tab-panel>`).join('')}
    </vscode-tabs>
    ${plotSection()}`;
  document.getElementById('refresh')!.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  document.getElementById('clear-target')?.addEventListener('click', () => mark(undefined));
  document.querySelector('vscode-tabs')!.addEventListener('vsc-tabs-select', (e) => save({ tab: (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex }));
  for (const c of caches) wireGrid(c);
  wirePlot();
}

// ---- "Show Cache Line For Address": the lines of one physical address, marked until cleared. ----

/** Marks `target` (or clears the mark) and shows the first cache that holds it. */
function mark(target: AddressTarget | undefined): void {
  save({ highlight: target });
  if (!current) return;
  if (target) {
    const places = locate(current.state.caches, target.pa);
    const holding = places.filter((p) => p.ways.length > 0);
    const shown = holding.find((p) => p.index === persisted.tab) ?? holding[0];
    if (shown) save({ tab: shown.index, selected: { ...persisted.selected, [shown.cache]: `${shown.set}:${shown.ways[0]!.way}` } });
  }
  show(current);
  if (!target) return;
  // Scroll the shown cache's grid to the line (or to the set it would be in), after show()'s own
  // scroll restoring.
  const c = current.state.caches[Math.min(persisted.tab, current.state.caches.length - 1)];
  const grid = c && document.querySelector<HTMLElement>(`.grid[data-cache="${CSS.escape(c.name)}"]`);
  const spot = grid?.querySelector<HTMLElement>('.cell.target.selected') ?? grid?.querySelector<HTMLElement>('.setno.target-set');
  requestAnimationFrame(() => requestAnimationFrame(() => spot?.scrollIntoView({ block: 'center', inline: 'nearest' })));
}

function targetBanner(): string {
  const t = persisted.highlight;
  if (!t || !current) return '';
  const places = locate(current.state.caches, t.pa);
  const held = places.filter((p) => p.ways.length > 0);
  const where = held.length ? held.map(describePlace).join('; ') : `not in any cache (it would be in set ${[...new Set(places.map((p) => p.set))].join(' / ')})`;
  const pa = `phys:${hex(t.pa)}`;
  return `<div class="target-banner" role="status"><span class="codicon codicon-location"></span>
    <span class="target-text"><b>${esc(pa)}</b>${t.label === pa ? '' : ` (${esc(t.label)})`}: ${esc(where)}</span>
    <vscode-button id="clear-target" secondary>Clear</vscode-button></div>`;
}

/** Whether a line of cache `c` holds the marked address. */
function isTarget(c: CacheState, pa: number): boolean {
  const t = persisted.highlight;
  return t !== undefined && Math.floor(pa / c.line) === Math.floor((t.pa >>> 0) / c.line);
}

// ---- The plot of hits and misses per ASID over the stops. ----

/** The plot's level and mode: the LLC (where every ASID meets) and running totals at first. */
function plotChoice(): NonNullable<PersistedState['plot']> {
  return persisted.plot ?? { level: 'llc', mode: 'total' };
}

function plotSection(): string {
  const p = plotChoice();
  const radios = (name: string, options: [string, string][], value: string) => options.map(([v, label]) => `<vscode-radio name="${name}" value="${v}" ${v === value ? 'checked' : ''}>${label}</vscode-radio>`).join('');
  return `<section class="plot" aria-labelledby="plot-title">
    <h3 id="plot-title">Hits and misses per ASID over the stops</h3>
    <div class="plot-controls">
      <span class="control"><span id="plot-level-label">Level</span>
      <vscode-radio-group id="plot-level" aria-labelledby="plot-level-label">${radios('plot-level', CACHE_LEVELS.map((l) => [l, LEVEL_LABEL[l]]), p.level)}</vscode-radio-group></span>
      <span class="control"><span id="plot-mode-label">Show</span>
      <vscode-radio-group id="plot-mode" aria-labelledby="plot-mode-label">${radios('plot-mode', [['total', 'running totals'], ['delta', 'since the previous stop']], p.mode)}</vscode-radio-group></span>
    </div>
    <div id="plot-body"></div>
  </section>`;
}

/** Draws the charts for the section's width (again when the view is resized). */
function renderPlot(): void {
  const body = document.getElementById('plot-body');
  if (!body || !current) return;
  const p = plotChoice();
  const width = body.clientWidth || 600;
  // Side by side when there is room, else one above the other.
  const chartWidth = Math.max(220, Math.floor(width >= 760 ? (width - 16) / 2 : width));
  body.innerHTML = plotBody(current.history, { level: p.level, mode: p.mode, width: chartWidth, name: asidName });
}

let plotWidth = 0;
const resize = new ResizeObserver((entries) => {
  const w = Math.round(entries[0]?.contentRect.width ?? 0);
  if (w !== plotWidth) {
    plotWidth = w;
    renderPlot();
  }
});

function wirePlot(): void {
  const body = document.getElementById('plot-body')!;
  resize.disconnect();
  plotWidth = 0;
  resize.observe(body);
  renderPlot();
  const pick = (id: string, apply: (v: string) => void) => document.getElementById(id)!.addEventListener('change', (e) => {
    const v = (e.target as HTMLInputElement).value;
    if (v) apply(v);
    renderPlot();
  });
  pick('plot-level', (v) => save({ plot: { ...plotChoice(), level: v as CacheState['level'] } }));
  pick('plot-mode', (v) => save({ plot: { ...plotChoice(), mode: v as PlotMode } }));
}

function panel(c: CacheState): string {
  const changed = new Set(current!.changed);
  const bySlot = new Map(c.lines.map((l) => [l.set * c.ways + l.way, l]));
  const sel = parseSel(c);
  let cells = `<div class="row" role="row"><span></span>${Array.from({ length: c.ways }, (_, w) => `<span class="waysno" role="columnheader">${w}</span>`).join('')}</div>`;
  for (let set = 0; set < c.sets; set++) {
    const targetSet = persisted.highlight !== undefined && Math.floor((persisted.highlight.pa >>> 0) / c.line) % c.sets === set;
    cells += `<div class="row" role="row"><span class="setno${targetSet ? ' target-set' : ''}" role="rowheader"${targetSet ? ' title="the marked address maps to this set"' : ''}>${set}</span>`;
    for (let way = 0; way < c.ways; way++) {
      const l = bySlot.get(set * c.ways + way);
      const cls = ['cell', l ? colour(l.asid) : '', l?.dirty ? 'dirty' : '', changed.has(`${c.name}:${set}:${way}`) ? 'changed' : '', l && isTarget(c, l.pa) ? 'target' : '', sel.set === set && sel.way === way ? 'selected' : ''].filter(Boolean).join(' ');
      const title = l ? `set ${set} way ${way}: ${hex(l.pa)} ASID ${l.asid} (${asidName(l.asid)})${l.dirty ? ' dirty' : ''}${l.age !== undefined ? ` LRU age ${l.age}` : ''}${isTarget(c, l.pa) ? ' (the marked address)' : ''}` : `set ${set} way ${way}: invalid`;
      cells += `<span class="${cls}" role="gridcell" tabindex="${sel.set === set && sel.way === way ? 0 : -1}" data-set="${set}" data-way="${way}" title="${esc(title)}" aria-label="${esc(title)}"></span>`;
    }
    cells += '</div>';
  }
  const valid = c.lines.length;
  return `
    <div class="layout">
      <div>
        <div>${c.sets} sets x ${c.ways} ways, ${c.line}-byte lines, ${c.replacement.toUpperCase()}; ${valid} of ${c.sets * c.ways} lines valid</div>
        <div class="grid-wrap" data-cache="${esc(c.name)}"><div class="grid" role="grid" aria-label="${esc(c.name)}: sets x ways" data-cache="${esc(c.name)}">${cells}</div></div>
      </div>
      <div class="detail" data-detail="${esc(c.name)}">${detail(c, sel.set, sel.way)}</div>
    </div>
    <h3>Per-ASID statistics (${esc(c.name)})</h3>
    ${statsTable(c)}`;
}

function parseSel(c: CacheState): { set: number; way: number } {
  const s = persisted.selected[c.name];
  if (s) {
    const [set, way] = s.split(':').map(Number);
    if (set! < c.sets && way! < c.ways) return { set: set!, way: way! };
  }
  const first = c.lines[0];
  return first ? { set: first.set, way: first.way } : { set: 0, way: 0 };
}

function detail(c: CacheState, set: number, way: number): string {
  const l = c.lines.find((x) => x.set === set && x.way === way);
  const changed = current!.changed.includes(`${c.name}:${set}:${way}`);
  const rows: [string, string][] = l
    ? [['set / way', `${set} / ${way}`], ['physical address', hex(l.pa)], ['tag', hex(Math.floor(l.pa / (c.line * c.sets)))], ['ASID', `${l.asid} (${asidName(l.asid)})`], ['enc', String(l.enc)], ['dirty', l.dirty ? 'yes' : 'no'], ['LRU age', l.age === undefined ? '-' : `${l.age} (0 = most recent)`], ['changed', changed ? 'since the previous stop' : 'no']]
    : [['set / way', `${set} / ${way}`], ['valid', 'no'], ['changed', changed ? 'since the previous stop' : 'no']];
  return `<h3>Selected line</h3><dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('')}</dl>
    <div class="keys">Arrow keys move, Home/End: first/last way, PageUp/PageDown: 16 sets. Changed lines have an outline; dirty lines a corner mark; the line of a marked address a dashed frame.</div>`;
}

function statsTable(c: CacheState): string {
  // Short headings (the view is often a narrow side column); the header cells' titles spell them out.
  const cols: [string, string][] = [['ASID', 'ASID (0: host, else VMID)'], ['VM', 'guest name'], ['acc', 'accesses'], ['hit', 'hits'], ['miss', 'misses'], ['hit %', 'hit rate'], ['evict', 'evictions'], ['wb', 'write-backs'], ['disc', 'discards (dirty lines dropped without write-back)'], ['lines', 'valid lines now']];
  const rows = Object.entries(c.stats).sort(([a], [b]) => Number(a) - Number(b)).map(([a, s]) => {
    const asid = Number(a);
    const now = c.lines.filter((l) => l.asid === asid).length;
    const rate = s.accesses ? `${((100 * s.hits) / s.accesses).toFixed(1)}%` : '-';
    const vals = [s.accesses, s.hits, s.misses, rate, s.evictions, s.writebacks, s.discards, now];
    return `<vscode-table-row><vscode-table-cell><span class="swatch ${colour(asid)}"></span> ${asid}</vscode-table-cell><vscode-table-cell>${esc(asidName(asid))}</vscode-table-cell>${vals.map((v) => `<vscode-table-cell class="num">${v}</vscode-table-cell>`).join('')}</vscode-table-row>`;
  });
  return `<vscode-table class="stats" zebra bordered-rows columns='["52px","auto","64px","64px","64px","56px","52px","44px","44px","52px"]'>
    <vscode-table-header slot="header">${cols.map(([h, t]) => `<vscode-table-header-cell title="${t}">${h}</vscode-table-header-cell>`).join('')}</vscode-table-header>
    <vscode-table-body slot="body">${rows.join('') || '<vscode-table-row><vscode-table-cell>no accesses yet</vscode-table-cell></vscode-table-row>'}</vscode-table-body>
  </vscode-table>`;
}

function wireGrid(c: CacheState): void {
  const grid = document.querySelector<HTMLElement>(`.grid[data-cache="${CSS.escape(c.name)}"]`)!;
  grid.style.setProperty('grid-template-columns', `auto repeat(${c.ways}, 14px)`);
  const cellAt = (set: number, way: number) => grid.querySelector<HTMLElement>(`.cell[data-set="${set}"][data-way="${way}"]`);
  const select = (set: number, way: number, focus: boolean) => {
    const prev = grid.querySelector<HTMLElement>('.cell[tabindex="0"]');
    prev?.setAttribute('tabindex', '-1');
    prev?.classList.remove('selected');
    const cell = cellAt(set, way)!;
    cell.setAttribute('tabindex', '0');
    cell.classList.add('selected');
    if (focus) cell.focus();
    save({ selected: { ...persisted.selected, [c.name]: `${set}:${way}` } });
    document.querySelector(`.detail[data-detail="${CSS.escape(c.name)}"]`)!.innerHTML = detail(c, set, way);
  };
  grid.addEventListener('click', (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('.cell');
    if (t) select(Number(t.dataset.set), Number(t.dataset.way), true);
  });
  grid.addEventListener('keydown', (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('.cell');
    if (!t) return;
    let set = Number(t.dataset.set);
    let way = Number(t.dataset.way);
    switch (e.key) {
      case 'ArrowUp': set--; break;
      case 'ArrowDown': set++; break;
      case 'ArrowLeft': way--; break;
      case 'ArrowRight': way++; break;
      case 'Home': way = 0; break;
      case 'End': way = c.ways - 1; break;
      case 'PageUp': set -= 16; break;
      case 'PageDown': set += 16; break;
      default: return;
    }
    e.preventDefault();
    select(Math.max(0, Math.min(c.sets - 1, set)), Math.max(0, Math.min(c.ways - 1, way)), true);
  });
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = acceptMessage(e.data, parseToWebview, (error) => console.error(error));
  if (m) show(m);
});
// After a reload: what was shown last, until the extension answers 'ready' with the current state
// (checked: it may come from an older version of the view).
const restored = persisted.last && acceptMessage(persisted.last, parseToWebview, (error) => console.error(error));
if (restored) show(restored);
vscode.postMessage({ type: 'ready' });
