/**
 * Instruction decoder: 32-bit encodings from OPCODES, 16-bit ones from RVC_FORMS, both table-driven.
 *
 * Speed: both tables are bucketed at module load so that decode() looks at a handful of candidates:
 * 32-bit by opcode (bits 6..0) and funct3 (bits 14..12) -> 1024 buckets; 16-bit by quadrant (bits 1..0)
 * and funct3 (bits 15..13) -> 32 buckets. Within a bucket entries are ordered most-specific mask first,
 * so e.g. c.ebreak is tried before c.jalr before c.add.
 */
import type { Insn } from './insn';
import { OPCODES, OP_ILLEGAL, type Format } from './opcodes';
import { RVC_FORMS, type RvcForm } from './rvc';

/**
 * Length in bytes of the instruction whose low 16 bits are `lowHalf` (unprivileged spec 1.5):
 * bits 1..0 != 11 -> 16-bit. Longer (48/64-bit) encodings are not supported and report 4; they decode
 * as illegal.
 */
export function insnLength(lowHalf: number): 2 | 4 {
  return (lowHalf & 3) === 3 ? 4 : 2;
}

/**
 * Decode one instruction. `raw` holds the instruction in its low bits: for a compressed instruction
 * (bits 1..0 != 11) only the low 16 bits are looked at, so a 32-bit fetch that also holds the next
 * parcel in its upper half may be passed as is. Never throws: anything unknown or reserved decodes to
 * `name: 'illegal'` (op 0), with `len` still telling how long the parcel was.
 */
export function decode(raw: number): Insn {
  if ((raw & 3) !== 3) return decodeCompressed(raw & 0xffff);
  return decode32(raw >>> 0);
}

// ---------------------------------------------------------------------------------------------------
// 32-bit

const enum F {
  R, I, Shift, S, B, U, J, Fence, Csr, Csri, Amo, Lr, Rs1Rs2, Rs1, Hlv, Hsv, None,
}

const FORMAT_CODE: Record<Format, F> = {
  R: F.R, I: F.I, shift: F.Shift, S: F.S, B: F.B, U: F.U, J: F.J, fence: F.Fence, csr: F.Csr,
  csri: F.Csri, amo: F.Amo, lr: F.Lr, rs1rs2: F.Rs1Rs2, rs1: F.Rs1, hlv: F.Hlv, hsv: F.Hsv, none: F.None,
};

interface Cand32 {
  op: number;
  name: string;
  match: number;
  mask: number;
  fmt: F;
}

const popcount = (v: number): number => {
  let n = 0;
  for (let m = v >>> 0; m !== 0; m >>>= 1) n += m & 1;
  return n;
};

/** Bucket key: opcode bits 6..0 and funct3 (bits 14..12) -> 10 bits. */
const key32 = (raw: number): number => (raw & 0x7f) | ((raw >>> 5) & 0x380);

const BUCKETS32: Cand32[][] = (() => {
  const buckets: Cand32[][] = Array.from({ length: 1024 }, () => []);
  OPCODES.forEach((o, op) => {
    if (op === OP_ILLEGAL) return;
    const cand: Cand32 = { op, name: o.name, match: o.match, mask: o.mask, fmt: FORMAT_CODE[o.format] };
    for (let k = 0; k < 1024; k++) {
      // The entry can match raw values with this key if the key's bits agree with match where masked.
      if (((k ^ key32(o.match)) & key32(o.mask)) === 0) buckets[k]!.push(cand);
    }
  });
  for (const b of buckets) b.sort((a, c) => popcount(c.mask) - popcount(a.mask));
  return buckets;
})();

function illegal(raw: number, len: 2 | 4): Insn {
  return { op: OP_ILLEGAL, name: 'illegal', cname: undefined, rd: 0, rs1: 0, rs2: 0, imm: 0, csr: 0, len, raw };
}

