/**
 * The messages between the cache view's webview (media/cache-view/) and the extension host
 * (src/views/cache-view.ts): one typed module imported by both sides (house style; the cortex-debug
 * warning). The cache data themselves are the adapter's vmscope/cacheState body (adapter/protocol.ts).
 */
import type { CacheState, CacheStateResponse } from '../adapter/protocol';

export type { CacheState, CacheStateResponse };

/** Extension host -> webview. */
export type ToWebview =
  /** A stop: the caches now, and the slots whose line changed since the previous stop. */
  | { type: 'state'; session: string; stop: number; pc?: string; state: CacheStateResponse; changed: string[] }
  /** Nothing to show (no vmscope session, session ended, caches off): the reason. */
  | { type: 'idle'; message: string }
  /** The session runs: the shown state is from the last stop. */
  | { type: 'running' };

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
}

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
