/**
 * The hart's memory slow paths: translation, PMP, bus access, TLB refill. Handlers try their TLB fast
 * path first and come here on a miss. Failures record the exception in the hart (h.raise) and report
 * it as a value (-1 or R_TRAP); nothing throws.
 *
 * Exception causes and tval (privileged spec 3.1.15/3.1.16, QEMU 7.2 riscv_cpu_do_interrupt): page
 * faults 12/13/15 and access faults 1/5/7 with tval = the faulting virtual address.
 * Misaligned plain loads/stores are performed (QEMU 7.2 does not trap on them); an access crossing a
 * page is split, and a store checks both pages before writing anything.
 */
import { Cause, CAUSE_INSN_GUEST_PAGE, CAUSE_INTEGRITY, CAUSE_LOAD_GUEST_PAGE, CAUSE_STORE_GUEST_PAGE, CAUSE_VC } from '../csr/bits';
import { PMP_R, PMP_W, PMP_X } from '../mmu/pmp';
import { Access, translate, XLATE_PAGE_FAULT } from '../mmu/sv32';
import { TLB_MASK } from '../mmu/tlb';
import { translateGuest, XLATE_GUEST_PAGE_FAULT } from '../mmu/two-stage';
import { cacheData, cacheFetch, tlbStore, type HartCache } from './cache-path';
import type { CodePage } from './codecache';
import type { Hart } from './hart';
import { triggerDataHit, TRIG_LOAD, TRIG_STORE } from './triggers';
import { R_END, R_NEXT, R_TRAP } from './types';

const PAGE_CAUSE = [Cause.InsnPage, Cause.LoadPage, Cause.StorePage];
const ACCESS_CAUSE = [Cause.InsnAccess, Cause.LoadAccess, Cause.StoreAccess];
const GUEST_CAUSE = [CAUSE_INSN_GUEST_PAGE, CAUSE_LOAD_GUEST_PAGE, CAUSE_STORE_GUEST_PAGE];
const PERM = [PMP_X, PMP_R, PMP_W];

/**
 * Translate and PMP-check; returns the physical address or -1 (exception recorded in h). With V=1
 * (fetches in VS/VU, data also under MPRV with MPV, and HLV/HSV) translation has two stages
 * (two-stage.ts); its G-stage faults are guest-page faults 20/21/23 with htval/mtval2 = GPA >> 2, and
 * every exception of such an access has a guest virtual tval (GVA, 8.6.4).
 */
