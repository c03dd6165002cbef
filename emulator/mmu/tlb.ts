/**
 * Software TLB: direct-mapped, one set of arrays per access kind, mapping a virtual page number
 * straight to what the fast path needs (a RAM page's DataView for loads/stores, the decoded-instruction
 * page for fetches). An entry exists only when the access needs no further check: translation,
 * permissions (page and PMP) and device overlays were all settled when it was filled.
 *
 * A TlbSet caches one address space: a privilege, V, and the translation registers that privilege
 * uses (satp's MODE, ASID and root for V=0 S/U; vsatp's and hgatp's MODE, ASID, VMID and roots for
 * V=1; nothing for M). The hart keeps a bounded LRU of them (Hart.selectTlbs), so that a privilege
 * change or a write of satp/vsatp/hgatp only swaps array references; SFENCE.VMA and HFENCE.* flush the
 * sets of the address spaces they name (Hart.fenceVma, Hart.fenceGvma), while changes of PMP,
 * mstatus.MPRV/MPP/SUM/MXR or vsstatus flush every set.
 */
import { ZERO_PAGE } from '../mem/ram';

export const TLB_BITS = 8;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_MASK = TLB_SIZE - 1;

export class TlbSet<C> {
  /** Virtual page number per slot, -1 when empty. */
  readonly lTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly lMem: DataView[] = new Array<DataView>(TLB_SIZE).fill(ZERO_PAGE);
  readonly lPage = new Int32Array(TLB_SIZE).fill(-1);
  /** Cache tag of the access that filled the entry (ASID * 2 + enc; hart/cache-path.ts). */
  readonly lCt = new Int32Array(TLB_SIZE);
  readonly sTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly sMem: DataView[] = new Array<DataView>(TLB_SIZE).fill(ZERO_PAGE);
  readonly sPage = new Int32Array(TLB_SIZE).fill(-1);
  readonly sCt = new Int32Array(TLB_SIZE);
  /**
   * Stores to pages that hold decoded code (never in sTag: every store there must keep the code
   * cache coherent). memory.ts storeValue writes through these and tells the code cache, instead of
   * translating again.
   */
  readonly cTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly cMem: DataView[] = new Array<DataView>(TLB_SIZE).fill(ZERO_PAGE);
  readonly cPage = new Int32Array(TLB_SIZE).fill(-1);
  readonly cCt = new Int32Array(TLB_SIZE);
  readonly fTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly fCode: C[];
  readonly fPage = new Int32Array(TLB_SIZE).fill(-1);
  readonly fCt = new Int32Array(TLB_SIZE);

  // --- The address space this set caches (set by Hart.selectTlbs).
  /** Lookup key: privilege, V, translation modes, ASID, VMID (Hart.spaceKey). */
  key = -1;
  priv = 3;
  virt = false;
  /** satp.ASID (V=0) or vsatp.ASID (V=1); -1 when that stage is Bare (or M-mode). */
  asid = -1;
  /** hgatp.VMID for V=1 sets, -1 for V=0. */
  vmid = -1;
  /** Root page-table PPN of satp (V=0) / vsatp (V=1), -1 when Bare; a different root flushes the set. */
  root = -1;
  /** Root PPN of hgatp (V=1 with Sv32x4), else -1. */
  groot = -1;
  /** The hart's flush epoch the entries belong to (older: the set is flushed before its next use). */
  epoch = 0;
  /** LRU stamp. */
  lastUse = 0;

  constructor(emptyCode: C) {
    this.fCode = new Array<C>(TLB_SIZE).fill(emptyCode);
  }

  flush(): void {
    this.lTag.fill(-1);
    this.sTag.fill(-1);
    this.cTag.fill(-1);
    this.fTag.fill(-1);
  }

  /**
   * Drop the entries for virtual pages in the 4 MiB region of `va` (an Sv32 leaf PTE covers at most
   * that much, and entries do not remember whether they came from a megapage).
   */
  flushRegion(va: number): void {
    const r = va >>> 22;
    for (let i = 0; i < TLB_SIZE; i++) {
      if (this.lTag[i]! >>> 10 === r) this.lTag[i] = -1;
      if (this.sTag[i]! >>> 10 === r) this.sTag[i] = -1;
      if (this.cTag[i]! >>> 10 === r) this.cTag[i] = -1;
      if (this.fTag[i]! >>> 10 === r) this.fTag[i] = -1;
    }
  }

  /** Valid entries (loads + stores + fetches). */
  count(): number {
    let n = 0;
    for (let i = 0; i < TLB_SIZE; i++) {
      if (this.lTag[i] !== -1) n++;
      if (this.sTag[i] !== -1 || this.cTag[i] !== -1) n++;
      if (this.fTag[i] !== -1) n++;
    }
    return n;
  }

  /** Drop every entry that maps RAM page `page` (its buffer changed, or it became code). */
  flushRamPage(page: number, loads: boolean, stores: boolean, fetches: boolean): void {
    for (let i = 0; i < TLB_SIZE; i++) {
      if (loads && this.lPage[i] === page) this.lTag[i] = -1;
      if (stores && this.sPage[i] === page) this.sTag[i] = -1;
      if (stores && this.cPage[i] === page) this.cTag[i] = -1;
      if (fetches && this.fPage[i] === page) this.fTag[i] = -1;
    }
  }
}
