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
  CAUSE_INSN_GUEST_PAGE,
  CAUSE_LOAD_GUEST_PAGE,
  CAUSE_STORE_GUEST_PAGE,
  CAUSE_VC,
  CAUSE_VIRTUAL_INSN,
  HSTATUS_GVA,
  HSTATUS_SPV,
  HSTATUS_SPVP,
  HSTATUS_VTSR,
  IRQ_PRIORITY,
  IRQ_VSEI,
  IRQ_VSSI,
  IRQ_VSTI,
  MSTATUSH_GVA,
  MSTATUSH_MPV,
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

/** Exceptions whose tval is an address (QEMU 7.2 riscv_cpu_do_interrupt: these may set GVA). */
const ADDR_CAUSES = (1 << Cause.InsnMisaligned) | (1 << Cause.InsnAccess) | (1 << Cause.LoadMisaligned) |
  (1 << Cause.LoadAccess) | (1 << Cause.StoreMisaligned) | (1 << Cause.StoreAccess) | (1 << Cause.InsnPage) |
  (1 << Cause.LoadPage) | (1 << Cause.StorePage) | (1 << CAUSE_INSN_GUEST_PAGE) | (1 << CAUSE_LOAD_GUEST_PAGE) |
  (1 << CAUSE_STORE_GUEST_PAGE);

/**
 * Take a trap with exception/interrupt `code` at the current pc. For exceptions, h.trapGpa and
 * h.trapGva (set with the exception) give htval/mtval2 and GVA.
 *
 * With H (8.6.4, QEMU 7.2 riscv_cpu_do_interrupt): a trap from V=1 that medeleg/mideleg and
 * hedeleg/hideleg both delegate goes to VS-mode (VS interrupts 2/6/10 reported as 1/5/9); delegated
 * by medeleg/mideleg only, it goes to HS-mode with hstatus.SPV/SPVP recording V and the privilege; M
 * records V in mstatush.MPV. GVA (hstatus or mstatush) tells whether tval is a guest virtual address.
 */
