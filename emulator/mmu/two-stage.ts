/**
 * Two-stage address translation of the hypervisor extension (privileged spec 8.5): VS-stage Sv32
 * (vsatp) then G-stage Sv32x4 (hgatp: 34-bit guest physical addresses, 16 KiB root table), as QEMU 7.2
 * get_physical_address does it with two_stage = true:
 * - every VS-stage page-table access is itself G-stage translated (as a load, 8.5.1); a G-stage fault
 *   there is a guest-page fault of the original access type with the PTE's guest physical address;
 * - G-stage leaves must have U = 1 and are checked as U-mode accesses (8.5.1); MXR there is HS-level
 *   mstatus.MXR, on the VS-stage vsstatus.MXR or mstatus.MXR (8.2.11 vsstatus, 8.5.1);
 * - HLVX needs execute permission at both stages (MXR does not help), faults like loads (8.3.1).
 * A and D are set by the walker (like Sv32, sv32.ts). PTE reads are PMP-checked as S-mode loads.
 *
 * With a memory encryption engine (bus.ram.cipher) the C-bit applies (cvm-model 2): bit 33 of the
 * guest-physical address, i.e. bit 31 of a VS-stage leaf PTE (the top PPN bit), is stripped before the
 * G-stage walk and becomes the access's `enc` (ctx.lastEnc). VS-stage page-table reads are private
 * (2.3): they use the guest's key, and the C-bit of vsatp's root PPN and of non-leaf PTEs is stripped.
 * With vsatp Bare every guest data access is private, as AMD SEV treats a guest with paging disabled
 * (AMD64 APM vol. 2, 15.34.5). G-stage tables belong to the hypervisor: read and updated with no key.
 */
import { MSTATUS_MXR, MSTATUS_SUM, Priv } from '../csr/bits';
import type { Bus } from '../mem/bus';
import { PMP_R, type Pmp } from './pmp';
import { Access, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, XLATE_ACCESS_FAULT, XLATE_PAGE_FAULT } from './sv32';

/** translateGuest(): a G-stage fault; ctx.faultGpa holds the guest physical address. */
export const XLATE_GUEST_PAGE_FAULT = -3;

export interface GuestMmuContext {
  readonly virt: boolean;
  readonly satp: number;
  readonly vsatp: number;
  readonly mstatus: number;
  readonly vsstatus: number;
  readonly hgatp: number;
  readonly pmp: Pmp;
  readonly bus: Bus;
  /** Out: the guest physical address of the last G-stage fault. */
  faultGpa: number;
  /** Out: the guest physical address of the last successful translation (VS-stage output, C-bit stripped). */
  lastGpa: number;
  /** Out: the C-bit of the last successful translation (0 without a memory encryption engine). */
  lastEnc: number;
}

/** Top PPN bit of an Sv32 PTE / atp: the C-bit when memory encryption is on (cvm-model 2.1). */
const PPN_MASK_C = 0x1fffff;
const PPN_MASK = 0x3fffff;

/** Leaf permission check (8.5 / 4.3.2 step 5); `exec` = HLVX (execute permission, no MXR). */
function permitted(pte: number, access: Access, exec: boolean, mxr: boolean): boolean {
  if (access === Access.Fetch || exec) return (pte & PTE_X) !== 0;
  if (access === Access.Load) return (pte & PTE_R) !== 0 || (mxr && (pte & PTE_X) !== 0);
  return (pte & PTE_W) !== 0;
}

/**
 * Set A (and D for stores) in the PTE at physical `pteAddr` (under memory key id `key`); false when it
 * is not RAM (QEMU: fault).
 */
function touch(bus: Bus, pteAddr: number, pte: number, access: Access, key = 0): boolean {
  const updated = (pte | PTE_A | (access === Access.Store ? PTE_D : 0)) >>> 0;
  if (updated === pte >>> 0) return true;
  if (!bus.isRam(pteAddr, 4)) return false;
  bus.write(pteAddr, 4, updated, key);
  return true;
}