export function xlate(h: Hart, va: number, size: number, access: Access, quiet = false): number {
  let priv: number;
  let virt: boolean;
  if (h.hyperAccess !== 0) {
    priv = h.hyperPriv;
    virt = true;
  } else if (access === Access.Fetch) {
    priv = h.priv;
    virt = h.virt;
  } else {
    priv = h.dataPriv();
    virt = h.dataVirt();
  }
  const pa = virt ? translateGuest(h, va >>> 0, access, priv, h.hyperAccess === 2) : translate(h, va >>> 0, access, priv, false);
  if (pa < 0) {
    if (pa === XLATE_GUEST_PAGE_FAULT) {
      h.raise(GUEST_CAUSE[access]!, va);
      h.trapGpa = Math.floor(h.faultGpa / 4);
    } else {
      h.raise(pa === XLATE_PAGE_FAULT ? PAGE_CAUSE[access]! : ACCESS_CAUSE[access]!, va);
    }
    h.trapGva = virt;
    return -1;
  }
  // Memory encryption (cvm-model 2.2-2.4): the key of this access. Guest fetches are always private
  // (2.3); HLV/HSV are the hypervisor's accesses and never use a guest's key.
  const cipher = h.bus.ram.cipher;
  const asid = virt ? (h.hgatp >>> 22) & 0x7f : 0;
  if (cipher !== undefined) {
    const enc = !virt ? h.lastHostEnc : h.hyperAccess !== 0 ? 0 : access === Access.Fetch ? 1 : h.lastEnc;
    h.accessEnc = enc;
    h.accessKey = cipher.keyFor(asid, enc);
  }
  h.accessCt = asid * 2 + h.accessEnc;
  if (!h.pmp.check(pa, size, PERM[access]!, priv)) {
    h.raise(ACCESS_CAUSE[access]!, va);
    h.trapGva = virt;
    return -1;
  }
  const cvm = h.env.cvm;
  if (cvm !== null) {
    const c = cvm.check(h, access, va >>> 0, pa, virt && h.hyperAccess === 0, h.accessEnc);
    if (c !== 0) {
      // #VC for the guest carries the reason (integrity) in vstval; an integrity fault the address.
      h.raise(c, c === CAUSE_VC ? CAUSE_INTEGRITY : va);
      if (virt) {
        h.trapGpa = Math.floor(h.lastGpa / 4);
        h.trapGva = true;
      }
      return -1;
    }
  }
  if (h.trigData !== null && access !== Access.Fetch) {
    const kinds = h.rmw ? TRIG_LOAD | TRIG_STORE : access === Access.Load ? TRIG_LOAD : TRIG_STORE;
    if (triggerDataHit(h, va >>> 0, size, kinds)) {
      h.raise(Cause.Breakpoint, 0); // Sdtrig load/store trigger: before the access (triggers.ts)
      return -1;
    }
  }
  const obs = h.env.observer;
  if (!quiet) {
    if (obs !== undefined) obs.access(h.id, access, va >>> 0, pa, size, virt ? h.lastGpa : undefined);
    else if (h.cache !== null) cacheSlowPath(h, h.cache, access, pa, size);
  }
  const w = h.env.watch;
  if (w !== null && h.watchHit === null) {
    const hit = w.match(h.pc, pa, size, access);
    if (hit !== undefined) {
      h.watchHit = hit;
      h.requestYield(); // the block ends after this instruction (R_END), run() reports the hit
    }
  }
  return pa;
}

/** An access the TLB did not serve, for the cache fast path's model (device addresses are uncached). */
function cacheSlowPath(h: Hart, c: HartCache, access: Access, pa: number, size: number): void {
  const ram = h.bus.ram;
  const q = pa - ram.base;
  if (q < 0 || q + size > ram.size) return;
  if (access === Access.Fetch) cacheFetch(h, c, q, size, h.accessCt);
  else cacheData(h, c, access === Access.Load ? 1 : 2, q, size, h.accessCt);
}

/** RAM page index usable by a TLB entry for the page of `pa`, or -1. */
function tlbPage(h: Hart, va: number, pa: number, perm: number, priv: number): number {
  if (h.env.observer !== undefined || h.hyperAccess !== 0) return -1;
  const base = pa - (va & 0xfff);
  const page = h.bus.fastRamPage(base);
  if (page < 0 || !h.pmp.pageAllowed(base, perm, priv)) return -1;
  const w = h.env.watch;
  if (w !== null && perm !== PMP_X && w.pages.has(page)) return -1; // watched: stay on the slow path
  const td = h.trigData;
  if (td !== null && perm !== PMP_X && td.has(va >>> 12)) return -1; // Sdtrig load/store trigger page
  return page;
}

function fillLoad(h: Hart, va: number, pa: number): void {
  const page = tlbPage(h, va, pa, PMP_R, h.dataPriv());
  if (page < 0) return;
  const vpn = va >>> 12;
  const t = h.dTlb;
  const s = vpn & TLB_MASK;
  t.lMem[s] = h.bus.ram.viewForRead(page, h.accessKey);
  t.lPage[s] = page;
  t.lCt[s] = h.accessCt;
  t.lTag[s] = vpn;
}

function fillStore(h: Hart, va: number, pa: number): void {
  const page = tlbPage(h, va, pa, PMP_W, h.dataPriv());
  if (page < 0) return;
  const mem = h.bus.ram.viewForWrite(page, h.accessKey); // may allocate or copy (then onReplace flushes old entries)
  const vpn = va >>> 12;
  const t = h.dTlb;
  const s = vpn & TLB_MASK;
  if (h.env.code.has(page)) {
    // Data beside code in one page (small programs, guests): storeValue's code-page entry.
    t.cMem[s] = mem;
    t.cPage[s] = page;
    t.cCt[s] = h.accessCt;
    t.cTag[s] = vpn;
    return;
  }
  t.sMem[s] = mem;
  t.sPage[s] = page;
  t.sCt[s] = h.accessCt;
  t.sTag[s] = vpn;
}

