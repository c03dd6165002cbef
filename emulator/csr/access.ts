/**
 * CSR access rules (privileged spec 2.1, unprivileged spec ch. 9 "Zicsr"), apart from the CSR
 * definitions: the CSR must exist, bits 9:8 give the lowest privilege allowed, bits 11:10 = 11 mark
 * read-only CSRs (a write is illegal), then the CSR's own guard (counteren, TVM, extension present).
 */
import type { Hart } from '../hart/hart';
import { CSRS } from './defs';

/** Whether the current privilege may access CSR `num` (write = the instruction writes it). */
export function csrAllowed(h: Hart, num: number, write: boolean): boolean {
  const def = CSRS[num];
  if (def === undefined) return false;
  if (((num >>> 8) & 3) > h.priv) return false;
  if (write && num >>> 10 === 3) return false;
  return def.guard === undefined || def.guard(h, write);
}

export const enum CsrOp {
  Write = 0,
  Set = 1,
  Clear = 2,
}

/**
 * Execute a Zicsr instruction's CSR part (9.1): returns the old value (uint32), or -1 when the access
 * is illegal (nothing changed). `src` is rs1's value or the zero-extended uimm; `writes` tells whether
 * the instruction writes at all (csrrs/csrrc with rs1 = x0 or uimm = 0 do not); `reads` is false for
 * csrrw/csrrwi with rd = x0 (no read side effects; there are none here anyway).
 */
export function csrExecute(h: Hart, num: number, op: CsrOp, src: number, writes: boolean, reads: boolean): number {
  if (!csrAllowed(h, num, writes)) return -1;
  const def = CSRS[num]!;
  const old = reads || op !== CsrOp.Write ? def.read(h) >>> 0 : 0;
  if (writes && def.write !== undefined) {
    const mask = op === CsrOp.Write ? 0xffffffff : src >>> 0;
    const v = op === CsrOp.Write ? src : op === CsrOp.Set ? old | src : old & ~src;
    def.write(h, v >>> 0, mask);
  }
  return old;
}

/** Debugger access: read any implemented CSR regardless of privilege; undefined if none. */
export function csrPeek(h: Hart, num: number): number | undefined {
  const def = CSRS[num];
  return def === undefined ? undefined : def.read(h) >>> 0;
}

/** Debugger access: write through the CSR's WARL rules regardless of privilege. */
export function csrPoke(h: Hart, num: number, value: number): boolean {
  const def = CSRS[num];
  if (def === undefined) return false;
  def.write?.(h, value >>> 0, 0xffffffff);
  return true;
}
