/**
 * Integer instructions: RV32I computation, control transfer (unprivileged spec ch. 2) and "M"
 * (ch. 7). One line per instruction where possible; results written to x[d.rd] (x0 -> sink slot).
 */
import { Cause } from '../csr/bits';
import type { Hart } from './hart';
import { R_JUMP, R_NEXT, type DInsn, type Handler } from './types';

/** Jump to `t` linking rd (2.5.1): with IALIGN = 32 a target with bit 1 set raises
 * instruction-address-misaligned with tval = target, before rd is written (QEMU gen_jal/trans_jalr). */
function jump(h: Hart, d: DInsn, t: number): number {
  if ((t & h.misalignBits) !== 0) return h.raise(Cause.InsnMisaligned, t);
  h.x[d.rd] = (h.pc + d.len) | 0;
  h.pc = t;
  return R_JUMP;
}

/** Taken conditional branch (2.5.2). */
function branch(h: Hart, d: DInsn): number {
  const t = (h.pc + d.imm) >>> 0;
  if ((t & h.misalignBits) !== 0) return h.raise(Cause.InsnMisaligned, t);
  h.pc = t;
  return R_JUMP;
}

/** High 32 bits of the unsigned 64-bit product of two uint32 values. */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** Signed x signed high word: unsigned product corrected for negative operands. */
export function mulh(a: number, b: number): number {
  return (mulhu(a >>> 0, b >>> 0) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** Signed x unsigned high word. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a >>> 0, b >>> 0) - (a < 0 ? b : 0)) | 0;
}

// Division (7.2): x/0 = -1 (all ones), x%0 = x; INT_MIN/-1 = INT_MIN, INT_MIN%-1 = 0 (|0 does both).
export const divS = (a: number, b: number): number => (b === 0 ? -1 : (a / b) | 0);
export const divU = (a: number, b: number): number => (b === 0 ? -1 : ((a >>> 0) / (b >>> 0)) | 0);
export const remS = (a: number, b: number): number => (b === 0 ? a : (a % b) | 0);
export const remU = (a: number, b: number): number => (b === 0 ? a : ((a >>> 0) % (b >>> 0)) | 0);

export const INT_HANDLERS: Record<string, Handler> = {
  lui: (h, d) => { h.x[d.rd] = d.imm; return R_NEXT; },
  auipc: (h, d) => { h.x[d.rd] = (h.pc + d.imm) | 0; return R_NEXT; },
  jal: (h, d) => jump(h, d, (h.pc + d.imm) >>> 0),
  jalr: (h, d) => jump(h, d, ((h.x[d.rs1]! + d.imm) & ~1) >>> 0),
  beq: (h, d) => (h.x[d.rs1] === h.x[d.rs2] ? branch(h, d) : R_NEXT),
  bne: (h, d) => (h.x[d.rs1] !== h.x[d.rs2] ? branch(h, d) : R_NEXT),
  blt: (h, d) => (h.x[d.rs1]! < h.x[d.rs2]! ? branch(h, d) : R_NEXT),
  bge: (h, d) => (h.x[d.rs1]! >= h.x[d.rs2]! ? branch(h, d) : R_NEXT),
  bltu: (h, d) => (h.x[d.rs1]! >>> 0 < h.x[d.rs2]! >>> 0 ? branch(h, d) : R_NEXT),
  bgeu: (h, d) => (h.x[d.rs1]! >>> 0 >= h.x[d.rs2]! >>> 0 ? branch(h, d) : R_NEXT),

  addi: (h, d) => { h.x[d.rd] = (h.x[d.rs1]! + d.imm) | 0; return R_NEXT; },
  slti: (h, d) => { h.x[d.rd] = h.x[d.rs1]! < d.imm ? 1 : 0; return R_NEXT; },
  sltiu: (h, d) => { h.x[d.rd] = h.x[d.rs1]! >>> 0 < d.imm >>> 0 ? 1 : 0; return R_NEXT; },
  xori: (h, d) => { h.x[d.rd] = h.x[d.rs1]! ^ d.imm; return R_NEXT; },
  ori: (h, d) => { h.x[d.rd] = h.x[d.rs1]! | d.imm; return R_NEXT; },
  andi: (h, d) => { h.x[d.rd] = h.x[d.rs1]! & d.imm; return R_NEXT; },
  slli: (h, d) => { h.x[d.rd] = h.x[d.rs1]! << d.imm; return R_NEXT; },
  srli: (h, d) => { h.x[d.rd] = h.x[d.rs1]! >>> d.imm; return R_NEXT; },
  srai: (h, d) => { h.x[d.rd] = h.x[d.rs1]! >> d.imm; return R_NEXT; },

  add: (h, d) => { h.x[d.rd] = (h.x[d.rs1]! + h.x[d.rs2]!) | 0; return R_NEXT; },
  sub: (h, d) => { h.x[d.rd] = (h.x[d.rs1]! - h.x[d.rs2]!) | 0; return R_NEXT; },
  sll: (h, d) => { h.x[d.rd] = h.x[d.rs1]! << h.x[d.rs2]!; return R_NEXT; },
  slt: (h, d) => { h.x[d.rd] = h.x[d.rs1]! < h.x[d.rs2]! ? 1 : 0; return R_NEXT; },
  sltu: (h, d) => { h.x[d.rd] = h.x[d.rs1]! >>> 0 < h.x[d.rs2]! >>> 0 ? 1 : 0; return R_NEXT; },
  xor: (h, d) => { h.x[d.rd] = h.x[d.rs1]! ^ h.x[d.rs2]!; return R_NEXT; },
  srl: (h, d) => { h.x[d.rd] = h.x[d.rs1]! >>> h.x[d.rs2]!; return R_NEXT; },
  sra: (h, d) => { h.x[d.rd] = h.x[d.rs1]! >> h.x[d.rs2]!; return R_NEXT; },
  or: (h, d) => { h.x[d.rd] = h.x[d.rs1]! | h.x[d.rs2]!; return R_NEXT; },
  and: (h, d) => { h.x[d.rd] = h.x[d.rs1]! & h.x[d.rs2]!; return R_NEXT; },

  mul: (h, d) => { h.x[d.rd] = Math.imul(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
  mulh: (h, d) => { h.x[d.rd] = mulh(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
  mulhsu: (h, d) => { h.x[d.rd] = mulhsu(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
  mulhu: (h, d) => { h.x[d.rd] = mulhu(h.x[d.rs1]! >>> 0, h.x[d.rs2]! >>> 0); return R_NEXT; },
  div: (h, d) => { h.x[d.rd] = divS(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
  divu: (h, d) => { h.x[d.rd] = divU(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
  rem: (h, d) => { h.x[d.rd] = remS(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
  remu: (h, d) => { h.x[d.rd] = remU(h.x[d.rs1]!, h.x[d.rs2]!); return R_NEXT; },
};
