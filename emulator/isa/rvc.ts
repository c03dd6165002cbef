/**
 * RV32C compressed forms (unprivileged spec ch. 16 "C" Standard Extension, table 16.x listings; the
 * RVC opcode map in ch. 34, table 34.x). Each form has a match/mask over the 16 bits and an expand
 * function giving the base instruction (16.8 "RVC Instruction Set Listings" and the expansion each
 * section gives), or null for a reserved encoding.
 *
 * HINTs (16.7, table 16.3) are legal and expand to the no-op base instruction they encode (e.g. c.li
 * with rd = x0 -> addi x0,x0,imm). Reserved encodings (nzuimm/nzimm = 0 where the spec says so, c.jr and
 * c.lwsp with x0) expand to null. On RV32C the shift forms with shamt[5] = 1 are reserved for custom
 * extensions (16.5): treated as illegal. Floating-point forms (c.flw, c.fld, ...) are not implemented and
 * RV64/128-only forms (c.addw, c.subw) are reserved on RV32: they have no entry and decode as illegal.
 */

/** The base instruction a compressed form expands to. */
export interface Expansion {
  name: string;
  rd: number;
  rs1: number;
  rs2: number;
  imm: number;
}

export interface RvcForm {
  readonly cname: string;
  readonly match: number;
  readonly mask: number;
  readonly ext: 'c';
  /** The expansion, or null when this particular encoding is reserved. */
  readonly expand: (raw: number) => Expansion | null;
}

// Field helpers (16.2 "Compressed Instruction Formats", fig. 16.1).
/** Bits hi..lo of x, as an unsigned number. */
const bits = (x: number, hi: number, lo: number): number => (x >>> lo) & ((1 << (hi - lo + 1)) - 1);
/** Bit `from` of x moved to bit `to`. */
const bit = (x: number, from: number, to: number): number => ((x >>> from) & 1) << to;
/** Sign-extend the low `n` bits of v. */
const sext = (v: number, n: number): number => (v << (32 - n)) >> (32 - n);
/** Full register numbers: rd/rs1 in bits 11..7, rs2 in bits 6..2; rd'/rs1' (9..7) and rs2' (4..2) are x8..x15. */
const rdFull = (x: number): number => bits(x, 11, 7);
const rs2Full = (x: number): number => bits(x, 6, 2);
const rsP9 = (x: number): number => 8 + bits(x, 9, 7);
const rsP4 = (x: number): number => 8 + bits(x, 4, 2);

/** CI-format 6-bit signed immediate: imm[5] = bit 12, imm[4:0] = bits 6..2 (c.addi, c.li, c.andi). */
const ciImm = (x: number): number => sext(bit(x, 12, 5) | bits(x, 6, 2), 6);
/** CI-format shift amount: shamt[5] = bit 12, shamt[4:0] = bits 6..2. */
const ciShamt = (x: number): number => bit(x, 12, 5) | bits(x, 6, 2);
/** CJ-format offset[11|4|9:8|10|6|7|3:1|5] = bits 12..2 (c.j, c.jal). */
const cjImm = (x: number): number =>
  sext(bit(x, 12, 11) | bit(x, 11, 4) | (bits(x, 10, 9) << 8) | bit(x, 8, 10) | bit(x, 7, 6) |
    bit(x, 6, 7) | (bits(x, 5, 3) << 1) | bit(x, 2, 5), 12);
/** CB-format branch offset[8|4:3] = bits 12..10, offset[7:6|2:1|5] = bits 6..2. */
const cbImm = (x: number): number =>
  sext(bit(x, 12, 8) | (bits(x, 11, 10) << 3) | (bits(x, 6, 5) << 6) | (bits(x, 4, 3) << 1) | bit(x, 2, 5), 9);
/** CL/CS word offset: uimm[5:3] = bits 12..10, uimm[2] = bit 6, uimm[6] = bit 5 (c.lw, c.sw). */
const clwImm = (x: number): number => (bits(x, 12, 10) << 3) | bit(x, 6, 2) | bit(x, 5, 6);

const x = (name: string, rd: number, rs1: number, rs2: number, imm: number): Expansion =>
  ({ name, rd, rs1, rs2, imm });

function f(cname: string, match: number, mask: number, expand: (raw: number) => Expansion | null): RvcForm {
  return { cname, match, mask, ext: 'c', expand };
}

const SP = 2;
const RA = 1;