export function takeTrap(h: Hart, code: number, interrupt: boolean, tval: number): void {
  h.trapSeq++;
  h.watchHit = null; // the instruction did not retire
  // A trap ends any LR reservation, as in QEMU 7.2 (riscv_cpu_set_mode clears load_res); the spec
  // permits an SC to fail for any reason (unprivileged spec 8.2).
  h.resAddr = -1;
  const pc = h.pc;
  let c = code;
  const deleg = interrupt ? h.mideleg : h.medeleg;
  const gva = !interrupt && ((ADDR_CAUSES >>> code) & 1) !== 0 && (h.trapGva || h.virt);
  const gpa = interrupt ? 0 : h.trapGpa;
  const virt = h.virt;
  const priv = h.priv;
  // Confidential-VM hardware (emulator/cvm/README.md): a #VC goes to the guest itself, and register
  // protection reflects other exceptions into the guest as #VC (vstval = the cause) instead of exiting.
  let toGuest = false;
  const cvm = h.env.cvm;
  if (virt && !interrupt && cvm !== null) {
    if (code === CAUSE_VC) {
      toGuest = true;
    } else {
      const r = cvm.reflect(h, code);
      if (r >= 0) {
        toGuest = true;
        c = r;
        tval = code;
      }
    }
  }
  if (priv <= Priv.S && (toGuest || ((deleg >>> code) & 1) !== 0)) {
    if (h.hasH) {
      const hdeleg = interrupt ? h.hideleg : h.hedeleg;
      if (toGuest || (virt && ((hdeleg >>> code) & 1) !== 0)) {
        if (interrupt && (code === IRQ_VSSI || code === IRQ_VSTI || code === IRQ_VSEI)) c = code - 1;
      } else {
        let hs = h.hstatus & ~(HSTATUS_SPV | HSTATUS_GVA);
        if (virt) {
          hs = (hs & ~HSTATUS_SPVP) | (priv === Priv.S ? HSTATUS_SPVP : 0) | HSTATUS_SPV;
          h.setMode(priv, false); // swap to the HS registers; privilege set below
        }
        if (gva) hs |= HSTATUS_GVA;
        h.hstatus = hs >>> 0;
        h.htval = gpa >>> 0;
      }
    }
    let ms = h.mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
    if ((h.mstatus & MSTATUS_SIE) !== 0) ms |= MSTATUS_SPIE;
    if (priv === Priv.S) ms |= MSTATUS_SPP;
    h.mstatus = ms >>> 0;
    h.scause = ((interrupt ? 0x80000000 : 0) + c) >>> 0;
    h.sepc = pc;
    h.stval = tval >>> 0;
    h.pc = vector(h.stvec, interrupt, c);
    h.setPriv(Priv.S);
  } else {
    if (h.hasH) {
      if (virt) h.setMode(priv, false);
      h.mstatush = ((h.mstatush & ~(MSTATUSH_MPV | MSTATUSH_GVA)) | (virt ? MSTATUSH_MPV : 0) | (gva ? MSTATUSH_GVA : 0)) >>> 0;
      h.mtval2 = gpa >>> 0;
      h.mtinst = 0;
    }
    let ms = h.mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
    if ((h.mstatus & MSTATUS_MIE) !== 0) ms |= MSTATUS_MPIE;
    ms |= priv << MSTATUS_MPP_SHIFT;
    h.mstatus = ms >>> 0;
    h.mcause = ((interrupt ? 0x80000000 : 0) + c) >>> 0;
    h.mepc = pc;
    h.mtval = tval >>> 0;
    h.pc = vector(h.mtvec, interrupt, c);
    h.setPriv(Priv.M);
  }
  h.wfi = false;
  if (virt && !h.virt && cvm !== null) cvm.exited(h, c, interrupt, pc);
  const obs = h.env.observer;
  if (obs?.mode !== undefined) obs.mode(h.id, priv, virt, h.priv, h.virt, h.pc, ((interrupt ? 0x80000000 : 0) + c) >>> 0);
  const f = h.env.trapCatch;
  if (f !== null && f(h.id, c, interrupt, h.priv, h.virt)) {
    // The run loop stops before anything else (even an interrupt) happens: service() in run.ts.
    h.trapHit = { cause: c, interrupt, toPriv: h.priv, toVirt: h.virt };
    h.requestYield();
  }
}

/** The interrupt with the highest priority among `irqs` (3.1.9 order, then SGEI and the VS ones, 8.4.3), or -1. */
function best(irqs: number): number {
  for (const i of IRQ_PRIORITY) if ((irqs & (1 << i)) !== 0) return i;
  return 31 - Math.clz32(irqs & -irqs);
}

/**
 * The interrupt to take now (3.1.9; with H 8.4.3 / QEMU 7.2 riscv_cpu_local_irq_pending), or -1:
 * M-level ones (not in mideleg) when priv < M or MIE; HS-level ones (mideleg, not hideleg) when
 * V=1, priv < S, or S with SIE; VS-level ones (mideleg and hideleg) only when V=1 and (VU, or VS with
 * vsstatus.SIE, which is mstatus.SIE while V=1).
 */
