/**
 * The messages between the cache view's webview (media/cache-view/) and the extension host
 * (src/views/cache-view.ts): one typed module imported by both sides (house style; the cortex-debug
 * warning). The cache data themselves are the adapter's vmscope/cacheState body (adapter/protocol.ts).
 */
import type { CacheState, CacheStateResponse } from '../adapter/protocol';

export type { CacheState, CacheStateResponse };

/** Extension host -> webview. */
export type ToWebview =
  /**
   * A stop: the caches now, the slots whose line changed since the previous stop, and the hit and
   * miss counters of the stops seen so far (oldest first, at most HISTORY_LIMIT) for the plot.
   */
  | { type: 'state'; session: string; stop: number; pc?: string; state: CacheStateResponse; changed: string[]; history: StatsSample[] }
  /** Nothing to show (no vmscope session, session ended, caches off): the reason. */
  | { type: 'idle'; message: string }
  /** The session runs: the shown state is from the last stop. */
  | { type: 'running' }
  /** Mark the lines that hold a physical address ("vmscope: Show Cache Line For Address"); null clears. */
  | { type: 'highlight'; target: AddressTarget | null };

/** A physical address to find in the caches, and what it came from (shown to the user). */
export interface AddressTarget {
  pa: number;
  /** Where it came from, e.g. "pc = va:0:0x00400010" (the view shows `phys:<pa>` itself). */
  label: string;
}

/** Webview -> extension host. */
export type FromWebview =
  /** The webview's script has loaded and wants the current state. */
  | { type: 'ready' }
  | { type: 'refresh' };

/** What the webview keeps with setState (and what the serializer gets back after a reload). */
export interface PersistedState {
  /** Index of the selected cache tab. */
  tab: number;
  /** The selected slot per cache name ("set:way"). */
  selected: Record<string, string>;
  /** The last message shown, so that a reloaded view has something until the next stop. */
  last?: ToWebview;
  /** The plot's level and whether it shows running totals or what happened since the previous stop. */
  plot?: { level: CacheLevelName; mode: PlotMode };
  /** The address marked by "Show Cache Line For Address", until cleared. */
  highlight?: AddressTarget;
}

export type CacheLevelName = CacheState['level'];
export const CACHE_LEVELS: readonly CacheLevelName[] = ['l1i', 'l1d', 'llc'];
export const LEVEL_LABEL: Record<CacheLevelName, string> = { l1i: 'L1I', l1d: 'L1D', llc: 'LLC' };
/** 'total': the counters as they are at each stop; 'delta': what changed since the previous sample. */
export type PlotMode = 'total' | 'delta';

/** Hits and misses of one ASID at one level (the L1s of all harts summed). */
export interface LevelCounts {
  hits: number;
  misses: number;
}

/** The counters at one stop: by level, then by ASID (decimal string key, as CacheState.stats). */
export interface StatsSample {
  stop: number;
  levels: Record<CacheLevelName, Record<string, LevelCounts>>;
}

/** How many stops the plot's history keeps (the oldest go first). */
export const HISTORY_LIMIT = 200;

/** Key of a slot: "<cache>:<set>:<way>". */
export const slotKey = (cache: string, set: number, way: number): string => `${cache}:${set}:${way}`;

/** Slots whose line (address, ASID, enc, dirty, presence) differs between two states. */
export function changedSlots(prev: CacheStateResponse | undefined, next: CacheStateResponse): string[] {
  if (prev === undefined) return [];
  const sig = (s: CacheStateResponse): Map<string, string> => {
    const m = new Map<string, string>();
    for (const c of s.caches) for (const l of c.lines) m.set(slotKey(c.name, l.set, l.way), `${l.pa}/${l.asid}/${l.enc}/${l.dirty ? 1 : 0}`);
    return m;
  };
  const a = sig(prev);
  const b = sig(next);
  const out: string[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push(k);
  for (const k of a.keys()) if (!b.has(k)) out.push(k);
  return out;
}

// ---- Validation: a message that is not what the types say is reported, never acted on. ----

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** The message as the webview sent it, or why it is not one (never throws). */
export function parseFromWebview(m: unknown): FromWebview | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  if (m.type === 'ready' || m.type === 'refresh') return { type: m.type };
  return `unknown message type ${describe(m.type)}`;
}

/**
 * The message as the extension host sent it, or why it is not one (never throws). Checks what the
 * webview's rendering relies on; the cache data inside come from the adapter's typed response.
 */
export function parseToWebview(m: unknown): ToWebview | string {
  if (!isObj(m)) return `not a message object: ${describe(m)}`;
  switch (m.type) {
    case 'running': return { type: 'running' };
    case 'idle': return isStr(m.message) ? { type: 'idle', message: m.message } : "'idle' without a message";
    case 'highlight':
      if (m.target === null) return { type: 'highlight', target: null };
      return isObj(m.target) && isNum(m.target.pa) && isStr(m.target.label) ? { type: 'highlight', target: { pa: m.target.pa, label: m.target.label } } : "'highlight' needs target { pa, label } or null";
    case 'state': {
      const s = m.state;
      if (!isStr(m.session) || !isNum(m.stop)) return "'state' needs session and stop";
      if (!isObj(s) || !Array.isArray(s.caches) || !Array.isArray(s.asids) || !isObj(s.names)) return "'state' needs state { caches, asids, names }";
      if (!s.caches.every((c) => isObj(c) && isStr(c.name) && isNum(c.sets) && isNum(c.ways) && isNum(c.line) && Array.isArray(c.lines) && isObj(c.stats))) return "'state' has a malformed cache";
      if (!Array.isArray(m.changed) || !m.changed.every(isStr)) return "'state' needs changed: string[]";
      if (!Array.isArray(m.history) || !m.history.every((h) => isObj(h) && isNum(h.stop) && isObj(h.levels))) return "'state' needs history: StatsSample[]";
      return m as unknown as ToWebview;
    }
  }
  return `unknown message type ${describe(m.type)}`;
}

/**
 * `parse(m)` when it is a message; otherwise `log` gets the reason and the result is undefined.
 * For both sides' message handlers: a malformed message is logged and dropped.
 */
export function acceptMessage<T>(m: unknown, parse: (m: unknown) => T | string, log: (error: string) => void): T | undefined {
  let r: T | string;
  try {
    r = parse(m);
  } catch (e) {
    r = `unreadable: ${(e as Error)?.message ?? String(e)}`;
  }
  if (typeof r !== 'string') return r;
  log(`vmscope cache view: ignored a malformed message (${r})`);
  return undefined;
}

function describe(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
}
