/**
 * The cache hierarchy as a feature (cvm-model 4): L1I and L1D per hart, one shared LLC; write-back,
 * write-allocate at every level; non-inclusive (an LLC eviction leaves L1 copies alone); no coherence
 * protocol between the L1Ds of different harts yet. Tags are (system physical address, ASID, enc).
 * Only the state is modelled: data values still come from RAM (with no encryption the cached plaintext
 * equals memory; the data path changes when encryption lands, cvm-model 3.1).
 *
 * Driven by the memory observer through the feature interface, or, while no other feature observes
 * memory, by the harts' cache fast path (fastPath; hart/cache-path.ts): fetches go to L1I, loads/stores/AMOs to
 * L1D, an L1 miss reads the line from the LLC (an LLC access), a dirty L1 victim is written into the
 * LLC (an LLC access, write-allocate), a dirty LLC victim is written to memory. Device (non-RAM)
 * addresses are uncacheable. Evictions and write-backs count for the ASID of the line that leaves.
 */
import type { CacheEvent, CustomInstruction, Feature, FeatureHost, MemTransaction } from '../features/types';
import type { HartCache } from '../hart/cache-path';
import type { CacheConfig } from './config';
import { CacheLevel, newStats, type CacheStats, type LevelSnapshot, type LineInfo } from './level';

export type LevelName = 'l1i' | 'l1d' | 'llc';
export type CboOp = 'clean' | 'flush' | 'inval';

export interface CacheSnapshot {
  caches: LevelSnapshot[];
}

const ACCESS_FETCH = 0;
const ACCESS_STORE = 2;

/** Lines per cache listed in viewState() (the rest: lines()). */
const VIEW_LINES = 256;

/**
 * Extra cycles (mcycle) of a miss, so that a program can time its accesses as a cache attacker does
 * (cvm-model 7, emulator/cvm/README.md): an L1 miss costs LATENCY.llc, an LLC miss LATENCY.memory more.
 * Instruction counts and mtime do not change.
 */
export const LATENCY = { llc: 10, memory: 100 } as const;

export class CacheModel implements Feature {
  readonly name = 'caches';
  readonly description = 'L1I and L1D per hart and a shared LLC; lines tagged (physical address, ASID, enc); statistics per ASID';
  readonly l1i: CacheLevel[];
  readonly l1d: CacheLevel[];
  readonly llc: CacheLevel;
  private host: FeatureHost | undefined;

