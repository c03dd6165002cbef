/**
 * Main memory: lazily allocated 4 KiB pages with copy-on-write snapshots.
 *
 * - A page that was never written has no buffer: reads see zeros (through the shared ZERO_PAGE) and
 *   allocate nothing.
 * - snapshot() shares every page buffer with the snapshot and marks the pages `shared`; the first write
 *   to a shared page copies it (so taking a snapshot costs one pointer copy per allocated page).
 * - Whenever a page's buffer is replaced (first allocation, copy-on-write) `onReplace` tells
 *   the owner so that TLB entries holding the old DataView can be dropped.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;

/** A read-only page of zeros: what never-written memory reads as. Never written through. */
export const ZERO_PAGE = new DataView(new ArrayBuffer(PAGE_SIZE));

/** Plain-data image of RAM (shares page buffers with the live RAM until one side writes). */
export interface RamSnapshot {
  readonly pages: readonly (DataView | undefined)[];
}

export class Ram {
  readonly base: number;
  readonly size: number;
  readonly pageCount: number;
  private pages: (DataView | undefined)[];
  /** 1 = the page's buffer is also held by a snapshot: copy before writing. */
  private shared: Uint8Array;
  /** Called with the page index after a page's buffer was replaced or allocated. */
  onReplace: (page: number) => void = () => {};

  constructor(base: number, size: number) {
    if (size <= 0 || size % PAGE_SIZE !== 0) throw new Error(`RAM size must be a positive multiple of ${PAGE_SIZE}`);
    this.base = base;
    this.size = size;
    this.pageCount = size >>> PAGE_SHIFT;
    this.pages = new Array<DataView | undefined>(this.pageCount).fill(undefined);
    this.shared = new Uint8Array(this.pageCount);
  }

  /** Page for reading: the real buffer, or ZERO_PAGE when never written. */
  pageForRead(page: number): DataView {
    return this.pages[page] ?? ZERO_PAGE;
  }

  /** Whether the page has a buffer of its own (was written since creation). */
  isAllocated(page: number): boolean {
    return this.pages[page] !== undefined;
  }

  /** Whether a write can go straight into the current buffer (allocated and not shared with a snapshot). */
  isPrivate(page: number): boolean {
    return this.pages[page] !== undefined && this.shared[page] === 0;
  }

  /** Page for writing: allocates a never-written page, copies a page shared with a snapshot. */
  pageForWrite(page: number): DataView {
    const cur = this.pages[page];
    if (cur !== undefined && this.shared[page] === 0) return cur;
    const buf = new ArrayBuffer(PAGE_SIZE);
    if (cur !== undefined) new Uint8Array(buf).set(new Uint8Array(cur.buffer, cur.byteOffset, PAGE_SIZE));
    const dv = new DataView(buf);
    this.pages[page] = dv;
    this.shared[page] = 0;
    this.onReplace(page);
    return dv;
  }

  /** Read `size` bytes at RAM offset `off` (may cross pages), zero-extended. */
  read(off: number, size: 1 | 2 | 4): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const o = off + i;
      v = v * 256 + this.pageForRead(o >>> PAGE_SHIFT).getUint8(o & PAGE_MASK);
    }
    return v;
  }

  /** Write the low `size` bytes of `value` at RAM offset `off` (may cross pages), little-endian. */
  write(off: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      const o = off + i;
      this.pageForWrite(o >>> PAGE_SHIFT).setUint8(o & PAGE_MASK, (value >>> (8 * i)) & 0xff);
    }
  }

  /** Copy bytes in (loader, debugger). Skips allocation for all-zero chunks of never-written pages. */
  writeBytes(off: number, data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      const o = off + i;
      const page = o >>> PAGE_SHIFT;
      const inPage = o & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - inPage, data.length - i);
      const chunk = data.subarray(i, i + n);
      if (this.pages[page] !== undefined || chunk.some((b) => b !== 0)) {
        const dv = this.pageForWrite(page);
        new Uint8Array(dv.buffer, inPage, n).set(chunk);
      }
      i += n;
    }
  }

  readBytes(off: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let i = 0;
    while (i < len) {
      const o = off + i;
      const dv = this.pageForRead(o >>> PAGE_SHIFT);
      const inPage = o & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - inPage, len - i);
      out.set(new Uint8Array(dv.buffer, dv.byteOffset + inPage, n), i);
      i += n;
    }
    return out;
  }

  /** Number of pages that own a buffer (for tests and statistics). */
  allocatedPages(): number {
    let n = 0;
    for (const p of this.pages) if (p !== undefined) n++;
    return n;
  }

  /** Share all buffers with a new snapshot: O(pages) pointer copies, no data copies. */
  snapshot(): RamSnapshot {
    for (let i = 0; i < this.pageCount; i++) if (this.pages[i] !== undefined) this.shared[i] = 1;
    return { pages: this.pages.slice() };
  }

  /**
   * Go back to a snapshot; its buffers stay shared (the snapshot can be restored again later).
   * onReplace is not called: the caller must drop every TLB entry (the machine does).
   */
  restore(s: RamSnapshot): void {
    if (s.pages.length !== this.pageCount) throw new Error('RAM snapshot is for a different RAM size');
    for (let i = 0; i < this.pageCount; i++) {
      const p = s.pages[i];
      this.pages[i] = p;
      this.shared[i] = p !== undefined ? 1 : 0;
    }
  }
}
