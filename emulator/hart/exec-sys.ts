/**
 * System instructions: ECALL/EBREAK (unprivileged 2.8), FENCE/FENCE.I (2.7, ch. 3), Zicsr (ch. 9),
 * xRET/WFI/SFENCE.VMA (privileged 3.3, 4.2.1), Zicbom (CMO spec 2.5), and `illegal`.
 * Illegal-instruction exceptions carry the instruction bits in tval (QEMU 7.2: env->bins).
 */
import { csrExecute, CsrOp } from '../csr/access';
import {
  Cause,
  CAUSE_ECALL_VS,
  CAUSE_VIRTUAL_INSN,
  ENVCFG_CBCFE,
  HSTATUS_VTVM,
  HSTATUS_VTW,
  ENVCFG_CBIE,
  MSTATUS_TVM,
  MSTATUS_TW,
  Priv,
} from '../csr/bits';
import { Access } from '../mmu/sv32';
import type { Hart } from './hart';
import { HYP_HANDLERS } from './exec-hyp';
import { xlate } from './memory';
import { mret, sret } from './trap';
import { R_END, R_NEXT, X_SINK, type CboOp, type DInsn, type Handler } from './types';

export const illegal: Handler = (h, d) => h.raise(Cause.Illegal, d.insn.raw);

function csr(op: CsrOp, imm: boolean): Handler {
  return (h, d) => {
    const src = imm ? d.rs1 : h.x[d.rs1]!;
    const writes = op === CsrOp.Write || d.rs1 !== 0;
    const reads = op !== CsrOp.Write || d.rd !== X_SINK;
    const old = csrExecute(h, d.csr, op, src, writes, reads);
    if (old < 0) return h.raise(-old - 1, d.insn.raw);
    h.x[d.rd] = old;
    return R_END;
  };
}

/**
 * Zicbom enables (CMO spec 2.5.1 / privileged 3.1.18, 8.2.5): below M needs menvcfg (else illegal);
 * with V=1 also henvcfg, and in VU senvcfg (else virtual instruction); in U (V=0) senvcfg (illegal).
 * Returns 0 or the exception cause.
 */
function cboDenied(h: Hart, field: number): number {
  if (h.priv === Priv.M) return 0;
  if ((h.menvcfg & field) === 0) return Cause.Illegal;
  const s = (h.senvcfg & field) !== 0;
  if (h.virt) return (h.henvcfg & field) === 0 || (h.priv === Priv.U && !s) ? CAUSE_VIRTUAL_INSN : 0;
  return h.priv === Priv.U && !s ? Cause.Illegal : 0;
}

/**
 * cbo.clean/flush/inval: permitted when a load or a store to the block would be; otherwise a store
 * page fault (translation permits nothing) or store access fault (CMO spec 2.5.2). A permitted one
 * goes to the cache model (through the observer, or the cache fast path's model: hart/cache-path.ts).
 */
function cbo(field: number, op: CboOp): Handler {
  return (h, d) => {
    const denied = cboDenied(h, field);
    if (denied !== 0) return h.raise(denied, d.insn.raw);
    const a = h.x[d.rs1]! >>> 0;
    const obs = h.env.observer;
    const c = h.cache;
    if (obs?.cbo !== undefined || c !== null) {
      // Report the operation itself, not the permission checks' 1-byte translations.
      let pa = xlate(h, a, 1, Access.Load, true);
      if (pa < 0) pa = xlate(h, a, 1, Access.Store, true);
      if (pa >= 0) {
        if (obs?.cbo !== undefined) obs.cbo(h.id, op, a, pa, h.dataVirt() ? h.lastGpa : undefined);
        else if (c !== null && pa >= h.bus.ram.base && pa < h.bus.ram.base + h.bus.ram.size) c.cbo(op, pa - h.bus.ram.base, h.accessCt);
        return R_NEXT;
      }
    } else if (xlate(h, a, 1, Access.Load) >= 0 || xlate(h, a, 1, Access.Store) >= 0) {
      return R_NEXT;
    }
    const page = h.trapCause === Cause.LoadPage || h.trapCause === Cause.StorePage;
    return h.raise(page ? Cause.StorePage : Cause.StoreAccess, a);
  };
}

