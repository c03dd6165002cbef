/**
 * Hypervisor instructions (privileged spec 8.3.2 HFENCE, 8.3.1 HLV/HLVX/HSV), as QEMU 7.2:
 * - allowed in M and HS-mode; in U-mode (V=0) HLV/HSV only with hstatus.HU, otherwise illegal; in
 *   VS/VU-mode a virtual-instruction exception (8.6.1);
 * - HFENCE.GVMA in HS-mode with mstatus.TVM is illegal;
 * - HLV/HSV access memory as V=1 at privilege hstatus.SPVP (two-stage translation, vsstatus.SUM and
 *   MXR); HLVX needs execute permission. Exceptions are the loads'/stores' (guest-page faults 21/23)
 *   with GVA set.
 * TLB sets are tagged by address space (Hart.tlbFor): HFENCE.VVMA flushes the VS-stage spaces of
 * the current hgatp.VMID (ASID rs2, page rs1); HFENCE.GVMA every V=1 space of VMID rs2 (all VMIDs for
 * rs2 = x0), whatever rs1 (a guest physical address; entries are keyed by guest virtual address).
 */
import { Cause, CAUSE_VIRTUAL_INSN, HSTATUS_HU, HSTATUS_SPVP, MSTATUS_TVM, Priv } from '../csr/bits';
import type { Hart } from './hart';
import { loadValue, storeValue } from './memory';
import { R_END, R_NEXT, R_TRAP, type DInsn, type Handler } from './types';

/** The exception HLV/HSV/HFENCE raise in the current mode, or 0. */
function denied(h: Hart, d: DInsn, isFence: boolean): number {
  if (h.priv === Priv.M) return 0;
  if (h.virt) return h.raise(CAUSE_VIRTUAL_INSN, d.insn.raw);
  if (h.priv === Priv.U && (isFence || (h.hstatus & HSTATUS_HU) === 0)) return h.raise(Cause.Illegal, d.insn.raw);
  return 0;
}

function hfence(gvma: boolean): Handler {
  return (h, d) => {
    if (denied(h, d, true) !== 0) return R_TRAP;
    if (gvma && h.priv === Priv.S && (h.mstatus & MSTATUS_TVM) !== 0) return h.raise(Cause.Illegal, d.insn.raw);
    if (gvma) h.fenceGvma(d.rs2 === 0 ? -1 : h.x[d.rs2]! & 0x7f);
    else h.fenceVma(true, d.rs1 === 0 ? -1 : h.x[d.rs1]! >>> 0, d.rs2 === 0 ? -1 : h.x[d.rs2]! & 0x1ff);
    return R_END;
  };
}

function begin(h: Hart, exec: boolean): void {
  h.hyperAccess = exec ? 2 : 1;
  h.hyperPriv = (h.hstatus & HSTATUS_SPVP) !== 0 ? Priv.S : Priv.U;
}

function hlv(size: 1 | 2 | 4, signed: boolean, exec = false): Handler {
  return (h, d) => {
    if (denied(h, d, false) !== 0) return R_TRAP;
    begin(h, exec);
    const v = loadValue(h, h.x[d.rs1]!, size);
    h.hyperAccess = 0;
    if (v < 0) return R_TRAP;
    const sh = 32 - 8 * size;
    h.x[d.rd] = signed ? (v << sh) >> sh : v;
    return h.yieldReq ? R_END : R_NEXT;
  };
}

function hsv(size: 1 | 2 | 4): Handler {
  return (h, d) => {
    if (denied(h, d, false) !== 0) return R_TRAP;
    begin(h, false);
    const r = storeValue(h, h.x[d.rs1]!, size, h.x[d.rs2]!);
    h.hyperAccess = 0;
    return r;
  };
}

export const HYP_HANDLERS: Record<string, Handler> = {
  'hfence.vvma': hfence(false),
  'hfence.gvma': hfence(true),
  'hlv.b': hlv(1, true),
  'hlv.bu': hlv(1, false),
  'hlv.h': hlv(2, true),
  'hlv.hu': hlv(2, false),
  'hlv.w': hlv(4, true),
  'hlvx.hu': hlv(2, false, true),
  'hlvx.wu': hlv(4, false, true),
  'hsv.b': hsv(1),
  'hsv.h': hsv(2),
  'hsv.w': hsv(4),
};
