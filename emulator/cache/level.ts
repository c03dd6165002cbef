/**
 * One set-associative cache: state only (valid, dirty, tag, ASID, enc, replacement order), no data.
 * A line's tag is (system physical line address, ASID, enc) (cvm-model 4.1): a lookup hits only when all
 * three match. Sets are indexed by the physical line number.
 *
 * The hart's fast path (hart/cache-path.ts) reads `fastKey` and `fastDirty`: per set, the line that is
 * the set's most recently used (MRU) one. Using the MRU line again changes no replacement state (LRU:
 * it already has the newest stamp, so touch() leaves it; PLRU: the tree already points away from it;
 * random: no state), so such a hit is only counted: `pending[asid]` hits, folded into the statistics
 * when they are read. Every change of a set (touch, install, invalidate, setDirty, restore) keeps the
 * two arrays true, so the fast path and the model's own access agree exactly.
 */
import type { CacheLevelConfig, Replacement } from './config';

/** Counters of one ASID at one cache. */
export interface CacheStats {
  accesses: number;
  hits: number;
  misses: number;
  /** Valid lines of this ASID replaced to make room. */
  evictions: number;
  /** Dirty lines of this ASID written to the next level (evictions, cbo.clean, cbo.flush). */
  writebacks: number;
  /** Dirty lines of this ASID dropped without write-back (cbo.inval, invalidate-all). */
  discards: number;
}

export const newStats = (): CacheStats => ({ accesses: 0, hits: 0, misses: 0, evictions: 0, writebacks: 0, discards: 0 });

/** A valid line, for views and tests. */
export interface LineInfo {
  set: number;
  way: number;
  /** System physical address of the line. */
  pa: number;
  asid: number;
  enc: number;
  dirty: boolean;
}

export interface LevelSnapshot {
  tag: Float64Array;
  asid: Int32Array;
  enc: Uint8Array;
  dirty: Uint8Array;
  order: Float64Array;
  plru: Uint32Array;
  clock: number;
  rng: number;
  stats: [number, CacheStats][];
  /** Per set: the MRU slot (-1 none). */
  mru?: Int32Array;
}

export class CacheLevel {
  readonly sets: number;
  readonly ways: number;
  readonly line: number;
  readonly lineShift: number;
  private readonly setMask: number;
  /** Line number (pa / line) per slot (set * ways + way); -1 = invalid. */
  private tag: Float64Array;
  private asid: Int32Array;
  private enc: Uint8Array;
  private dirty: Uint8Array;
  /** LRU: last-use stamp per slot. */
  private order: Float64Array;
  /** PLRU: tree bits per set (node i at bit i, root 1; bit 0 = the victim is on the left). */
  private plru: Uint32Array;
  private clock = 0;
  private rng: number;
  private readonly plruLevels: number;
  private readonly counts = new Map<number, CacheStats>();
  private lastAsid = -1;
  /** Per set: the MRU slot, -1 when not known (after restore) or invalidated. */
  private mru: Int32Array;
  /** Line number of RAM's first byte: fastKey lines are RAM-relative (they fit the fast path's int math). */
  private readonly baseLine: number;
  /**
   * Per set: the MRU line's key (RAM-relative line * 256 + ASID * 2 + enc), -1 when none. A hart's
   * access with that key is a hit on the MRU line.
   */
  readonly fastKey: Float64Array;
  /** Per set: the MRU line is dirty (a store to it then changes nothing but counters). */
  readonly fastDirty: Uint8Array;
  /** Hits on MRU lines counted by the fast path, by ASID (0..127), not yet in the statistics. */
  readonly pending = new Float64Array(128);
  private lastStats: CacheStats = newStats();