/** G-stage (Sv32x4) translation of guest physical `gpa` (0 .. 2^34-1): physical address or < 0. */
export function gStage(ctx: GuestMmuContext, gpa: number, access: Access, exec: boolean, mxr: boolean): number {
  const hg = ctx.hgatp;
  if (hg >>> 31 === 0) return gpa; // Bare
  const fault = (): number => {
    ctx.faultGpa = gpa;
    return XLATE_GUEST_PAGE_FAULT;
  };
  let base = (hg & 0x3fffff) * 4096;
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? Math.floor(gpa / 0x400000) : Math.floor(gpa / 4096) & 0x3ff;
    const pteAddr = base + vpn * 4;
    if (!ctx.pmp.check(pteAddr, 4, PMP_R, Priv.S)) return XLATE_ACCESS_FAULT;
    const pte = ctx.bus.read(pteAddr, 4);
    if (pte < 0) return XLATE_ACCESS_FAULT;
    if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return fault();
    if ((pte & (PTE_R | PTE_W | PTE_X)) === 0) {
      base = (pte >>> 10) * 4096;
      continue;
    }
    if ((pte & PTE_U) === 0 || !permitted(pte, access, exec, mxr)) return fault();
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return fault();
    if (!touch(ctx.bus, pteAddr, pte, access)) return fault();
    return level === 1 ? (pte >>> 20) * 0x400000 + (gpa % 0x400000) : (pte >>> 10) * 4096 + (gpa % 4096);
  }
  return fault();
}

/**
 * Translate guest virtual `va` for `access` at guest privilege `priv` (S = VS, U = VU) through both
 * stages. Returns the physical address, XLATE_PAGE_FAULT (VS-stage), XLATE_GUEST_PAGE_FAULT (G-stage,
 * ctx.faultGpa set) or XLATE_ACCESS_FAULT. While V=1 the hart's S-level fields hold the VS registers
 * (Hart.swapHypervisorRegs), while V=0 (HLV/HSV, MPRV with MPV) the v* fields do.
 */
export function translateGuest(ctx: GuestMmuContext, va: number, access: Access, priv: number, exec: boolean): number {
  const vsatp = ctx.virt ? ctx.satp : ctx.vsatp;
  const vsstatus = ctx.virt ? ctx.mstatus : ctx.vsstatus;
  const hsMxr = ((ctx.virt ? ctx.vsstatus : ctx.mstatus) & MSTATUS_MXR) !== 0;
  const cipher = ctx.bus.ram.cipher;
  if (vsatp >= 0) {
    ctx.lastGpa = va >>> 0; // vsatp.MODE = Bare
    ctx.lastEnc = cipher === undefined ? 0 : 1;
    return gStage(ctx, va >>> 0, access, exec, hsMxr);
  }
  const mxr = hsMxr || (vsstatus & MSTATUS_MXR) !== 0;
  const ppnMask = cipher === undefined ? PPN_MASK : PPN_MASK_C;
  const walkKey = cipher === undefined ? 0 : cipher.keyFor((ctx.hgatp >>> 22) & 0x7f, 1);
  let base = (vsatp & ppnMask) * 4096;
  for (let level = 1; level >= 0; level--) {
    const vpn = level === 1 ? va >>> 22 : (va >>> 12) & 0x3ff;
    const pteGpa = base + vpn * 4;
    const pteAddr = gStage(ctx, pteGpa, Access.Load, false, hsMxr);
    if (pteAddr < 0) return pteAddr;
    if (!ctx.pmp.check(pteAddr, 4, PMP_R, Priv.S)) return XLATE_ACCESS_FAULT;
    const pte = ctx.bus.read(pteAddr, 4, walkKey);
    if (pte < 0) return XLATE_ACCESS_FAULT;
    if ((pte & PTE_V) === 0 || ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0)) return XLATE_PAGE_FAULT;
    if ((pte & (PTE_R | PTE_W | PTE_X)) === 0) {
      base = ((pte >>> 10) & ppnMask) * 4096;
      continue;
    }
    if ((pte & PTE_U) !== 0) {
      if (priv === Priv.S && ((vsstatus & MSTATUS_SUM) === 0 || access === Access.Fetch || exec)) return XLATE_PAGE_FAULT;
    } else if (priv !== Priv.S) {
      return XLATE_PAGE_FAULT;
    }
    if (!permitted(pte, access, exec, mxr)) return XLATE_PAGE_FAULT;
    if (level === 1 && ((pte >>> 10) & 0x3ff) !== 0) return XLATE_PAGE_FAULT;
    if (!touch(ctx.bus, pteAddr, pte, access, walkKey)) return XLATE_PAGE_FAULT;
    const ppn = (pte >>> 10) & ppnMask;
    const gpa = level === 1 ? (ppn >>> 10) * 0x400000 + (va & 0x3fffff) : ppn * 4096 + (va & 0xfff);
    ctx.lastGpa = gpa;
    ctx.lastEnc = cipher === undefined ? 0 : pte >>> 31;
    return gStage(ctx, gpa, access, exec, hsMxr);
  }
  return XLATE_PAGE_FAULT;
}
