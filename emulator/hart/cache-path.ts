/**
 * The cache model's fast path (issue 4: "hits must stay on a fast path"). With caches on and no other
 * memory observer, the TLB fast paths and the block compiler stay on; each access they make checks,
 * inline, whether it hits its L1 set's most recently used (MRU) line under the same tag. Such a hit
 * changes only counters (cache/level.ts explains why), so it is counted in `pending` and nothing else
 * happens; every other access calls the model (`access`), which then updates the MRU lists itself.
 * Results equal those of the slow path exactly: test/unit/cache/fast-path.test.ts compares them.
 *
 * Addresses here are RAM-relative byte offsets (`q`; the fast path knows RAM pages, not system
 * addresses), tags are `ct` = ASID * 2 + enc (cvm-model 4.1), keys are line * 256 + ct.
 *
 * Instruction fetches: a block is straight-line code in one page, so which of its instructions start
 * a new L1I line is known when it is built (fetchPlan). An instruction within the line of the one
 * before it, in the same run of the block, hits the line that one just used (nothing between them
 * touches L1I: cbo.* and cinval.all run in blocks of their own), so it is only counted; the others
 * are checked as data accesses are.
 */
import type { Block } from './codecache';
import type { Hart } from './hart';

/** One hart's view of its L1s, given by the cache model (cache/model.ts fastPath). */
export interface HartCache {
  /** L1I and L1D per set: the MRU line's key, -1 none (cache/level.ts fastKey). */
  readonly iKey: Float64Array;
  readonly dKey: Float64Array;
  /** L1D per set: the MRU line is dirty. */
  readonly dDirty: Uint8Array;
  /** Fast-path hits by ASID, not yet in the statistics. */
  readonly iPend: Float64Array;
  readonly dPend: Float64Array;
  /** log2 of the line size, sets - 1, line size: L1I then L1D. */
  readonly iShift: number;
  readonly iSets: number;
  readonly iLine: number;
  readonly dShift: number;
  readonly dSets: number;
  readonly dLine: number;
  /** The model's own access (kind 0 fetch, 1 load, 2 store; may span lines). */
  access(hart: number, kind: number, q: number, size: number, ct: number): void;
  /** A Zicbom operation on the block of RAM offset `q` under tag `ct`. */
  cbo(op: 'clean' | 'flush' | 'inval', q: number, ct: number): void;
}

/** A load (kind 1) or store (2) of `size` bytes at RAM offset `q` under tag `ct`. */
export function cacheData(h: Hart, c: HartCache, kind: number, q: number, size: number, ct: number): void {
  const ln = q >>> c.dShift;
  const set = ln & c.dSets;
  if (c.dKey[set] === ln * 256 + ct && (q & (c.dLine - 1)) + size <= c.dLine && (kind === 1 || c.dDirty[set] === 1)) c.dPend[ct >>> 1]++;
  else c.access(h.id, kind, q, size, ct);
}

/** With the cache fast path on: a load the data TLB's slot `s` served, at page offset `o`. */
export function tlbLoad(h: Hart, s: number, o: number, size: number): void {
  if (h.cache !== null) cacheData(h, h.cache, 1, h.lPage[s]! * 4096 + o, size, h.lCt[s]!);
}

/** With the cache fast path on: a store the data TLB's slot `s` served, at page offset `o`. */
export function tlbStore(h: Hart, s: number, o: number, size: number): void {
  if (h.cache !== null) cacheData(h, h.cache, 2, h.sPage[s]! * 4096 + o, size, h.sCt[s]!);
}

/** An instruction fetch of `size` bytes at RAM offset `q` under tag `ct`. */
export function cacheFetch(h: Hart, c: HartCache, q: number, size: number, ct: number): void {
  const ln = q >>> c.iShift;
  const set = ln & c.iSets;
  if (c.iKey[set] === ln * 256 + ct && (q & (c.iLine - 1)) + size <= c.iLine) c.iPend[ct >>> 1]++;
  else c.access(h.id, 0, q, size, ct);
}

/**
 * The fetch of an instruction that spans two L1I lines: one access per line, as the model makes them
 * (CacheModel.access), each checked on its own.
 */
export function cacheFetchSplit(h: Hart, c: HartCache, q: number, ct: number): void {
  cacheFetch(h, c, q, 1, ct);
  cacheFetch(h, c, (q | (c.iLine - 1)) + 1, 1, ct); // lines are 8 bytes or more: two at most
}

/** fetchPlan values: counted only, checked, or checked per line (the instruction spans two lines). */
export const FETCH_COUNT = 0;
export const FETCH_CHECK = 1;
export const FETCH_SPLIT = 2;

/**
 * What each instruction of `b` (starting at page offset `off`) does for its fetch with L1I lines of
 * `line` bytes. Cached on the block (lines are fixed per machine, blocks per machine's code cache).
 */
export function fetchPlan(b: Block, off: number, line: number): Uint8Array {
  if (b.fetchPlan !== null) return b.fetchPlan;
  const plan = new Uint8Array(b.n);
  let o = off;
  for (let k = 0; k < b.n; k++) {
    const len = b.insns[k]!.len;
    const first = Math.floor(o / line);
    const last = Math.floor((o + len - 1) / line);
    if (first !== last) plan[k] = FETCH_SPLIT;
    else if (k === 0 || o % line === 0) plan[k] = FETCH_CHECK;
    else plan[k] = FETCH_COUNT;
    o += len;
  }
  b.fetchPlan = plan;
  return plan;
}
