/**
 * Data watchpoints on physical addresses, for the debugger. The hart's TLB never maps a RAM page that
 * holds a watched byte (see `pages`), so every access to such a page takes the memory slow path, which
 * asks `match` after translation and PMP succeeded. A hit is recorded in the hart; the instruction
 * completes (the block ends after it) and run() then reports the hit.
 */
import { Access } from '../mmu/sv32';

export type WatchAccess = 'read' | 'write' | 'readWrite';

export interface Watchpoint {
  /** Physical address of the first watched byte. */
  addr: number;
  /** Bytes watched (>= 1). */
  size: number;
  access: WatchAccess;
}

/** A watchpoint hit: the watched address (the first watched byte the access touched) and its kind. */
export interface WatchHit {
  /** pc of the accessing instruction. */
  pc: number;
  addr: number;
  access: 'read' | 'write';
}

export class Watchpoints {
  private readonly list: readonly Watchpoint[];
  /** RAM page indexes (from RAM base) holding watched bytes: no TLB entries for them. */
  readonly pages: ReadonlySet<number>;

  constructor(ws: readonly Watchpoint[], ramBase: number) {
    this.list = ws.filter((w) => w.size > 0).map((w) => ({ addr: w.addr, size: w.size, access: w.access }));
    const pages = new Set<number>();
    for (const w of this.list) {
      const first = Math.floor((w.addr - ramBase) / 4096);
      const last = Math.floor((w.addr + w.size - 1 - ramBase) / 4096);
      for (let p = first; p <= last; p++) if (p >= 0) pages.add(p);
    }
    this.pages = pages;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  /** The hit for an access of `size` bytes at physical `pa`, or undefined. Fetches never match. */
  match(pc: number, pa: number, size: number, access: Access): WatchHit | undefined {
    if (access === Access.Fetch) return undefined;
    const kind = access === Access.Load ? 'read' : 'write';
    for (const w of this.list) {
      if (w.access !== 'readWrite' && w.access !== kind) continue;
      const lo = Math.max(pa, w.addr);
      if (lo < Math.min(pa + size, w.addr + w.size)) return { pc, addr: lo, access: kind };
    }
    return undefined;
  }
}