export const RVC_FORMS: readonly RvcForm[] = [
  // ---- Quadrant 0 ----
  // 16.5 C.ADDI4SPN: addi rd', x2, nzuimm[9:2]; nzuimm = 0 is reserved (includes 0x0000, 16.1).
  f('c.addi4spn', 0x0000, 0xe003, (r) => {
    const imm = (bits(r, 12, 11) << 4) | (bits(r, 10, 7) << 6) | bit(r, 6, 2) | bit(r, 5, 3);
    return imm === 0 ? null : x('addi', rsP4(r), SP, 0, imm);
  }),
  // 16.3 C.LW: lw rd', uimm(rs1'); C.SW: sw rs2', uimm(rs1').
  f('c.lw', 0x4000, 0xe003, (r) => x('lw', rsP4(r), rsP9(r), 0, clwImm(r))),
  f('c.sw', 0xc000, 0xe003, (r) => x('sw', 0, rsP9(r), rsP4(r), clwImm(r))),

  // ---- Quadrant 1 ----
  // 16.5 C.NOP (rd = x0): addi x0,x0,imm; imm != 0 is a HINT.
  f('c.nop', 0x0001, 0xef83, (r) => x('addi', 0, 0, 0, ciImm(r))),
  // 16.5 C.ADDI: addi rd, rd, nzimm; nzimm = 0 is a HINT.
  f('c.addi', 0x0001, 0xe003, (r) => x('addi', rdFull(r), rdFull(r), 0, ciImm(r))),
  // 16.4 C.JAL (RV32 only): jal x1, offset.
  f('c.jal', 0x2001, 0xe003, (r) => x('jal', RA, 0, 0, cjImm(r))),
  // 16.5 C.LI: addi rd, x0, imm; rd = x0 is a HINT.
  f('c.li', 0x4001, 0xe003, (r) => x('addi', rdFull(r), 0, 0, ciImm(r))),
  // 16.5 C.ADDI16SP (rd = x2): addi x2, x2, nzimm[9:4]; nzimm = 0 reserved.
  // nzimm[9] = bit 12, nzimm[4|6|8:7|5] = bits 6..2.
  f('c.addi16sp', 0x6101, 0xef83, (r) => {
    const imm = sext(bit(r, 12, 9) | bit(r, 6, 4) | bit(r, 5, 6) | (bits(r, 4, 3) << 7) | bit(r, 2, 5), 10);
    return imm === 0 ? null : x('addi', SP, SP, 0, imm);
  }),
  // 16.5 C.LUI: lui rd, nzimm[17:12]; nzimm = 0 reserved, rd = x0 a HINT.
  f('c.lui', 0x6001, 0xe003, (r) => {
    const imm = sext(bit(r, 12, 17) | (bits(r, 6, 2) << 12), 18);
    return imm === 0 ? null : x('lui', rdFull(r), 0, 0, imm);
  }),
  // 16.5 C.SRLI / C.SRAI: shamt = 0 is a HINT on RV32C; shamt[5] = 1 reserved (custom) on RV32C.
  f('c.srli', 0x8001, 0xec03, (r) => (bit(r, 12, 0) ? null : x('srli', rsP9(r), rsP9(r), 0, ciShamt(r)))),
  f('c.srai', 0x8401, 0xec03, (r) => (bit(r, 12, 0) ? null : x('srai', rsP9(r), rsP9(r), 0, ciShamt(r)))),
  // 16.5 C.ANDI: andi rd', rd', imm.
  f('c.andi', 0x8801, 0xec03, (r) => x('andi', rsP9(r), rsP9(r), 0, ciImm(r))),
  // 16.5 CA format: op rd', rd', rs2'.
  f('c.sub', 0x8c01, 0xfc63, (r) => x('sub', rsP9(r), rsP9(r), rsP4(r), 0)),
  f('c.xor', 0x8c21, 0xfc63, (r) => x('xor', rsP9(r), rsP9(r), rsP4(r), 0)),
  f('c.or', 0x8c41, 0xfc63, (r) => x('or', rsP9(r), rsP9(r), rsP4(r), 0)),
  f('c.and', 0x8c61, 0xfc63, (r) => x('and', rsP9(r), rsP9(r), rsP4(r), 0)),
  // 16.4 C.J: jal x0, offset; C.BEQZ/C.BNEZ: beq/bne rs1', x0, offset.
  f('c.j', 0xa001, 0xe003, (r) => x('jal', 0, 0, 0, cjImm(r))),
  f('c.beqz', 0xc001, 0xe003, (r) => x('beq', 0, rsP9(r), 0, cbImm(r))),
  f('c.bnez', 0xe001, 0xe003, (r) => x('bne', 0, rsP9(r), 0, cbImm(r))),

  // ---- Quadrant 2 ----
  // 16.5 C.SLLI: slli rd, rd, shamt; rd = x0 or shamt = 0 HINTs; shamt[5] = 1 reserved on RV32C.
  f('c.slli', 0x0002, 0xe003, (r) => (bit(r, 12, 0) ? null : x('slli', rdFull(r), rdFull(r), 0, ciShamt(r)))),
  // 16.3 C.LWSP: lw rd, uimm(x2); uimm[5] = bit 12, uimm[4:2|7:6] = bits 6..2; rd = x0 reserved.
  f('c.lwsp', 0x4002, 0xe003, (r) => {
    const imm = bit(r, 12, 5) | (bits(r, 6, 4) << 2) | (bits(r, 3, 2) << 6);
    return rdFull(r) === 0 ? null : x('lw', rdFull(r), SP, 0, imm);
  }),
  // 16.4 C.JR: jalr x0, 0(rs1); rs1 = x0 reserved.
  f('c.jr', 0x8002, 0xf07f, (r) => (rdFull(r) === 0 ? null : x('jalr', 0, rdFull(r), 0, 0))),
  // 16.5 C.MV: add rd, x0, rs2; rd = x0 is a HINT.
  f('c.mv', 0x8002, 0xf003, (r) => x('add', rdFull(r), 0, rs2Full(r), 0)),
  // 16.8 C.EBREAK.
  f('c.ebreak', 0x9002, 0xffff, () => x('ebreak', 0, 0, 0, 0)),
  // 16.4 C.JALR: jalr x1, 0(rs1) (rs1 != 0; rs1 = 0 is c.ebreak above).
  f('c.jalr', 0x9002, 0xf07f, (r) => x('jalr', RA, rdFull(r), 0, 0)),
  // 16.5 C.ADD: add rd, rd, rs2; rd = x0 is a HINT.
  f('c.add', 0x9002, 0xf003, (r) => x('add', rdFull(r), rdFull(r), rs2Full(r), 0)),
  // 16.3 C.SWSP: sw rs2, uimm(x2); uimm[5:2] = bits 12..9, uimm[7:6] = bits 8..7.
  f('c.swsp', 0xc002, 0xe003, (r) => x('sw', 0, SP, rs2Full(r), (bits(r, 12, 9) << 2) | (bits(r, 8, 7) << 6))),
];