  constructor(readonly name: string, c: CacheLevelConfig, readonly replacement: Replacement, seed: number, ramBase = 0x8000_0000) {
    this.sets = c.sets;
    this.ways = c.ways;
    this.line = c.line;
    this.lineShift = Math.log2(c.line);
    this.setMask = c.sets - 1;
    const n = c.sets * c.ways;
    this.tag = new Float64Array(n).fill(-1);
    this.asid = new Int32Array(n);
    this.enc = new Uint8Array(n);
    this.dirty = new Uint8Array(n);
    this.order = new Float64Array(n);
    this.plru = new Uint32Array(c.sets);
    this.plruLevels = Math.round(Math.log2(c.ways));
    this.rng = (seed >>> 0) || 0x9e3779b9;
    this.mru = new Int32Array(c.sets).fill(-1);
    this.fastKey = new Float64Array(c.sets).fill(-1);
    this.fastDirty = new Uint8Array(c.sets);
    this.baseLine = Math.floor(ramBase / c.line);
  }

  /** Statistics by ASID (the fast path's pending hits included). */
  get stats(): ReadonlyMap<number, CacheStats> {
    this.foldPending();
    return this.counts;
  }

  /** Move the fast path's hits into the statistics (counters commute: only their sum matters). */
  private foldPending(): void {
    const p = this.pending;
    for (let a = 0; a < p.length; a++) {
      const n = p[a]!;
      if (n === 0) continue;
      p[a] = 0;
      const s = this.statsFor(a);
      s.accesses += n;
      s.hits += n;
    }
  }

  /** Make `slot` its set's MRU line and publish it to the fast path. */
  private setMru(set: number, slot: number): void {
    this.mru[set] = slot;
    const rel = this.tag[slot]! - this.baseLine;
    this.fastKey[set] = rel >= 0 ? rel * 256 + this.asid[slot]! * 2 + this.enc[slot]! : -1;
    this.fastDirty[set] = this.dirty[slot]!;
  }

  /** Line number of system physical address `pa`. */
  lineOf(pa: number): number {
    return Math.floor(pa / this.line);
  }

  statsFor(asid: number): CacheStats {
    if (asid === this.lastAsid) return this.lastStats;
    let s = this.counts.get(asid);
    if (s === undefined) {
      s = newStats();
      this.counts.set(asid, s);
    }
    this.lastAsid = asid;
    this.lastStats = s;
    return s;
  }

  /** Slot holding (line, asid, enc), or -1. */
  find(line: number, asid: number, enc: number): number {
    const base = (line & this.setMask) * this.ways;
    for (let i = base; i < base + this.ways; i++) {
      if (this.tag[i] === line && this.asid[i] === asid && this.enc[i] === enc) return i;
    }
    return -1;
  }

  /**
   * Record a use of `slot` for the replacement policy. A use of the set's MRU slot changes nothing (see
   * the file comment), so it leaves the state as it is: the fast path, which never calls this, and
   * the model then keep identical state, LRU stamps included.
   */
  touch(slot: number): void {
    const set = Math.floor(slot / this.ways);
    if (this.mru[set] === slot) return;
    this.setMru(set, slot);
    if (this.replacement === 'lru') {
      this.order[slot] = ++this.clock;
    } else if (this.replacement === 'plru' && this.plruLevels > 0) {
      const way = slot - set * this.ways;
      let bits = this.plru[set]!;
      let node = 1;
      for (let l = this.plruLevels - 1; l >= 0; l--) {
        const right = (way >>> l) & 1;
        // Point the node away from the way just used.
        bits = right ? bits & ~(1 << node) : bits | (1 << node);
        node = node * 2 + right;
      }
      this.plru[set] = bits >>> 0;
    }
  }

  /** The slot to fill for `line`: an invalid way first, else the policy's victim (still valid). */
  victim(line: number): number {
    const set = line & this.setMask;
    const base = set * this.ways;
    for (let i = base; i < base + this.ways; i++) if (this.tag[i] === -1) return i;
    if (this.replacement === 'lru') {
      let best = base;
      for (let i = base + 1; i < base + this.ways; i++) if (this.order[i]! < this.order[best]!) best = i;
      return best;
    }
    if (this.replacement === 'plru') {
      const bits = this.plru[set]!;
      let node = 1;
      let way = 0;
      for (let l = 0; l < this.plruLevels; l++) {
        const right = (bits >>> node) & 1;
        way = way * 2 + right;
        node = node * 2 + right;
      }
      return base + way;
    }
    // xorshift32
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return base + (this.rng % this.ways);
  }

