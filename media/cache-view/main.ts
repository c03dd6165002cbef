/**
 * The cache view's webview: one tab per cache (vscode-tabs), a grid of sets x ways coloured by ASID,
 * a detail pane for the selected line, and a per-ASID statistics table (vscode-table). Keyboard: the
 * grid is one tab stop (roving tabindex); arrows move the focus between lines, Home/End to the set's
 * first/last way, PageUp/PageDown by 16 sets, Enter or Space selects (a click too). The detail pane
 * shows the selected line's tag and its bytes, the cache's plaintext beside DRAM's ciphertext
 * (line-detail-view.ts), asked of the extension host at every stop; the selection follows its line,
 * and says so when the line has gone. Below the tabs, a plot of hits and misses per ASID over the
 * stops (plot.ts; the history comes with each state from the extension host, which keeps it across
 * reloads). "Show Cache Line For Address" marks the lines of one physical address (locate.ts).
 * Messages are typed and checked in media/protocol.ts and line-detail-protocol.ts, shared with the
 * extension; a malformed one is logged.
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
import { acceptMessage, CACHE_LEVELS, LEVEL_LABEL, parseToWebview, type AddressTarget, type CacheState, type PersistedState, type PlotMode, type ToWebview } from '../protocol';
import { follow, queryOf, type Followed } from './line-detail';
import { parseToCacheView, type CacheViewPersisted, type FromCacheView, type LineDetailReply } from './line-detail-protocol';
import { detailPane, type BytesState } from './line-detail-view';
import { describePlace, locate } from './locate';
import { asidClass as colour, esc, plotBody } from './plot';

interface VsCodeApi {
  postMessage(m: FromCacheView): void;
  getState(): CacheViewPersisted | undefined;
  setState(s: CacheViewPersisted): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let persisted: CacheViewPersisted = vscode.getState() ?? { tab: 0, selected: {} };
const app = document.getElementById('app')!;
let current: Extract<ToWebview, { type: 'state' }> | undefined;

const hex = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function save(p: Partial<CacheViewPersisted>): void {
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
  document.querySelector('vscode-tabs')!.addEventListener('vsc-tabs-select', (e) => {
    save({ tab: (e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex });
    askBytes(caches[persisted.tab]);
  });
  for (const c of caches) wireGrid(c);
  wirePlot();
  askBytes(caches[tab]);
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
    if (shown) {
      save({ tab: shown.index });
      remember(current.state.caches[shown.index]!, shown.set, shown.ways[0]!.way);
    }
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

// ---- The grid and the selected line's detail. ----

/** The selected line's bytes per cache name, for the state shown: the request and what came back. */
const bytes = new Map<string, { id: number; key: string; stop: number; state: BytesState }>();
let nextId = 1;

const tagKey = (c: CacheState, l: { pa: number; asid: number; enc: number }): string => `${l.pa >>> 0}/${l.asid}/${l.enc}/${c.line}`;

/** Selects the slot of `c` (and remembers its line's tag, to follow it across stops). */
function remember(c: CacheState, set: number, way: number): void {
  const l = c.lines.find((x) => x.set === set && x.way === way);
  const lines = { ...persisted.lines };
  if (l) lines[c.name] = { set, way, pa: l.pa >>> 0, asid: l.asid, enc: l.enc, stop: current?.stop ?? 0 };
  else delete lines[c.name];
  save({ selected: { ...persisted.selected, [c.name]: `${set}:${way}` }, lines });
}

/** The slot selected in `c` ("set:way"), else the first valid line. */
function parseSel(c: CacheState): { set: number; way: number } {
  const s = persisted.selected[c.name];
  if (s) {
    const [set, way] = s.split(':').map(Number);
    if (set! < c.sets && way! < c.ways) return { set: set!, way: way! };
  }
  const first = c.lines[0];
  return first ? { set: first.set, way: first.way } : { set: 0, way: 0 };
}

