/**
 * One set-associative cache: state only (valid, dirty, tag, ASID, enc, replacement order), no data.
 * A line's tag is (system physical line address, ASID, enc) (cvm-model 4.1): a lookup hits only when all
 * three match. Sets are indexed by the physical line number.
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
  readonly stats = new Map<number, CacheStats>();
  private lastAsid = -1;
  private lastStats: CacheStats = newStats();

  constructor(readonly name: string, c: CacheLevelConfig, readonly replacement: Replacement, seed: number) {
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
  }

  /** Line number of system physical address `pa`. */
  lineOf(pa: number): number {
    return Math.floor(pa / this.line);
  }

  statsFor(asid: number): CacheStats {
    if (asid === this.lastAsid) return this.lastStats;
    let s = this.stats.get(asid);
    if (s === undefined) {
      s = newStats();
      this.stats.set(asid, s);
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

  /** Record a use of `slot` for the replacement policy. */
  touch(slot: number): void {
    if (this.replacement === 'lru') {
      this.order[slot] = ++this.clock;
    } else if (this.replacement === 'plru' && this.plruLevels > 0) {
      const set = Math.floor(slot / this.ways);
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
    this.touch(slot);
  }

  invalidate(slot: number): void {
    this.tag[slot] = -1;
    this.dirty[slot] = 0;
    this.order[slot] = 0;
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
      plru: this.plru.slice(), clock: this.clock, rng: this.rng, stats: [...this.stats].map(([a, s]) => [a, { ...s }]),
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
    this.stats.clear();
    for (const [a, st] of s.stats) this.stats.set(a, { ...st });
    this.lastAsid = -1;
  }
}
