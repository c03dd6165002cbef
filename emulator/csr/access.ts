/**
 * CSR access rules (privileged spec 2.1, unprivileged spec ch. 9 "Zicsr"), apart from the CSR
 * definitions: the CSR must exist, bits 9:8 give the lowest privilege allowed, bits 11:10 = 11 mark
 * read-only CSRs (a write is illegal), then the CSR's own guard (counteren, TVM, extension present),
 * and with H the virtual-instruction cases of 8.6.1.
 */
import type { Hart } from '../hart/hart';
import { Cause, CAUSE_VIRTUAL_INSN, CSR_OK, Priv } from './bits';
import { CSRS } from './defs';


/**
 * Whether the current mode may access CSR `num` (write = the instruction writes it): CSR_OK, or the
 * exception: Cause.Illegal or, with H, CAUSE_VIRTUAL_INSN (8.6.1). Order as QEMU 7.2
 * riscv_csrrw_check: existence, read-only, the CSR's guard, then privilege. In HS-mode the
 * hypervisor CSRs (bits 9:8 = 2) are accessible; in VS/VU-mode, a CSR of a level HS-mode could
 * access (S or hypervisor) raises a virtual-instruction exception instead of an illegal one.
 */
export function csrCheck(h: Hart, num: number, write: boolean): number {
  const def = CSRS[num];
  if (def === undefined) return Cause.Illegal;
  if (write && num >>> 10 === 3) return Cause.Illegal;
  const g = def.guard === undefined ? CSR_OK : def.guard(h, write);
  if (g !== CSR_OK) return g;
  const level = (num >>> 8) & 3;
  const eff = h.priv === Priv.S && h.hasH && !h.virt ? 2 : h.priv;
  if (eff < level) return h.virt && level <= 2 ? CAUSE_VIRTUAL_INSN : Cause.Illegal;
  return CSR_OK;
}

/** Whether the current privilege may access CSR `num`. */
export function csrAllowed(h: Hart, num: number, write: boolean): boolean {
  return csrCheck(h, num, write) === CSR_OK;
}

export const enum CsrOp {
  Write = 0,
  Set = 1,
  Clear = 2,
}

/**
 * Execute a Zicsr instruction's CSR part (9.1): returns the old value (uint32), or -(cause) - 1 when
 * the access raises an exception (nothing changed): -3 illegal instruction, -23 virtual instruction. `src` is rs1's value or the zero-extended uimm; `writes` tells whether
 * the instruction writes at all (csrrs/csrrc with rs1 = x0 or uimm = 0 do not); `reads` is false for
 * csrrw/csrrwi with rd = x0 (no read side effects; there are none here anyway).
 */
export function csrExecute(h: Hart, num: number, op: CsrOp, src: number, writes: boolean, reads: boolean): number {
  const c = csrCheck(h, num, writes);
  if (c !== CSR_OK) return -c - 1;
  const def = CSRS[num]!;
  const old = reads || op !== CsrOp.Write ? def.read(h) >>> 0 : 0;
  if (writes && def.write !== undefined) {
    const mask = op === CsrOp.Write ? 0xffffffff : src >>> 0;
    const v = op === CsrOp.Write ? src : op === CsrOp.Set ? old | src : old & ~src;
    def.write(h, v >>> 0, mask);
  }
  return old;
}

/** Debugger access: read any implemented CSR regardless of privilege; undefined if none (on this ISA). */
export function csrPeek(h: Hart, num: number): number | undefined {
  const def = CSRS[num];
  return def === undefined || def.exists?.(h) === false ? undefined : def.read(h) >>> 0;
}

/** Debugger access: write through the CSR's WARL rules regardless of privilege. */
export function csrPoke(h: Hart, num: number, value: number): boolean {
  const def = CSRS[num];
  if (def === undefined || def.exists?.(h) === false) return false;
  def.write?.(h, value >>> 0, 0xffffffff);
  return true;
}