/** The selection of `c` in the shown state: its line followed from the stop it was selected at. */
function selection(c: CacheState): Followed {
  const f = follow(c.lines, parseSel(c), persisted.lines?.[c.name]);
  if (!f.gone) remember(c, f.set, f.way); // moved, adopted, or seen again at this stop
  return f;
}

/** What the pane shows of the bytes of the line selected in `c`. */
function bytesOf(c: CacheState, f: Followed): BytesState {
  if (!f.line || f.gone) return { state: 'none' };
  const b = bytes.get(c.name);
  return b && b.key === tagKey(c, f.line) && b.stop === current!.stop ? b.state : { state: 'loading' };
}

/** Asks the extension host for the bytes of the line selected in `c`, unless asked at this stop. */
function askBytes(c: CacheState | undefined): void {
  if (!c || !current) return;
  const f = selection(c);
  if (!f.line || f.gone) return;
  const key = tagKey(c, f.line);
  const b = bytes.get(c.name);
  if (b && b.key === key && b.stop === current.stop) return;
  const id = nextId++;
  bytes.set(c.name, { id, key, stop: current.stop, state: { state: 'loading' } });
  vscode.postMessage({ type: 'lineDetail', id, ...queryOf(f.line, c.line) });
}

/** The answer to the latest request of a cache (an older one is dropped). */
function showBytes(m: LineDetailReply): void {
  const entry = [...bytes].find(([, b]) => b.id === m.id);
  if (!entry || !current) return;
  const [name, b] = entry;
  b.state = 'error' in m ? { state: 'error', message: m.error } : { state: 'shown', detail: m.detail };
  const c = current.state.caches.find((x) => x.name === name);
  if (c) renderDetail(c);
}

function renderDetail(c: CacheState): void {
  const pane = document.querySelector<HTMLElement>(`.detail[data-detail="${CSS.escape(c.name)}"]`);
  if (pane) pane.innerHTML = detail(c, selection(c));
}

function detail(c: CacheState, f: Followed): string {
  const changed = current!.changed.includes(`${c.name}:${f.set}:${f.way}`);
  return detailPane({ cache: c, sel: f, changed, bytes: bytesOf(c, f), stop: current!.stop, name: asidName });
}

/** A cell's description: its title, its aria-label and the focus line under the grid. */
function describeSlot(c: CacheState, set: number, way: number): string {
  const l = c.lines.find((x) => x.set === set && x.way === way);
  if (!l) return `set ${set} way ${way}: invalid`;
  return `set ${set} way ${way}: ${hex(l.pa)} ASID ${l.asid} (${asidName(l.asid)}), enc=${l.enc}${l.dirty ? ', dirty' : ''}${l.age !== undefined ? `, LRU age ${l.age}` : ''}${isTarget(c, l.pa) ? ' (the marked address)' : ''}`;
}

