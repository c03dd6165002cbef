/**
 * Main memory: lazily allocated 4 KiB pages with copy-on-write snapshots.
 *
 * - A page that was never written has no buffer: reads see zeros (through the shared ZERO_PAGE) and
 *   allocate nothing.
 * - snapshot() shares every page buffer with the snapshot and marks the pages `shared`; the first write
 *   to a shared page copies it (so taking a snapshot costs one pointer copy per allocated page).
 * - Whenever a page's buffer is replaced (first allocation, copy-on-write) `onReplace` tells
 *   the owner so that TLB entries holding the old DataView can be dropped.
 *
 * Memory encryption (cvm-model 3): with a RamCipher installed the page buffers are DRAM, holding
 * ciphertext for private pages, and every access names a key id (0 = no key: DRAM as it is). A page
 * accessed under key k != 0 gets a plaintext view: the DRAM page decrypted with k, which the CPU then
 * reads and writes at full speed. An access under another key first writes a dirty view back
 * (encrypting it) and drops it. So every access sees exactly what decrypting (or encrypting) that one
 * access would have given (3.4: the engine applies per access when no cache is modelled); the view is
 * only a page-sized memo of it, with AES on view creation and write-back.
 */
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;

/** A read-only page of zeros: what never-written memory reads as. Never written through. */
export const ZERO_PAGE = new DataView(new ArrayBuffer(PAGE_SIZE));

/** Plain-data image of RAM (shares page buffers with the live RAM until one side writes). */
export interface RamSnapshot {
  readonly pages: readonly (DataView | undefined)[];
  /** DRAM bytes of unencrypted lines dirty in the cache model (lineDirtied); absent in older snapshots. */
  readonly shadows?: ReadonlyMap<number, Uint8Array>;
}

/**
 * The memory encryption engine as RAM sees it (emulator/cvm/mee.ts implements it). Key ids are small
 * integers 1..255 naming a key; 0 means no key.
 */
export interface RamCipher {
  /** The host has a key of its own (cvm-model 1.3): host Sv32 leaf PTEs' bit 31 is then a C-bit. */
  readonly hostKey: boolean;
  /** Key id for an access by encryption identity `asid` with C-bit `enc` (cvm-model 1.1, 2.4); 0 = none. */
  keyFor(asid: number, enc: number): number;
  /** Decrypt whole 16-byte blocks of DRAM bytes (a copy, in place) as stored at system physical `pa` under key `key`. */
  decrypt(key: number, pa: number, data: Uint8Array): void;
  /** Encrypt whole 16-byte blocks of plaintext (in place) for system physical `pa` under key `key`. */
  encrypt(key: number, pa: number, data: Uint8Array): void;
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
  /** Called with the page index after the page's view changed key: its bytes as the CPU saw them changed. */
  onRekey: (page: number) => void = () => {};
  /** The memory encryption engine, when the machine has one. */
  cipher: RamCipher | undefined;
  /** Per page: the key id of its plaintext view (0: none, the CPU sees DRAM). */
  private owner: Uint8Array;
  private views: (DataView | undefined)[];
  /** 1 = the view may differ from DRAM (it was handed out for writing since it was last written back). */
  private viewDirty: Uint8Array;
  /** Unencrypted lines dirty in the cache model: DRAM's bytes before they became dirty, by RAM offset. */
  private shadows = new Map<number, Uint8Array>();

  constructor(base: number, size: number) {
    if (size <= 0 || size % PAGE_SIZE !== 0) throw new Error(`RAM size must be a positive multiple of ${PAGE_SIZE}`);
    this.base = base;
    this.size = size;
    this.pageCount = size >>> PAGE_SHIFT;
    this.pages = new Array<DataView | undefined>(this.pageCount).fill(undefined);
    this.shared = new Uint8Array(this.pageCount);
    this.owner = new Uint8Array(this.pageCount);
    this.views = new Array<DataView | undefined>(this.pageCount).fill(undefined);
    this.viewDirty = new Uint8Array(this.pageCount);
  }

  /** Key id of the page's current view (0: DRAM). */
  keyOf(page: number): number {
    return this.owner[page]!;
  }

  /** The page as the CPU last saw it: its view, or the DRAM buffer (for coherence checks). */
  currentView(page: number): DataView {
    return this.owner[page] === 0 ? this.pageForRead(page) : this.views[page]!;
  }