function decode32(raw: number): Insn {
  const bucket = BUCKETS32[key32(raw)]!;
  for (let i = 0; i < bucket.length; i++) {
    const c = bucket[i]!;
    if (((raw & c.mask) >>> 0) === c.match) return fields32(c, raw);
  }
  return illegal(raw, 4);
}

/** Operand extraction per format (unprivileged spec 2.2/2.3, figs. 2.3 and 2.4). */
function fields32(c: Cand32, raw: number): Insn {
  const rd = (raw >>> 7) & 31;
  const rs1 = (raw >>> 15) & 31;
  const rs2 = (raw >>> 20) & 31;
  const out: Insn = { op: c.op, name: c.name, cname: undefined, rd: 0, rs1: 0, rs2: 0, imm: 0, csr: 0, len: 4, raw };
  switch (c.fmt) {
    case F.R: out.rd = rd; out.rs1 = rs1; out.rs2 = rs2; break;
    case F.I: out.rd = rd; out.rs1 = rs1; out.imm = raw >> 20; break;
    case F.Shift: out.rd = rd; out.rs1 = rs1; out.imm = rs2; break;
    case F.S: out.rs1 = rs1; out.rs2 = rs2; out.imm = ((raw >> 25) << 5) | rd; break;
    case F.B:
      out.rs1 = rs1; out.rs2 = rs2;
      // imm[12|10:5] = bits 31..25, imm[4:1|11] = bits 11..7.
      out.imm = ((raw >> 31) << 12) | (((raw >>> 7) & 1) << 11) | (((raw >>> 25) & 0x3f) << 5) | (((raw >>> 8) & 0xf) << 1);
      break;
    case F.U: out.rd = rd; out.imm = raw & 0xfffff000; break;
    case F.J:
      out.rd = rd;
      // imm[20|10:1|11|19:12] = bits 31..12.
      out.imm = ((raw >> 31) << 20) | (raw & 0xff000) | (((raw >>> 20) & 1) << 11) | (((raw >>> 21) & 0x3ff) << 1);
      break;
    case F.Fence: out.imm = raw >>> 20; break;
    case F.Csr: case F.Csri: out.rd = rd; out.rs1 = rs1; out.csr = raw >>> 20; break;
    case F.Amo: out.rd = rd; out.rs1 = rs1; out.rs2 = rs2; out.imm = (raw >>> 25) & 3; break;
    case F.Lr: out.rd = rd; out.rs1 = rs1; out.imm = (raw >>> 25) & 3; break;
    case F.Rs1Rs2: case F.Hsv: out.rs1 = rs1; out.rs2 = rs2; break;
    case F.Rs1: out.rs1 = rs1; break;
    case F.Hlv: out.rd = rd; out.rs1 = rs1; break;
    case F.None: break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// 16-bit (RVC)

/** Bucket key: quadrant (bits 1..0) and funct3 (bits 15..13) -> 5 bits. */
const key16 = (raw: number): number => ((raw & 3) << 3) | (raw >>> 13);

const BUCKETS16: RvcForm[][] = (() => {
  const buckets: RvcForm[][] = Array.from({ length: 32 }, () => []);
  for (const form of RVC_FORMS) buckets[key16(form.match)]!.push(form);
  for (const b of buckets) b.sort((a, c) => popcount(c.mask) - popcount(a.mask));
  return buckets;
})();

const OP_BY_NAME = new Map<string, number>(OPCODES.map((o, i) => [o.name, i]));

function decodeCompressed(raw: number): Insn {
  const bucket = BUCKETS16[key16(raw)]!;
  for (let i = 0; i < bucket.length; i++) {
    const form = bucket[i]!;
    if ((raw & form.mask) !== form.match) continue;
    const ex = form.expand(raw);
    if (ex === null) return illegal(raw, 2);
    return {
      op: OP_BY_NAME.get(ex.name)!, name: ex.name, cname: form.cname,
      rd: ex.rd, rs1: ex.rs1, rs2: ex.rs2, imm: ex.imm, csr: 0, len: 2, raw,
    };
  }
  return illegal(raw, 2);
}