/**
 * A store within one page that has a code-page TLB entry: write through it and tell the code cache
 * (bus.onRamWrite), which drops decoded code the store changed. What Bus.write does for RAM, without
 * translating again. Returns an R_* code.
 */
function storeCodePage(h: Hart, s: number, off: number, size: 1 | 2 | 4, value: number): number {
  const q = h.cPage[s]! * 4096 + off;
  if (h.cache !== null) cacheData(h, h.cache, 2, q, size, h.cCt[s]!);
  const mem = h.cMem[s]!;
  if (size === 4) mem.setInt32(off, value, true);
  else if (size === 2) mem.setInt16(off, value, true);
  else mem.setInt8(off, value);
  h.bus.onRamWrite(q, size);
  return h.yieldReq ? R_END : R_NEXT;
}

/** Load `size` bytes at `va`, zero-extended; -1 on an exception (recorded in h). */
export function loadValue(h: Hart, va: number, size: 1 | 2 | 4): number {
  va >>>= 0;
  if ((va & 0xfff) + size > 0x1000) {
    let v = 0;
    for (let i = 0; i < size; i++) {
      const b = loadValue(h, (va + i) >>> 0, 1);
      if (b < 0) return -1;
      v += b * 2 ** (8 * i);
    }
    return v;
  }
  const pa = xlate(h, va, size, Access.Load);
  if (pa < 0) return -1;
  const v = h.bus.read(pa, size, h.accessKey);
  if (v < 0) {
    // QEMU 7.2 performs a misaligned load as aligned parts; the first part faults, so tval is the
    // address rounded down to the access size (the spec leaves tval's choice here to us, 3.1.16).
    h.raise(Cause.LoadAccess, (va & (size - 1)) === 0 ? va : (va & ~(size - 1)) >>> 0);
    return -1;
  }
  fillLoad(h, va, pa);
  return v;
}

/** Load into x[rd] with sign extension from `size` bytes when `signed`. Returns an R_* code. */
export function loadInto(h: Hart, rd: number, va: number, size: 1 | 2 | 4, signed: boolean): number {
  const v = loadValue(h, va, size);
  if (v < 0) return R_TRAP;
  const sh = 32 - 8 * size;
  h.x[rd] = signed ? (v << sh) >> sh : v;
  return h.yieldReq ? R_END : R_NEXT;
}

/** Store the low `size` bytes of `value` at `va`. Returns an R_* code (R_END after device writes). */
export function storeValue(h: Hart, va: number, size: 1 | 2 | 4, value: number): number {
  va >>>= 0;
  const off = va & 0xfff;
  if (off + size > 0x1000) {
    const second = (va + size - 1) >>> 0;
    const pa1 = xlate(h, va, 0x1000 - off, Access.Store);
    if (pa1 < 0) return R_TRAP;
    const key1 = h.accessKey;
    const pa2 = xlate(h, second - (second & 0xfff), off + size - 0x1000, Access.Store);
    if (pa2 < 0) return R_TRAP;
    const key2 = h.accessKey;
    for (let i = 0; i < size; i++) {
      const first = off + i < 0x1000;
      const pa = first ? pa1 + i : pa2 + (off + i - 0x1000);
      if (!h.bus.write(pa, 1, (value >>> (8 * i)) & 0xff, first ? key1 : key2)) return h.raise(Cause.StoreAccess, (va + i) >>> 0);
    }
    return h.yieldReq ? R_END : R_NEXT;
  }
  const cs = (va >>> 12) & TLB_MASK;
  if (h.cTag[cs] === va >>> 12 && h.hyperAccess === 0) return storeCodePage(h, cs, off, size, value); // not HSV: other translation
  const pa = xlate(h, va, size, Access.Store);
  if (pa < 0) return R_TRAP;
  if (!h.bus.write(pa, size, value, h.accessKey)) return h.raise(Cause.StoreAccess, va);
  fillStore(h, va, pa);
  return h.yieldReq ? R_END : R_NEXT;
}