/**
 * WFI (privileged spec 3.3.3). The hart waits (h.wfi, pc already past the WFI) until an interrupt
 * enabled in mie is pending, whatever the global enables: QEMU 7.2's behaviour. One departure: when
 * every hart waits and nothing could ever wake them (no device deadline), Machine.resumeStuckWfi lets
 * the harts that have any interrupt pending in mip, enabled or not, resume after the WFI as a no-op.
 * 3.3.3 allows it: "Implementations are permitted to resume execution for any reason, even if an
 * enabled interrupt has not become pending. Hence, a legal implementation is to simply implement the
 * WFI instruction as a NOP" (Spike does). rv32si-p-wfi (sstatus.SIE = 0, sie = 0, sip.SSIP = 1, wfi)
 * expects the WFI to return; QEMU 7.2 hangs there.
 */
function wfi(h: Hart, d: DInsn): number {
  // 3.1.6.5 TW (all modes below M, V=1 too), and QEMU 7.2 helper_wfi: U-mode WFI is always illegal when
  // S exists. With V=1 (8.6.1): VU-mode, or VS-mode with hstatus.VTW, raise virtual instruction.
  if (h.priv !== Priv.M && (h.mstatus & MSTATUS_TW) !== 0) return illegal(h, d);
  if (h.virt) {
    if (h.priv === Priv.U || (h.hstatus & HSTATUS_VTW) !== 0) return h.raise(CAUSE_VIRTUAL_INSN, d.insn.raw);
  } else if (h.priv === Priv.U) {
    return illegal(h, d);
  }
  if ((h.mip & h.mie) === 0) {
    h.wfi = true;
    h.attention = 1;
  }
  return R_END;
}

/**
 * SFENCE.VMA (4.2.1; TVM 3.1.6.5). With V=1 (8.6.1): VU-mode, or VS-mode with VTVM: virtual instruction.
 * rs1 != x0: only the page of that address; rs2 != x0: only the ASID in rs2 (bits above ASIDLEN
 * ignored). With V=0 it fences the HS-level (satp) spaces; in VS-mode it is HFENCE.VVMA for the current
 * VMID (8.3.2).
 */
function sfenceVma(h: Hart, d: DInsn): number {
  if (h.virt) {
    if (h.priv === Priv.U || (h.hstatus & HSTATUS_VTVM) !== 0) return h.raise(CAUSE_VIRTUAL_INSN, d.insn.raw);
  } else if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS_TVM) !== 0)) {
    return illegal(h, d);
  }
  h.fenceVma(h.virt, d.rs1 === 0 ? -1 : h.x[d.rs1]! >>> 0, d.rs2 === 0 ? -1 : h.x[d.rs2]! & 0x1ff);
  return R_END;
}

export const SYS_HANDLERS: Record<string, Handler> = {
  illegal,
  fence: () => R_NEXT,
  'fence.i': () => R_END,
  // Cause 8 + privilege; from VS-mode 10 (8.6.1), from VU-mode 8.
  ecall: (h) => h.raise(h.virt && h.priv === Priv.S ? CAUSE_ECALL_VS : Cause.EcallU + h.priv, 0),
  ebreak: (h) => h.raise(Cause.Breakpoint, 0),
  csrrw: csr(CsrOp.Write, false),
  csrrs: csr(CsrOp.Set, false),
  csrrc: csr(CsrOp.Clear, false),
  csrrwi: csr(CsrOp.Write, true),
  csrrsi: csr(CsrOp.Set, true),
  csrrci: csr(CsrOp.Clear, true),
  mret: (h, d) => mret(h, d.insn.raw),
  sret: (h, d) => sret(h, d.insn.raw),
  wfi,
  'sfence.vma': sfenceVma,
  'cbo.clean': cbo(ENVCFG_CBCFE, 'clean'),
  'cbo.flush': cbo(ENVCFG_CBCFE, 'flush'),
  'cbo.inval': cbo(ENVCFG_CBIE, 'inval'),
  ...HYP_HANDLERS,
};