  /** Page `page` as seen under `key` for reading. */
  viewForRead(page: number, key: number): DataView {
    if (this.owner[page] !== key) this.rekey(page, key);
    return key === 0 ? this.pageForRead(page) : this.views[page]!;
  }

  /** Page `page` as seen under `key` for writing (a key's view is then written back before it goes). */
  viewForWrite(page: number, key: number): DataView {
    if (this.owner[page] !== key) this.rekey(page, key);
    if (key === 0) return this.pageForWrite(page);
    this.viewDirty[page] = 1;
    return this.views[page]!;
  }

  /** Move page `page`'s view to key `key`: write back and drop the old view, decrypt a new one. */
  private rekey(page: number, key: number): void {
    const c = this.cipher;
    if (c === undefined) throw new Error(`RAM access under key ${key} without a memory encryption engine`);
    const pa = this.base + page * PAGE_SIZE;
    const cur = this.owner[page]!;
    if (cur !== 0) {
      this.writeBackView(page);
      this.views[page] = undefined;
    }
    if (key !== 0) {
      const raw = this.pageForRead(page);
      const data = new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + PAGE_SIZE));
      c.decrypt(key, pa, data);
      this.views[page] = new DataView(data.buffer);
    }
    this.owner[page] = key;
    this.onRekey(page);
  }

  /** Page bytes as seen under `key`, computed without changing any view (debugger, features). */
  private peekPage(page: number, key: number): Uint8Array {
    const cur = this.owner[page]!;
    const v = cur === 0 ? this.pageForRead(page) : this.views[page]!;
    const data = new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + PAGE_SIZE));
    if (cur === key) return data;
    const pa = this.base + page * PAGE_SIZE;
    if (cur !== 0 && this.viewDirty[page] !== 0) this.cipher!.encrypt(cur, pa, data);
    else if (cur !== 0) data.set(new Uint8Array(this.pageForRead(page).buffer, 0, PAGE_SIZE));
    if (key !== 0) this.cipher!.decrypt(key, pa, data);
    return data;
  }

  /** Write every dirty view back to DRAM (views stay, clean). Callers must drop store-TLB entries. */
  writeBackViews(): void {
    if (this.cipher === undefined) return;
    for (let p = 0; p < this.pageCount; p++) this.writeBackView(p);
  }

  /** A dirty view's bytes, encrypted under its key, into the DRAM page; the view is clean after. */
  private writeBackView(page: number): void {
    if (this.viewDirty[page] === 0) return;
    const data = new Uint8Array(this.views[page]!.buffer.slice(0));
    this.cipher!.encrypt(this.owner[page]!, this.base + page * PAGE_SIZE, data);
    new Uint8Array(this.pageForWrite(page).buffer).set(data);
    this.viewDirty[page] = 0;
  }

  /**
   * A cache line became dirty (emulator/cache): for an unencrypted line (key 0), whose bytes the CPU
   * writes straight into DRAM here, keep DRAM's bytes as they are now, so that losing the line
   * (revertLine) can bring them back. Keyed lines need nothing: their view is apart from DRAM.
   */
  lineDirtied(off: number, len: number, key: number): void {
    if (key !== 0 || this.shadows.has(off)) return;
    this.shadows.set(off, this.readBytes(off, len));
  }

  /**
   * A cache line reached DRAM (an LLC write-back, cbo.clean/flush; cvm-model 3.1). Under a key:
   * encrypt those bytes of the view into DRAM, keeping the view (nothing when the page has no view
   * under `key`: its bytes went to DRAM when the view was dropped). Unencrypted: DRAM already has
   * them. `off`, `len`: 16-byte aligned.
   */
  writeBackLine(off: number, len: number, key: number): void {
    const page = off >>> PAGE_SHIFT;
    if (key === 0) this.shadows.delete(off);
    if (key === 0 || this.owner[page] !== key) return;
    const inPage = off & PAGE_MASK;
    const v = this.views[page]!;
    const data = new Uint8Array(v.buffer.slice(inPage, inPage + len));
    this.cipher!.encrypt(key, this.base + off, data);
    new Uint8Array(this.pageForWrite(page).buffer, inPage, len).set(data);
  }

  /**
   * A dirty cache line under `key` was dropped without write-back (cbo.inval, cinval.all): the view's
   * bytes go back to what DRAM holds, decrypted. Returns whether anything changed.
   */
  revertLine(off: number, len: number, key: number): boolean {
    const page = off >>> PAGE_SHIFT;
    if (key === 0) {
      const old = this.shadows.get(off);
      if (old === undefined) return false;
      this.shadows.delete(off);
      new Uint8Array(this.pageForWrite(page).buffer, off & PAGE_MASK, old.length).set(old);
      return true;
    }
    if (this.owner[page] !== key) return false;
    const inPage = off & PAGE_MASK;
    const raw = this.pageForRead(page);
    const data = new Uint8Array(raw.buffer.slice(raw.byteOffset + inPage, raw.byteOffset + inPage + len));
    this.cipher!.decrypt(key, this.base + off, data);
    new Uint8Array(this.views[page]!.buffer, inPage, len).set(data);
    return true;
  }

  /** Write back and drop every view under `key` (before the key it names changes or goes). */
  dropKey(key: number): void {
    for (let p = 0; p < this.pageCount; p++) if (this.owner[p] === key) this.rekey(p, 0);
  }

  /** Pages with a view, by key id (for statistics and views). */
  viewCounts(): Map<number, number> {
    const m = new Map<number, number>();
    for (let p = 0; p < this.pageCount; p++) {
      const k = this.owner[p]!;
      if (k !== 0) m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
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

  /** Read `size` bytes at RAM offset `off` (may cross pages) under key `key`, zero-extended. */
  read(off: number, size: 1 | 2 | 4, key = 0): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const o = off + i;
      v = v * 256 + this.viewForRead(o >>> PAGE_SHIFT, key).getUint8(o & PAGE_MASK);
    }
    return v;
  }

  /** Write the low `size` bytes of `value` at RAM offset `off` (may cross pages) under `key`, little-endian. */
  write(off: number, size: 1 | 2 | 4, value: number, key = 0): void {
    for (let i = 0; i < size; i++) {
      const o = off + i;
      this.viewForWrite(o >>> PAGE_SHIFT, key).setUint8(o & PAGE_MASK, (value >>> (8 * i)) & 0xff);
    }
  }

  /**
   * Copy bytes in under `key` (loader, debugger, devices). Skips allocation for all-zero chunks of
   * never-written pages when the bytes go to DRAM as they are.
   */
  writeBytes(off: number, data: Uint8Array, key = 0): void {
    let i = 0;
    while (i < data.length) {
      const o = off + i;
      const page = o >>> PAGE_SHIFT;
      const inPage = o & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - inPage, data.length - i);
      const chunk = data.subarray(i, i + n);
      if (key !== 0 || this.owner[page] !== 0 || this.pages[page] !== undefined || chunk.some((b) => b !== 0)) {
        const dv = this.viewForWrite(page, key);
        new Uint8Array(dv.buffer, dv.byteOffset + inPage, n).set(chunk);
      }
      i += n;
    }
  }

  /**
   * Bytes as seen under `key` (default: DRAM as stored). Computed without changing any view, so
   * that a debugger's read never changes what the machine does next.
   */
  readBytes(off: number, len: number, key = 0): Uint8Array {
    const out = new Uint8Array(len);
    let i = 0;
    while (i < len) {
      const o = off + i;
      const page = o >>> PAGE_SHIFT;
      const inPage = o & PAGE_MASK;
      const n = Math.min(PAGE_SIZE - inPage, len - i);
      if (this.owner[page] === key) {
        const dv = key === 0 ? this.pageForRead(page) : this.views[page]!;
        out.set(new Uint8Array(dv.buffer, dv.byteOffset + inPage, n), i);
      } else {
        out.set(this.peekPage(page, key).subarray(inPage, inPage + n), i);
      }
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
    this.writeBackViews();
    for (let i = 0; i < this.pageCount; i++) if (this.pages[i] !== undefined) this.shared[i] = 1;
    return { pages: this.pages.slice(), shadows: new Map(this.shadows) };
  }

  /**
   * Go back to a snapshot; its buffers stay shared (the snapshot can be restored again later).
   * Plaintext views are dropped (the snapshot's DRAM is the truth). onReplace and onRekey are not
   * called: the caller must drop every TLB entry and compare code pages' currentView (the machine does).
   */
  restore(s: RamSnapshot): void {
    if (s.pages.length !== this.pageCount) throw new Error('RAM snapshot is for a different RAM size');
    this.shadows = new Map(s.shadows ?? []);
    for (let i = 0; i < this.pageCount; i++) {
      const p = s.pages[i];
      this.pages[i] = p;
      this.shared[i] = p !== undefined ? 1 : 0;
      this.owner[i] = 0;
      this.views[i] = undefined;
      this.viewDirty[i] = 0;
    }
  }
}