/**
 * Read-modify-write of an aligned word for AMOs and SC (store/AMO permissions, causes 7/15). `op`
 * gets the old value and `b` and returns the new value, or undefined to skip the write (SC failure). Returns
 * the old value (uint32) or -1 on an exception.
 */
export function rmwWord(h: Hart, va: number, op: (old: number, b: number) => number | undefined, b: number): number {
  va >>>= 0;
  const vpn = va >>> 12;
  const s = vpn & TLB_MASK;
  if (h.sTag[s] === vpn) {
    tlbStore(h, s, va & 0xfff, 4);
    const mem = h.sMem[s]!;
    const old = mem.getUint32(va & 0xfff, true);
    const nv = op(old, b);
    if (nv !== undefined) mem.setInt32(va & 0xfff, nv, true);
    return old;
  }
  h.rmw = true;
  const pa = xlate(h, va, 4, Access.Store);
  h.rmw = false;
  if (pa < 0) return -1;
  const old = h.bus.read(pa, 4, h.accessKey);
  if (old < 0) {
    h.raise(Cause.StoreAccess, va);
    return -1;
  }
  const nv = op(old, b);
  if (nv !== undefined) {
    if (!h.bus.write(pa, 4, nv, h.accessKey)) {
      h.raise(Cause.StoreAccess, va);
      return -1;
    }
    fillStore(h, va, pa);
  }
  return old;
}

/**
 * Instruction fetch for the page holding `pc`: translation, PMP (execute), RAM check, then the
 * decoded-instruction page, entered in the fetch TLB when the whole page qualifies. Returns null after
 * recording an exception (cause 12 or 1, tval = pc).
 */
export function fetchPage(h: Hart, pc: number): CodePage | null {
  const obs = h.env.observer;
  // The cache fast path reports fetches per instruction from the block executor (run.ts).
  const pa = xlate(h, pc, 2, Access.Fetch, obs !== undefined || h.cache !== null);
  if (pa < 0) return null;
  h.fetchCt = h.accessCt;
  const ram = h.bus.ram;
  const off = pa - ram.base;
  if (obs !== undefined) {
    // The observer hears the instruction's own length (up to the page end: see straddling in run.ts).
    const four = off >= 0 && off + 2 <= ram.size && (off & 0xfff) <= 0xffc && (ram.read(off, 2, h.accessKey) & 3) === 3;
    obs.access(h.id, Access.Fetch, pc >>> 0, pa, four ? 4 : 2, h.virt ? h.lastGpa : undefined);
  }
  if (off < 0 || off >= ram.size) {
    h.raise(Cause.InsnAccess, pc);
    return null;
  }
  const page = off >>> 12;
  if (ram.keyOf(page) !== h.accessKey) ram.viewForRead(page, h.accessKey); // decode what this key sees
  const cp = h.env.code.get(page);
  if (tlbPage(h, pc, pa, PMP_X, h.priv) >= 0) {
    const vpn = pc >>> 12;
    const t = h.iTlb;
    const s = vpn & TLB_MASK;
    t.fCode[s] = cp;
    t.fPage[s] = page;
    t.fCt[s] = h.accessCt;
    t.fTag[s] = vpn;
  } else {
    h.singleStep = true;
  }
  return cp;
}

/** Fetch one 16-bit parcel (for an instruction straddling two pages); -1 on an exception. */
export function fetchParcel(h: Hart, va: number): number {
  const pa = xlate(h, va, 2, Access.Fetch);
  if (pa < 0) return -1;
  const ram = h.bus.ram;
  const off = pa - ram.base;
  if (off < 0 || off + 2 > ram.size) {
    h.raise(Cause.InsnAccess, va);
    return -1;
  }
  return ram.read(off, 2, h.accessKey);
}