  constructor(readonly config: CacheConfig, harts: number) {
    const r = config.replacement;
    // Distinct seeds per cache, all derived from the configured one.
    const seed = (i: number): number => (config.seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0;
    this.l1i = Array.from({ length: harts }, (_, i) => new CacheLevel(`hart${i}.l1i`, config.l1i, r, seed(2 * i)));
    this.l1d = Array.from({ length: harts }, (_, i) => new CacheLevel(`hart${i}.l1d`, config.l1d, r, seed(2 * i + 1)));
    this.llc = new CacheLevel('llc', config.llc, r, seed(2 * harts));
  }

  attach(host: FeatureHost): void {
    this.host = host;
  }

  /** Every cache, L1s by hart then the LLC. */
  get caches(): CacheLevel[] {
    return [...this.l1i, ...this.l1d, this.llc];
  }

  onMemory(t: MemTransaction): void {
    if (!t.ram) return;
    switch (t.kind) {
      case 'fetch': this.access(t.hart, ACCESS_FETCH, t.pa, t.size, t.asid, t.enc); break;
      case 'load': this.access(t.hart, 1, t.pa, t.size, t.asid, t.enc); break;
      case 'store': this.access(t.hart, ACCESS_STORE, t.pa, t.size, t.asid, t.enc); break;
      case 'cbo.clean': this.cbo('clean', t.pa, t.asid, t.enc); break;
      case 'cbo.flush': this.cbo('flush', t.pa, t.asid, t.enc); break;
      case 'cbo.inval': this.cbo('inval', t.pa, t.asid, t.enc); break;
    }
  }

  /**
   * Hart `hart`'s view for the cache fast path (hart/cache-path.ts): its L1s' MRU keys and pending
   * hits, and the model's own access and cbo for everything else. RAM offsets are relative to `ramBase`.
   */
  fastPath(hart: number, ramBase: number): HartCache {
    const i = this.l1i[hart]!;
    const d = this.l1d[hart]!;
    return {
      iKey: i.fastKey, iPend: i.pending, iShift: i.lineShift, iSets: i.sets - 1, iLine: i.line,
      dKey: d.fastKey, dDirty: d.fastDirty, dPend: d.pending, dShift: d.lineShift, dSets: d.sets - 1, dLine: d.line,
      access: (h, kind, q, size, ct) => this.access(h, kind, ramBase + q, size, ct >>> 1, ct & 1),
      cbo: (op, q, ct) => { this.cbo(op, ramBase + q, ct >>> 1, ct & 1); },
    };
  }

  /** Line `slot` of `c` becomes dirty: memory keeps its old bytes until the line is written back. */
  private dirtied(c: CacheLevel, slot: number): void {
    c.setDirty(slot, true);
    this.host?.lineData('dirty', c.slotPa(slot), c.line, c.slotAsid(slot), c.slotEnc(slot));
  }

  private event(type: CacheEvent['type'], c: CacheLevel, slot: number, toMemory = false): void {
    if (type === 'writeback' && toMemory) this.host?.lineData('written', c.slotPa(slot), c.line, c.slotAsid(slot), c.slotEnc(slot));
    else if (type === 'invalidate' && c.isDirty(slot)) this.host?.lineData('lost', c.slotPa(slot), c.line, c.slotAsid(slot), c.slotEnc(slot));
    const h = this.host;
    if (h === undefined || !h.wantsCacheEvents) return;
    h.cacheEvent({ type, cache: c.name, pa: c.slotPa(slot), asid: c.slotAsid(slot), enc: c.slotEnc(slot), dirty: c.isDirty(slot), size: c.line, toMemory });
  }

  /**
   * One access by hart `hart`: kind 0 fetch (L1I), 1 load, 2 store (L1D), of `size` bytes at system
   * physical `pa`, under (asid, enc). An access spanning lines accesses each.
   */
  access(hart: number, kind: number, pa: number, size: number, asid: number, enc: number): void {
    const c = kind === ACCESS_FETCH ? this.l1i[hart]! : this.l1d[hart]!;
    const first = c.lineOf(pa);
    const last = c.lineOf(pa + Math.max(size, 1) - 1);
    for (let line = first; line <= last; line++) this.l1Access(hart, c, line, asid, enc, kind === ACCESS_STORE);
  }

  private l1Access(hart: number, c: CacheLevel, line: number, asid: number, enc: number, write: boolean): void {
    const st = c.statsFor(asid);
    st.accesses++;
    const hit = c.find(line, asid, enc);
    if (hit >= 0) {
      st.hits++;
      c.touch(hit);
      if (write && !c.isDirty(hit)) this.dirtied(c, hit);
      return;
    }
    st.misses++;
    this.host?.addCycles(hart, LATENCY.llc);
    this.llcAccess(hart, line * c.line, asid, enc, false);
    const slot = c.victim(line);
    if (c.valid(slot)) {
      const vs = c.statsFor(c.slotAsid(slot));
      vs.evictions++;
      this.event('evict', c, slot);
      if (c.isDirty(slot)) {
        vs.writebacks++;
        this.event('writeback', c, slot);
        this.llcAccess(hart, c.slotPa(slot), c.slotAsid(slot), c.slotEnc(slot), true);
      }
    }
    c.install(slot, line, asid, enc, false);
    if (write) this.dirtied(c, slot);
    this.event('fill', c, slot);
  }

  private llcAccess(hart: number, pa: number, asid: number, enc: number, write: boolean): void {
    const c = this.llc;
    const line = c.lineOf(pa);
    const st = c.statsFor(asid);
    st.accesses++;
    const hit = c.find(line, asid, enc);
    if (hit >= 0) {
      st.hits++;
      c.touch(hit);
      if (write && !c.isDirty(hit)) this.dirtied(c, hit);
      return;
    }
    st.misses++;
    if (!write) this.host?.addCycles(hart, LATENCY.memory);
    const slot = c.victim(line);
    if (c.valid(slot)) {
      const vs = c.statsFor(c.slotAsid(slot));
      vs.evictions++;
      this.event('evict', c, slot);
      if (c.isDirty(slot)) {
        vs.writebacks++;
        this.event('writeback', c, slot, true); // to memory, through the encryption engine
      }
    }
    c.install(slot, line, asid, enc, false);
    if (write) this.dirtied(c, slot);
    this.event('fill', c, slot);
  }

  /**
   * Zicbom on the block of `pa` for (asid, enc), in every cache of the coherence domain (every hart's
   * L1s and the LLC): clean writes dirty copies back and keeps them; flush writes back and invalidates;
   * inval invalidates without write-back (dirty data are lost: counted as discards). Returns the copies
   * found.
   */
  cbo(op: CboOp, pa: number, asid: number, enc: number): number {
    let found = 0;
    for (const c of this.caches) {
      const line = c.lineOf(pa);
      const slot = c.find(line, asid, enc);
      if (slot < 0) continue;
      found++;
      const st = c.statsFor(asid);
      if (c.isDirty(slot)) {
        if (op === 'inval') {
          st.discards++;
        } else {
          st.writebacks++;
          this.event('writeback', c, slot, true);
        }
      }
      if (op === 'clean') {
        c.setDirty(slot, false);
      } else {
        this.event('invalidate', c, slot);
        c.invalidate(slot);
      }
    }
    return found;
  }

  /**
   * The implementation-defined HS-mode "invalidate all without write-back" (INVD-like, cvm-model 4.3):
   * every line of every cache is dropped, dirty ones without write-back. The instruction that reaches
   * it is cinval.all (above). Returns the lines dropped and how many were dirty.
   */
  /** cinval.all (emulator/cvm/README.md): HS and M only. */
  readonly customInstructions: readonly CustomInstruction[] = [{
    name: 'cinval.all',
    execute: (h) => {
      if (h.virt) return 'virtual';
      if (h.priv < 1) return 'illegal';
      this.invalidateAll();
      return 'next';
    },
  }];

  invalidateAll(): { lines: number; dirty: number } {
    let lines = 0;
    let dirty = 0;
    for (const c of this.caches) {
      for (const slot of [...c.validSlots()]) {
        lines++;
        if (c.isDirty(slot)) {
          dirty++;
          c.statsFor(c.slotAsid(slot)).discards++;
        }
        this.event('invalidate', c, slot);
        c.invalidate(slot);
      }
    }
    return { lines, dirty };
  }

  /** Statistics of `asid` at a level, summed over harts for L1s. */
  stats(level: LevelName, asid: number): CacheStats {
    const list = level === 'llc' ? [this.llc] : level === 'l1i' ? this.l1i : this.l1d;
    const out = newStats();
    for (const c of list) {
      const s = c.stats.get(asid);
      if (s === undefined) continue;
      out.accesses += s.accesses;
      out.hits += s.hits;
      out.misses += s.misses;
      out.evictions += s.evictions;
      out.writebacks += s.writebacks;
      out.discards += s.discards;
    }
    return out;
  }

  /** ASIDs with statistics anywhere, ascending. */
  asids(): number[] {
    const s = new Set<number>();
    for (const c of this.caches) for (const a of c.stats.keys()) s.add(a);
    return [...s].sort((a, b) => a - b);
  }

  /** Valid lines of the cache named `name` ('hart0.l1d', 'llc', ...). */
  lines(name: string): LineInfo[] {
    const c = this.caches.find((x) => x.name === name);
    if (c === undefined) throw new RangeError(`no cache named '${name}'`);
    return c.lines();
  }

  viewState(): unknown {
    const byLevel: Record<string, Record<string, CacheStats>> = {};
    for (const level of ['l1i', 'l1d', 'llc'] as const) {
      byLevel[level] = {};
      for (const a of this.asids()) byLevel[level][String(a)] = this.stats(level, a);
    }
    return {
      config: this.config,
      stats: byLevel,
      caches: this.caches.map((c) => {
        const valid = c.validCount();
        return {
          name: c.name, sets: c.sets, ways: c.ways, line: c.line, replacement: c.replacement, valid,
          lines: c.lines(VIEW_LINES), truncated: valid > VIEW_LINES,
          stats: Object.fromEntries([...c.stats].map(([a, s]) => [String(a), { ...s }])),
        };
      }),
    };
  }

  snapshot(): CacheSnapshot {
    return { caches: this.caches.map((c) => c.snapshot()) };
  }

  restore(s: unknown): void {
    const snap = s as CacheSnapshot;
    const caches = this.caches;
    if (!Array.isArray(snap?.caches) || snap.caches.length !== caches.length) throw new Error('cache snapshot does not match this machine');
    caches.forEach((c, i) => c.restore(snap.caches[i]!));
  }
}
