/**
 * Address translation (privileged spec 4.3 "Sv32", algorithm 4.3.2), as QEMU 7.2 get_physical_address
 * does it: 2-level walk, A and D set by the walker in hardware (4.3.2 step 7, the "Svade-less" option
 * QEMU implements: it updates the PTE with a compare-and-swap and faults if the PTE is not in RAM),
 * PTE reads checked by PMP as S-mode loads (a PMP failure there is an access fault of the original
 * access type).
 *
 * Accesses with V=1 (hypervisor extension) translate in two stages instead: two-stage.ts; `virt` must
 * be false here.
 */
import { MSTATUS_MXR, MSTATUS_SUM, Priv } from '../csr/bits';
import type { Bus } from '../mem/bus';
import { PMP_R, type Pmp } from './pmp';

export const enum Access {
  Fetch = 0,
  Load = 1,
  Store = 2,
}

/** Negative results of translate(): the exception class (the caller maps it to a cause per access). */
export const XLATE_PAGE_FAULT = -1;
export const XLATE_ACCESS_FAULT = -2;

/** PTE bits (privileged spec 4.3.1), shared by every page-table walker (two-stage.ts, debug/translate.ts). */
export const PTE_V = 1;
export const PTE_R = 2;
export const PTE_W = 4;
export const PTE_X = 8;
export const PTE_U = 16;
export const PTE_A = 64;
export const PTE_D = 128;

export interface MmuContext {
  satp: number;
  mstatus: number;
  readonly pmp: Pmp;
  readonly bus: Bus;
  /**
   * Out: the C-bit of the last successful translation. It exists only when the host has a key of its
   * own (cvm-model 1.3, SME-style: bus.ram.cipher.hostKey): bit 31 of the leaf PTE, the top bit of
   * the 34-bit physical address, which is then stripped. 0 otherwise and for Bare/M.
   */
  lastHostEnc: number;
}

/**
 * Translate virtual address `va` (uint32) for `access` at effective privilege `priv`.
 * Returns the physical address (0 .. 2^34-1), or XLATE_PAGE_FAULT / XLATE_ACCESS_FAULT.
 */
export function translate(ctx: MmuContext, va: number, access: Access, priv: number, virt: boolean): number {
  if (virt) throw new Error('translate: V=1 accesses go through translateGuest (two-stage.ts)');
  ctx.lastHostEnc = 0;
  if (priv === Priv.M || ctx.satp >= 0) return va >>> 0; // satp.MODE (bit 31) = 0: Bare
  const bus = ctx.bus;
  let base = (ctx.satp & 0x3fffff) * 4096;
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
    const pteAddr = base + vpn * 4;
    if (!ctx.pmp.check(pteAddr, 4, PMP_R, Priv.S)) return XLATE_ACCESS_FAULT;
    const pte = bus.read(pteAddr, 4);
    if (pte < 0) return XLATE_ACCESS_FAULT;
    if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return XLATE_PAGE_FAULT;
    if ((pte & (PTE_R | PTE_W | PTE_X)) === 0) {
      // Pointer to the next level (step 4).
      base = (pte >>> 10) * 4096;
      continue;
    }
    // Leaf (step 5): U-bit rules with SUM (4.3.1 / 4.1.1.2), then R/W/X with MXR.
    if ((pte & PTE_U) !== 0) {
      if (priv === Priv.S && ((ctx.mstatus & MSTATUS_SUM) === 0 || access === Access.Fetch)) return XLATE_PAGE_FAULT;
    } else if (priv !== Priv.S) {
      return XLATE_PAGE_FAULT;
    }
    if (access === Access.Fetch) {
      if ((pte & PTE_X) === 0) return XLATE_PAGE_FAULT;
    } else if (access === Access.Load) {
      if ((pte & PTE_R) === 0 && ((ctx.mstatus & MSTATUS_MXR) === 0 || (pte & PTE_X) === 0)) return XLATE_PAGE_FAULT;
    } else if ((pte & PTE_W) === 0) {
      return XLATE_PAGE_FAULT;
    }
    // Misaligned superpage (step 6).
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return XLATE_PAGE_FAULT;
    // A/D update (step 7, done in hardware as QEMU 7.2 does).
    const updated = pte | PTE_A | (access === Access.Store ? PTE_D : 0);
    if (updated !== pte) {
      if (!bus.isRam(pteAddr, 4)) return XLATE_PAGE_FAULT;
      bus.write(pteAddr, 4, updated);
    }
    // With a host key the top PPN bit is the C-bit (SME-style), not an address bit.
    const hostKey = bus.ram.cipher?.hostKey === true;
    ctx.lastHostEnc = hostKey ? pte >>> 31 : 0;
    const ppn = (pte >>> 10) & (hostKey ? 0x1fffff : 0x3fffff);
    return level === 1
      ? (ppn >>> 10) * 0x400000 + (va & 0x3fffff)
      : ppn * 4096 + (va & 0xfff);
  }
  return XLATE_PAGE_FAULT; // a pointer at level 0
}
