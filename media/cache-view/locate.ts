/**
 * Where a physical address lives in the caches ("vmscope: Show Cache Line For Address"): per cache,
 * the set it maps to (line number modulo sets, as emulator/cache/level.ts indexes) and the ways that
 * hold its line, under any ASID (the same line can be cached once per ASID tag).
 */
import type { CacheState } from '../protocol';

export interface Place {
  /** Index of the cache in the state (= its tab). */
  index: number;
  cache: string;
  set: number;
  /** Ways of `set` holding the line, with the ASID each is tagged with. */
  ways: { way: number; asid: number }[];
}

export function locate(caches: readonly CacheState[], pa: number): Place[] {
  return caches.map((c, index) => {
    const line = Math.floor((pa >>> 0) / c.line);
    const set = line % c.sets;
    const ways = c.lines.filter((l) => Math.floor(l.pa / c.line) === line).map((l) => ({ way: l.way, asid: l.asid })).sort((a, b) => a.way - b.way);
    return { index, cache: c.name, set, ways };
  });
}

/** "hart0.l1d set 5 way 2 (ASID 1)" / "llc: not cached (would be set 37)". */
export function describePlace(p: Place): string {
  if (p.ways.length === 0) return `${p.cache}: not cached (set ${p.set})`;
  return `${p.cache} set ${p.set} ${p.ways.map((w) => `way ${w.way} (ASID ${w.asid})`).join(', ')}`;
}
