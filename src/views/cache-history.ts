/**
 * The hit and miss counters of the cache view's plot, kept in the extension host (so that they
 * survive a reload of the webview): one sample per stop, per session, the last HISTORY_LIMIT stops.
 * No 'vscode' import: the unit tests use it as it is.
 */
import { CACHE_LEVELS, HISTORY_LIMIT, type CacheLevelName, type CacheStateResponse, type LevelCounts, type StatsSample } from '../../media/protocol';

/** The counters of `state` by level (the L1s of all harts summed) and ASID. */
export function sampleOf(stop: number, state: CacheStateResponse): StatsSample {
  const levels = Object.fromEntries(CACHE_LEVELS.map((l) => [l, {}])) as Record<CacheLevelName, Record<string, LevelCounts>>;
  for (const c of state.caches) {
    const level = levels[c.level];
    for (const [asid, s] of Object.entries(c.stats)) {
      const n = (level[asid] ??= { hits: 0, misses: 0 });
      n.hits += s.hits;
      n.misses += s.misses;
    }
  }
  return { stop, levels };
}

/** Samples of one session, oldest first, at most `limit`. */
export class StatsHistory {
  private readonly list: StatsSample[] = [];

  constructor(private readonly limit = HISTORY_LIMIT) {}

  /**
   * Adds the sample of a stop. A refresh between stops (view opened, reloaded, Refresh button) reads
   * the same stop again: its sample replaces the one there.
   */
  add(sample: StatsSample): void {
    const last = this.list[this.list.length - 1];
    if (last !== undefined && last.stop === sample.stop) this.list[this.list.length - 1] = sample;
    else this.list.push(sample);
    if (this.list.length > this.limit) this.list.splice(0, this.list.length - this.limit);
  }

  get samples(): readonly StatsSample[] {
    return this.list;
  }
}