export function pendingInterrupt(h: Hart): number {
  const pend = h.mip & h.mie;
  if (pend === 0) return -1;
  const ms = h.mstatus;
  const virt = h.virt;
  const mOn = virt || h.priv < Priv.M || (ms & MSTATUS_MIE) !== 0;
  let irqs = mOn ? pend & ~h.mideleg : 0;
  if (irqs !== 0) return best(irqs);
  const sOn = h.priv < Priv.S || (h.priv === Priv.S && (ms & MSTATUS_SIE) !== 0);
  irqs = virt || sOn ? pend & h.mideleg & ~h.hideleg : 0;
  if (irqs !== 0) return best(irqs);
  irqs = virt && sOn ? pend & h.mideleg & h.hideleg : 0;
  if (irqs === 0) return -1;
  const v = best(irqs >>> 1);
  return v < 0 ? v : v + 1;
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

/** MRET (3.3.2; with H, MPV selects V when MPP is not M, 8.6.4). Returns an R_* code. */
export function mret(h: Hart, raw: number): number {
  if (h.priv < Priv.M) return h.raise(Cause.Illegal, raw);
  const ms = h.mstatus;
  const prev = (ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
  // QEMU 7.2 helper_mret: with PMP present but no active entry, returning below M faults right here.
  if (prev !== Priv.M && !h.pmp.anyActive()) return h.raise(Cause.InsnAccess, 0);
  const virt = prev !== Priv.M && (h.mstatush & MSTATUSH_MPV) !== 0;
  let n = ms & ~(MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP);
  if ((ms & MSTATUS_MPIE) !== 0) n |= MSTATUS_MIE;
  n |= MSTATUS_MPIE; // MPP <- U (least-privileged supported mode)
  if (prev !== Priv.M) n &= ~MSTATUS_MPRV;
  h.mstatus = n >>> 0;
  h.mstatush &= ~MSTATUSH_MPV;
  h.resAddr = -1; // xRET ends an LR reservation, as a trap does
  h.pc = (h.mepc & epcMask(h)) >>> 0;
  const fromPriv = h.priv;
  const fromVirt = h.virt;
  const resume = virt && h.env.cvm !== null ? h.env.cvm.entering(h) : -1;
  h.setMode(prev, virt);
  if (resume >= 0) h.pc = resume;
  const obs = h.env.observer;
  if (obs?.mode !== undefined) obs.mode(h.id, fromPriv, fromVirt, prev, virt, h.pc, undefined);
  return R_JUMP;
}

/**
 * SRET (3.3.2, TSR in 3.1.6.5). From HS-mode, hstatus.SPV selects V (8.6.4). In VS-mode hstatus.VTSR
 * makes it a virtual-instruction exception (mstatus.TSR affects HS only, 8.2.1), in VU-mode it is one
 * (8.6.1). Returns an R_* code.
 */
export function sret(h: Hart, raw: number): number {
  if (h.virt) {
    if (h.priv === Priv.U || (h.hstatus & HSTATUS_VTSR) !== 0) return h.raise(CAUSE_VIRTUAL_INSN, raw);
  } else if (h.priv < Priv.S || (h.priv === Priv.S && (h.mstatus & MSTATUS_TSR) !== 0)) {
    return h.raise(Cause.Illegal, raw);
  }
  const ms = h.mstatus;
  const prev = (ms & MSTATUS_SPP) !== 0 ? Priv.S : Priv.U;
  let n = ms & ~(MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_MPRV);
  if ((ms & MSTATUS_SPIE) !== 0) n |= MSTATUS_SIE;
  n |= MSTATUS_SPIE;
  h.mstatus = n >>> 0;
  h.resAddr = -1; // xRET ends an LR reservation, as a trap does
  h.pc = (h.sepc & epcMask(h)) >>> 0;
  let virt = h.virt;
  if (h.hasH && !h.virt) {
    virt = (h.hstatus & HSTATUS_SPV) !== 0;
    h.hstatus &= ~HSTATUS_SPV;
  }
  const fromPriv = h.priv;
  const fromVirt = h.virt;
  const resume = virt && !fromVirt && h.env.cvm !== null ? h.env.cvm.entering(h) : -1;
  h.setMode(prev, virt);
  if (resume >= 0) h.pc = resume;
  const obs = h.env.observer;
  if (obs?.mode !== undefined) obs.mode(h.id, fromPriv, fromVirt, prev, virt, h.pc, undefined);
  return R_JUMP;
}
