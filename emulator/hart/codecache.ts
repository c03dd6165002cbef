/**
 * Decoded-instruction cache, per physical RAM page, shared by all harts.
 *
 * A CodePage holds straight-line blocks keyed by their start offset (halfword granular, for RVC). A
 * block ends after a branch/jump, before and after a "system" instruction (CSR access, xRET, fences,
 * ecall...: those run alone so that counters and interrupts are exact), at the page end, or after
 * MAX_BLOCK instructions.
 *
 * Coherence with self-modifying code: `covered` marks the halfwords decoded into some block. A write
 * into RAM that touches a covered halfword drops the whole CodePage (onDrop lets the harts forget their
 * fetch-TLB entries for it); the CPU's store TLB never maps a page that has a CodePage, so every store
 * to a code page comes through here. fence.i therefore needs no flush (unprivileged spec ch. 3 allows
 * a hart to see its own stores to instruction memory earlier than fence.i).
 */
import { insnLength } from '../isa/decode';
import { PAGE_MASK, PAGE_SHIFT, type Ram } from '../mem/ram';
import type { Compiled } from './jit';
import type { DInsn } from './types';

export const MAX_BLOCK = 64;

/** Flags per opcode telling how it bounds blocks. */
export const BLK_END = 1; // ends the block after itself (branches, jumps)
export const BLK_ALONE = 2; // runs as a block of its own

export class Block {
  /** Executions so far (the JIT compiles hot blocks). */
  hits = 0;
  /** Compiled form (jit.ts), once the block is hot. */
  compiled: Compiled | null = null;
  readonly n: number;
  /** The block starts at a breakpoint's page offset: its compiled form must not loop internally. */
  bpStart = false;
  /** Page offset of the first instruction (-1: not in a code page). */
  off = -1;
  /** With the cache fast path: what each instruction's fetch does (cache-path.ts fetchPlan). */
  fetchPlan: Uint8Array | null = null;
  /** Its fetch was reported already (an instruction straddling a page, run.ts): the executor reports none. */
  prefetched = false;
  constructor(readonly insns: readonly DInsn[]) {
    this.n = insns.length;
  }
}

export class CodePage {
  readonly blocks: (Block | undefined)[] = new Array<Block | undefined>(PAGE_MASK + 1 >> 1).fill(undefined);
  readonly covered = new Uint8Array(PAGE_MASK + 1 >> 1);
  constructor(readonly page: number) {}
}

/** Placeholder for empty fetch-TLB slots. */
export const NO_CODE = new CodePage(-1);

export class CodeCache {
  private pages: (CodePage | undefined)[];
  /** A page became code: stores to it must leave the fast path. */
  onCreate: (page: number) => void = () => {};
  /** A page's decoded code was dropped: fetch-TLB entries naming it must go. */
  onDrop: (page: number) => void = () => {};
  /**
   * Page offsets (pc & 0xfff) of the debugger's breakpoints, null when none. Code pages are physical
   * and may be mapped at any virtual page, so a block ends before every instruction at such an offset;
   * the run loop then compares the full virtual pc at each block start (run.ts).
   */
  bpOffsets: ReadonlySet<number> | null = null;
  /** The debugger's share of bpOffsets, and each hart's armed Sdtrig execute triggers' (triggers.ts). */
  private debugOffsets: ReadonlySet<number> | null = null;
  private readonly trigOffsets = new Map<number, ReadonlySet<number>>();

  constructor(
    private readonly ram: Ram,
    private readonly makeInsn: (raw: number) => DInsn,
    private readonly flags: Uint8Array,
  ) {
    this.pages = new Array<CodePage | undefined>(ram.pageCount).fill(undefined);
  }

  /** Set the debugger's breakpoint offsets; decoded blocks are dropped so that blocks end before them. */
  setDebugOffsets(offs: ReadonlySet<number> | null): void {
    this.debugOffsets = offs;
    this.refreshOffsets(true);
  }

  /**
   * Set hart `hart`'s execute-trigger offsets. Decoded blocks are dropped only when an offset is new
   * (a block running past a removed offset merely ends early).
   */
  setTriggerOffsets(hart: number, offs: ReadonlySet<number> | null): void {
    if (offs === null) {
      if (!this.trigOffsets.delete(hart)) return;
    } else {
      this.trigOffsets.set(hart, offs);
    }
    this.refreshOffsets(false);
  }

  private refreshOffsets(force: boolean): void {
    const old = this.bpOffsets;
    const all = new Set<number>(this.debugOffsets ?? []);
    for (const s of this.trigOffsets.values()) for (const o of s) all.add(o);
    this.bpOffsets = all.size === 0 ? null : all;
    if (force || [...all].some((o) => old === null || !old.has(o))) this.clear();
  }

  has(page: number): boolean {
    return this.pages[page] !== undefined;
  }

  get(page: number): CodePage {
    let cp = this.pages[page];
    if (cp === undefined) {
      cp = new CodePage(page);
      this.pages[page] = cp;
      this.onCreate(page);
    }
    return cp;
  }

  /**
   * Decode the block starting at byte offset `off` of `cp`, cache and return it; null when the first
   * instruction straddles the page end (the hart executes that one through its slow path).
   */
  build(cp: CodePage, off: number): Block | null {
    const dv = this.ram.currentView(cp.page);
    const insns: DInsn[] = [];
    const bpo = this.bpOffsets;
    let o = off;
    while (o <= PAGE_MASK - 1) {
      if (bpo !== null && insns.length > 0 && bpo.has(o)) break;
      const lo = dv.getUint16(o, true);
      const len = insnLength(lo);
      if (len === 4 && o > PAGE_MASK - 3) break;
      const raw = len === 4 ? dv.getUint32(o, true) : lo;
      const d = this.makeInsn(raw);
      const fl = this.flags[d.op]!;
      if ((fl & BLK_ALONE) !== 0 && insns.length > 0) break;
      insns.push(d);
      cp.covered[o >> 1] = 1;
      if (len === 4) cp.covered[(o >> 1) + 1] = 1;
      o += len;
      if (fl !== 0 || insns.length >= MAX_BLOCK) break;
    }
    if (insns.length === 0) return null;
    const b = new Block(insns);
    b.bpStart = bpo !== null && bpo.has(off);
    b.off = off;
    cp.blocks[off >> 1] = b;
    return b;
  }

  /** RAM bytes [off, off+size) were written: drop the code pages whose decoded bytes changed. */
  ramWritten(off: number, size: number): void {
    if (size <= 0) return;
    const first = off >>> PAGE_SHIFT;
    const last = (off + size - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const cp = this.pages[p];
      if (cp === undefined) continue;
      const lo = p === first ? (off & PAGE_MASK) >> 1 : 0;
      const hi = p === last ? ((off + size - 1) & PAGE_MASK) >> 1 : PAGE_MASK >> 1;
      for (let i = lo; i <= hi; i++) {
        if (cp.covered[i] !== 0) {
          this.drop(p);
          break;
        }
      }
    }
  }

  drop(page: number): void {
    if (this.pages[page] === undefined) return;
    this.pages[page] = undefined;
    this.onDrop(page);
  }

  /** Pages that have decoded code. */
  codePages(): number[] {
    const out: number[] = [];
    for (let p = 0; p < this.pages.length; p++) if (this.pages[p] !== undefined) out.push(p);
    return out;
  }

  /** Forget everything. */
  clear(): void {
    for (let p = 0; p < this.pages.length; p++) if (this.pages[p] !== undefined) this.drop(p);
  }
}
