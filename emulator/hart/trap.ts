/**
 * Trap entry, interrupt selection and trap return.
 *
 * - Trap entry: privileged spec 3.1.6.1 (xIE/xPIE/xPP stack), 3.1.7 (xtvec direct/vectored: only
 *   interrupts are vectored), 3.1.8 (medeleg/mideleg: a trap is handled in S only when taken from S or
 *   U and delegated), 3.1.14-3.1.16 (xepc, xcause, xtval) and 4.1.1 for the S-mode side.
 * - Interrupts: 3.1.9: M-level interrupts (not delegated) are enabled when priv < M or MIE; delegated
 *   ones when priv < S or (priv = S and SIE), never in M. Priority MEI, MSI, MTI, SEI, SSI, STI.
 * - xRET: 3.3.2, with QEMU 7.2's checks (helper_mret / helper_sret).
 */
import {
  Cause,
  IRQ_PRIORITY,
  MSTATUS_MIE,
  MSTATUS_MPIE,
  MSTATUS_MPP,
  MSTATUS_MPP_SHIFT,
  MSTATUS_MPRV,
  MSTATUS_SIE,
  MSTATUS_SPIE,
  MSTATUS_SPP,
  MSTATUS_TSR,
  Priv,
} from '../csr/bits';
import type { Hart } from './hart';
import { R_JUMP } from './types';

/** xepc as read and as returned to: bit 0 always clear, bit 1 too when IALIGN = 32 (3.1.14). */
export function epcMask(h: Hart): number {
  return h.misalignBits !== 0 ? ~3 : ~1;
}

function vector(tvec: number, interrupt: boolean, code: number): number {
  const base = tvec & ~3;
  return ((tvec & 3) === 1 && interrupt ? base + 4 * code : base) >>> 0;
}

/** Take a trap with exception/interrupt `code` at the current pc. */
export function takeTrap(h: Hart, code: number, interrupt: boolean, tval: number): void {
  const pc = h.pc;
  const cause = ((interrupt ? 0x80000000 : 0) + code) >>> 0;
  const deleg = interrupt ? h.mideleg : h.medeleg;
  let ms = h.mstatus;
  if (h.priv <= Priv.S && ((deleg >>> code) & 1) !== 0) {
    h.scause = cause;
    h.sepc = pc;
    h.stval = tval >>> 0;
    ms &= ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
    if ((h.mstatus & MSTATUS_SIE) !== 0) ms |= MSTATUS_SPIE;
    if (h.priv === Priv.S) ms |= MSTATUS_SPP;
    h.mstatus = ms >>> 0;
    h.pc = vector(h.stvec, interrupt, code);
    h.setPriv(Priv.S);
  } else {
    h.mcause = cause;
    h.mepc = pc;
    h.mtval = tval >>> 0;
    ms &= ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
    if ((h.mstatus & MSTATUS_MIE) !== 0) ms |= MSTATUS_MPIE;
    ms |= h.priv << MSTATUS_MPP_SHIFT;
    h.mstatus = ms >>> 0;
    h.pc = vector(h.mtvec, interrupt, code);
    h.setPriv(Priv.M);
  }
  h.wfi = false;
}

/** The interrupt to take now (3.1.9), or -1. */
export function pendingInterrupt(h: Hart): number {
  const pend = h.mip & h.mie;
  if (pend === 0) return -1;
  const ms = h.mstatus;
  const mOn = h.priv < Priv.M || (ms & MSTATUS_MIE) !== 0;
  let irqs = mOn ? pend & ~h.mideleg : 0;
  if (irqs === 0) {
    const sOn = h.priv < Priv.S || (h.priv === Priv.S && (ms & MSTATUS_SIE) !== 0);
    irqs = sOn ? pend & h.mideleg : 0;
  }
  if (irqs === 0) return -1;
  for (const i of IRQ_PRIORITY) if ((irqs & (1 << i)) !== 0) return i;
  return 31 - Math.clz32(irqs & -irqs);
}

/**
 * Look at interrupt state (called between blocks when h.irqDirty): wake from WFI when any enabled-
 * in-mie interrupt is pending (3.3.3, regardless of global enables), take the interrupt if enabled.
 */
export function checkInterrupts(h: Hart): void {
  h.irqDirty = false;
  if (h.wfi && (h.mip & h.mie) !== 0) h.wfi = false;
  const irq = pendingInterrupt(h);
  if (irq >= 0) takeTrap(h, irq, true, 0);
}

/** MRET (3.3.2). Returns an R_* code. */
export function mret(h: Hart, raw: number): number {
  if (h.priv < Priv.M) return h.raise(Cause.Illegal, raw);
  const ms = h.mstatus;
  const prev = (ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
  // QEMU 7.2 helper_mret: with PMP present but no active entry, returning below M faults right here.
  if (prev !== Priv.M && !h.pmp.anyActive()) return h.raise(Cause.InsnAccess, 0);
  let n = ms & ~(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP);
  if ((ms & MSTATUS_MPIE) !== 0) n |= MSTATUS_MIE;
  n |= MSTATUS_MPIE; // MPP <- U (least-privileged supported mode)
  if (prev !== Priv.M) n &= ~MSTATUS_MPRV;
  h.mstatus = n >>> 0;
  h.pc = (h.mepc & epcMask(h)) >>> 0;
  h.setPriv(prev);
  return R_JUMP;
}

/** SRET (3.3.2, TSR in 3.1.6.5). Returns an R_* code. */
export function sret(h: Hart, raw: number): number {
  if (h.priv < Priv.S || (h.priv === Priv.S && (h.mstatus & MSTATUS_TSR) !== 0)) {
    return h.raise(Cause.Illegal, raw);
  }
  const ms = h.mstatus;
  const prev = (ms & MSTATUS_SPP) !== 0 ? Priv.S : Priv.U;
  let n = ms & ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPRV);
  if ((ms & MSTATUS_SPIE) !== 0) n |= MSTATUS_SIE;
  n |= MSTATUS_SPIE;
  h.mstatus = n >>> 0;
  h.pc = (h.sepc & epcMask(h)) >>> 0;
  h.setPriv(prev);
  return R_JUMP;
}
