/**
 * `vmscope/cacheState` (adapter/protocol.ts): every cache's geometry, valid lines and per-ASID
 * statistics, for the cache view. The emulator's CacheModel computes; this only reshapes.
 */
import type { Machine } from '../../emulator/api';
import { ERR, type CacheLineState, type CacheState, type CacheStateResponse } from '../protocol';
import type { Target } from '../target';
import { fail } from '../validate';

type CacheLevel = NonNullable<Machine['cache']>['llc'];

export const NO_CACHES = 'the cache model is off in this session: start the session with "caches": true in its launch configuration';

export function cacheState(t: Target): CacheStateResponse {
  const model = t.machine.cache;
  if (model === undefined) fail(NO_CACHES, ERR.noCaches);
  const harts = model.l1i.length;
  const caches: CacheState[] = model.caches.map((c, i) => {
    const level = i < harts ? 'l1i' : i < 2 * harts ? 'l1d' : 'llc';
    return {
      name: c.name, level, ...(level !== 'llc' ? { hart: i % harts } : {}),
      sets: c.sets, ways: c.ways, line: c.line, replacement: c.replacement,
      lines: linesOf(c),
      stats: Object.fromEntries([...c.stats].map(([a, s]) => [String(a), { ...s }])),
    };
  });
  const names: Record<string, string> = {};
  for (const [vmid, g] of t.guests) names[String(vmid)] = g.name;
  return { caches, asids: model.asids(), names };
}

/** Valid lines with their LRU age (rank of the last-use stamp within the set, 0 = most recent). */
function linesOf(c: CacheLevel): CacheLineState[] {
  const lines: CacheLineState[] = c.lines();
  if (c.replacement !== 'lru') return lines;
  // The stamps are private to CacheLevel; its snapshot is the read-only way to them.
  const order = c.snapshot().order;
  const bySet = new Map<number, CacheLineState[]>();
  for (const l of lines) bySet.set(l.set, [...(bySet.get(l.set) ?? []), l]);
  for (const [set, ls] of bySet) {
    ls.sort((a, b) => order[set * c.ways + b.way]! - order[set * c.ways + a.way]!);
    ls.forEach((l, age) => (l.age = age));
  }
  return lines;
}