function panel(c: CacheState): string {
  const changed = new Set(current!.changed);
  const bySlot = new Map(c.lines.map((l) => [l.set * c.ways + l.way, l]));
  const sel = selection(c);
  let cells = `<div class="row" role="row"><span></span>${Array.from({ length: c.ways }, (_, w) => `<span class="waysno" role="columnheader">${w}</span>`).join('')}</div>`;
  for (let set = 0; set < c.sets; set++) {
    const targetSet = persisted.highlight !== undefined && Math.floor((persisted.highlight.pa >>> 0) / c.line) % c.sets === set;
    cells += `<div class="row" role="row"><span class="setno${targetSet ? ' target-set' : ''}" role="rowheader"${targetSet ? ' title="the marked address maps to this set"' : ''}>${set}</span>`;
    for (let way = 0; way < c.ways; way++) {
      const l = bySlot.get(set * c.ways + way);
      const selected = sel.set === set && sel.way === way;
      const cls = ['cell', l ? colour(l.asid) : '', l?.dirty ? 'dirty' : '', changed.has(`${c.name}:${set}:${way}`) ? 'changed' : '', l && isTarget(c, l.pa) ? 'target' : '', selected ? 'selected' : ''].filter(Boolean).join(' ');
      const title = describeSlot(c, set, way);
      const tag = l ? ` data-pa="${hex(l.pa)}" data-asid="${l.asid}" data-enc="${l.enc}"` : '';
      cells += `<span class="${cls}" role="gridcell" aria-selected="${selected}" tabindex="${selected ? 0 : -1}" data-set="${set}" data-way="${way}"${tag} title="${esc(title)}" aria-label="${esc(title)}"></span>`;
    }
    cells += '</div>';
  }
  const valid = c.lines.length;
  return `
    <div class="layout">
      <div>
        <div>${c.sets} sets x ${c.ways} ways, ${c.line}-byte lines, ${c.replacement.toUpperCase()}; ${valid} of ${c.sets * c.ways} lines valid</div>
        <div class="grid-wrap" data-cache="${esc(c.name)}"><div class="grid" role="grid" aria-label="${esc(c.name)}: sets x ways; Enter selects a line" data-cache="${esc(c.name)}">${cells}</div></div>
        <div class="focus-info" data-focus="${esc(c.name)}" aria-hidden="true"></div>
      </div>
      <div class="detail" data-detail="${esc(c.name)}" aria-live="polite">${detail(c, sel)}</div>
    </div>
    <h3>Per-ASID statistics (${esc(c.name)})</h3>
    ${statsTable(c)}`;
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
  const info = document.querySelector<HTMLElement>(`.focus-info[data-focus="${CSS.escape(c.name)}"]`)!;
  grid.style.setProperty('grid-template-columns', `auto repeat(${c.ways}, 14px)`);
  const cellAt = (set: number, way: number) => grid.querySelector<HTMLElement>(`.cell[data-set="${set}"][data-way="${way}"]`);
  // The roving tabindex: the grid's one tab stop is the focused cell (the selected one at first).
  const focusCell = (set: number, way: number) => {
    grid.querySelector<HTMLElement>('.cell[tabindex="0"]')?.setAttribute('tabindex', '-1');
    const cell = cellAt(set, way)!;
    cell.setAttribute('tabindex', '0');
    cell.focus();
    info.textContent = `Focus: ${describeSlot(c, set, way)}${cell.classList.contains('selected') ? ' (selected)' : '; Enter selects'}`;
  };
  const select = (set: number, way: number) => {
    for (const prev of grid.querySelectorAll<HTMLElement>('.cell.selected')) {
      prev.classList.remove('selected');
      prev.setAttribute('aria-selected', 'false');
    }
    const cell = cellAt(set, way)!;
    cell.classList.add('selected');
    cell.setAttribute('aria-selected', 'true');
    remember(c, set, way);
    focusCell(set, way);
    renderDetail(c);
    askBytes(c);
  };
  grid.addEventListener('click', (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('.cell');
    if (t) select(Number(t.dataset.set), Number(t.dataset.way));
  });
  grid.addEventListener('focusout', () => { info.textContent = ''; });
  grid.addEventListener('keydown', (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('.cell');
    if (!t) return;
    let set = Number(t.dataset.set);
    let way = Number(t.dataset.way);
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault();
        return select(set, way);
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
    focusCell(Math.max(0, Math.min(c.sets - 1, set)), Math.max(0, Math.min(c.ways - 1, way)));
  });
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = acceptMessage(e.data, parseToCacheView, (error) => console.error(error));
  if (m?.type === 'lineDetail') return showBytes(m);
  // Every state from the host (a stop, Refresh, another session whose stops count from 1 again)
  // has its lines' bytes read again.
  if (m?.type === 'state') bytes.clear();
  if (m) show(m);
});
// After a reload: what was shown last, until the extension answers 'ready' with the current state
// (checked: it may come from an older version of the view).
const restored = persisted.last && acceptMessage(persisted.last, parseToWebview, (error) => console.error(error));
if (restored) show(restored);
vscode.postMessage({ type: 'ready' });
