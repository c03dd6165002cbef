/**
 * Software TLB: direct-mapped, one set of arrays per access kind, mapping a virtual page number
 * straight to what the fast path needs (a RAM page's DataView for loads/stores, the decoded-instruction
 * page for fetches). An entry exists only when the access needs no further check: translation,
 * permissions (page and PMP) and device overlays were all settled when it was filled.
 *
 * A hart keeps one TlbSet per (privilege, V) combination, so that a privilege change only swaps array
 * references; any change of satp, mstatus.MPRV/MPP/SUM/MXR, PMP or sfence.vma flushes them all.
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
  readonly sTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly sMem: DataView[] = new Array<DataView>(TLB_SIZE).fill(ZERO_PAGE);
  readonly sPage = new Int32Array(TLB_SIZE).fill(-1);
  readonly fTag = new Int32Array(TLB_SIZE).fill(-1);
  readonly fCode: C[];
  readonly fPage = new Int32Array(TLB_SIZE).fill(-1);

  constructor(emptyCode: C) {
    this.fCode = new Array<C>(TLB_SIZE).fill(emptyCode);
  }

  flush(): void {
    this.lTag.fill(-1);
    this.sTag.fill(-1);
    this.fTag.fill(-1);
  }

  /** Drop every entry that maps RAM page `page` (its buffer changed, or it became code). */
  flushRamPage(page: number, loads: boolean, stores: boolean, fetches: boolean): void {
    for (let i = 0; i < TLB_SIZE; i++) {
      if (loads && this.lPage[i] === page) this.lTag[i] = -1;
      if (stores && this.sPage[i] === page) this.sTag[i] = -1;
      if (fetches && this.fPage[i] === page) this.fTag[i] = -1;
    }
  }
}