  valid(slot: number): boolean {
    return this.tag[slot] !== -1;
  }

  isDirty(slot: number): boolean {
    return this.dirty[slot] === 1;
  }

  setDirty(slot: number, d: boolean): void {
    this.dirty[slot] = d ? 1 : 0;
    const set = Math.floor(slot / this.ways);
    if (this.mru[set] === slot) this.fastDirty[set] = d ? 1 : 0;
  }

  slotAsid(slot: number): number {
    return this.asid[slot]!;
  }

  slotEnc(slot: number): number {
    return this.enc[slot]!;
  }

  slotPa(slot: number): number {
    return this.tag[slot]! * this.line;
  }

  install(slot: number, line: number, asid: number, enc: number, dirty: boolean): void {
    this.tag[slot] = line;
    this.asid[slot] = asid;
    this.enc[slot] = enc;
    this.dirty[slot] = dirty ? 1 : 0;
    const set = Math.floor(slot / this.ways);
    if (this.mru[set] === slot) this.mru[set] = -1; // a new line in the slot: a first use
    this.touch(slot);
  }

  invalidate(slot: number): void {
    this.tag[slot] = -1;
    this.dirty[slot] = 0;
    this.order[slot] = 0;
    const set = Math.floor(slot / this.ways);
    if (this.mru[set] === slot) {
      this.mru[set] = -1;
      this.fastKey[set] = -1;
    }
  }

  /** Valid slots, in slot order. */
  *validSlots(): Generator<number> {
    for (let i = 0; i < this.tag.length; i++) if (this.tag[i] !== -1) yield i;
  }

  /** Valid lines (for views), at most `limit`. */
  lines(limit = Infinity): LineInfo[] {
    const out: LineInfo[] = [];
    for (const i of this.validSlots()) {
      if (out.length >= limit) break;
      out.push({ set: Math.floor(i / this.ways), way: i % this.ways, pa: this.slotPa(i), asid: this.asid[i]!, enc: this.enc[i]!, dirty: this.dirty[i] === 1 });
    }
    return out;
  }

  validCount(): number {
    let n = 0;
    for (let i = 0; i < this.tag.length; i++) if (this.tag[i] !== -1) n++;
    return n;
  }

  snapshot(): LevelSnapshot {
    return {
      tag: this.tag.slice(), asid: this.asid.slice(), enc: this.enc.slice(), dirty: this.dirty.slice(), order: this.order.slice(),
      plru: this.plru.slice(), clock: this.clock, rng: this.rng, stats: [...this.stats].map(([a, s]) => [a, { ...s }]), mru: this.mru.slice(),
    };
  }

  restore(s: LevelSnapshot): void {
    if (s.tag.length !== this.tag.length) throw new Error(`cache snapshot for ${this.name} has another geometry`);
    this.tag = s.tag.slice();
    this.asid = s.asid.slice();
    this.enc = s.enc.slice();
    this.dirty = s.dirty.slice();
    this.order = s.order.slice();
    this.plru = s.plru.slice();
    this.clock = s.clock;
    this.rng = s.rng;
    this.pending.fill(0);
    this.counts.clear();
    for (const [a, st] of s.stats) this.counts.set(a, { ...st });
    this.lastAsid = -1;
    // Snapshots of older versions have no MRU list: then no set has a known MRU (the next use stamps).
    this.mru.fill(-1);
    this.fastKey.fill(-1);
    const mru = s.mru;
    if (mru !== undefined && mru.length === this.sets) {
      for (let set = 0; set < this.sets; set++) if (mru[set]! >= 0 && this.tag[mru[set]!] !== -1) this.setMru(set, mru[set]!);
    }
  }
}
