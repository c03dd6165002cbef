/**
 * A deterministic corpus of instruction parcels for the disassembler oracle tests: structured
 * operand combinations (x0, ra, sp, gp, tp, a-registers; boundary immediates; every fence set; the
 * CSRs that have aliases) and random instances of every OPCODES entry, plus every 16-bit parcel, plus
 * sequences exercising objdump's lui/auipc address tracking.
 */
import { OPCODES, type Format } from '../../../emulator/isa/opcodes';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

const R = (rd: number, rs1: number, rs2: number): number => (rd << 7) | (rs1 << 15) | (rs2 << 20);
const I = (imm: number): number => (imm & 0xfff) << 20;
const S = (imm: number): number => (((imm >> 5) & 0x7f) << 25) | ((imm & 31) << 7);
const B = (imm: number): number =>
  (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7);
const J = (imm: number): number =>
  (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) | (imm & 0xff000);

const cross = <T>(...lists: T[][]): T[][] =>
  lists.reduce<T[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);

/** CSRs with special printing (aliases) or a name, and some without. */
const CSRS = [0x001, 0x002, 0x003, 0xc00, 0xc01, 0xc02, 0xc80, 0xc81, 0xc82, 0xc03, 0x300, 0x680, 0x123, 0xfff];

function structured(format: Format): number[] {
  switch (format) {
    case 'R': return cross([0, 1, 2, 10], [0, 1, 10], [0, 1, 11]).map(([d, a, b]) => R(d!, a!, b!));
    case 'I': return cross([0, 1, 10], [0, 1, 2, 3, 4, 10], [0, 1, -1, 255, 2047, -2048, 16])
      .map(([d, a, i]) => R(d!, a!, 0) | I(i!));
    case 'shift': return cross([0, 10], [0, 10], [0, 1, 31]).map(([d, a, s]) => R(d!, a!, s!));
    case 'S': return cross([0, 2, 3, 4, 10], [0, 1, 11], [0, -1, 2047, -2048, 8]).map(([a, b, i]) => R(0, a!, b!) | S(i!));
    case 'B': return cross([0, 10], [0, 11], [0, -2, 4094, -4096, 8]).map(([a, b, i]) => R(0, a!, b!) | B(i!));
    case 'U': return cross([0, 1, 10], [0, 0x1000, 0xfffff000, 0x80000000]).map(([d, i]) => R(d!, 0, 0) | i!);
    case 'J': return cross([0, 1, 10], [0, 2, -2, 1048574, -1048576]).map(([d, i]) => R(d!, 0, 0) | J(i!));
    case 'fence': {
      const all = Array.from({ length: 4096 }, (_, i) => i << 20);
      return [...all, R(1, 0, 0) | I(0xff), R(0, 1, 0) | I(0xff), R(0, 0, 0) | I(0x833) | R(5, 6, 0)];
    }
    case 'csr': case 'csri':
      return cross([0, 1, 10], [0, 1, 11], CSRS).map(([d, a, c]) => R(d!, a!, 0) | (c! << 20));
    case 'amo': return cross([0, 10], [0, 11], [0, 12], [0, 1, 2, 3]).map(([d, a, b, q]) => R(d!, a!, b!) | (q! << 25));
    case 'lr': return cross([0, 10], [0, 11], [0, 1, 2, 3]).map(([d, a, q]) => R(d!, a!, 0) | (q! << 25));
    case 'rs1rs2': case 'hsv': return cross([0, 10], [0, 11]).map(([a, b]) => R(0, a!, b!));
    case 'rs1': return [R(0, 0, 0), R(0, 10, 0)];
    case 'hlv': return cross([0, 10], [0, 11]).map(([d, a]) => R(d!, a!, 0));
    case 'none': return [0];
  }
}

/** 32-bit words: structured and random instances of every entry, some unknown encodings. */
export function corpus32(randomPerEntry = 40): number[] {
  const next = rng(0x5eed);
  const out: number[] = [];
  for (const o of OPCODES.slice(1)) {
    for (const v of structured(o.format)) out.push((o.match | (v & ~o.mask)) >>> 0);
    for (let n = 0; n < randomPerEntry; n++) out.push((o.match | (next() & ~o.mask)) >>> 0);
  }
  // unimp (csrrw x0, cycle, x0), other csrrw x0,cycle forms, unknown opcodes and reserved encodings.
  out.push(0xc0001073, 0xc0101073, 0xc0009073, 0x0000000b, 0x02001013, 0x00000173,
    0x0030200f, 0x0040200f, 0x00004073, 0x1010202f);
  for (let n = 0; n < 200; n++) out.push((next() | 3) >>> 0);
  // Bits 4..2 = 111 announce a 48-bit or longer instruction (spec 1.5): not 32-bit parcels.
  return out.filter((w) => (w & 0x1f) !== 0x1f);
}

/** lui/auipc followed by users of the register (objdump annotates the computed address). */
export function addressSequences(): number[] {
  const LUI = 0x37, AUIPC = 0x17, ADDI = 0x13, LW = 0x2003, SW = 0x2023, JALR = 0x67;
  const seq: number[] = [];
  const a0 = 10, a1 = 11, ra = 1;
  seq.push(LUI | R(a0, 0, 0) | 0x12345000, ADDI | R(a0, a0, 0) | I(0x678));
  seq.push(LUI | R(a0, 0, 0) | 0x80000000, LW | R(a1, a0, 0) | I(-4));
  seq.push(LUI | R(a0, 0, 0) | 0x80001000, SW | R(0, a0, a1) | S(16));
  seq.push(AUIPC | R(ra, 0, 0) | 0x0, JALR | R(ra, ra, 0) | I(24));
  seq.push(AUIPC | R(a0, 0, 0) | 0x1000, ADDI | R(a1, a0, 0) | I(-8), ADDI | R(a1, a0, 0) | I(8));
  seq.push(LUI | R(a0, 0, 0) | 0x10000000, ADDI | R(a0, 0, 0) | I(1), LW | R(a1, a0, 0) | I(0));
  seq.push(LUI | R(a0, 0, 0) | 0x20000000, 0x4505 /* c.li a0,1 */, LW | R(a1, a0, 0) | I(0));
  seq.push(0x6541 /* c.lui a0,0x10 */, ADDI | R(a0, a0, 0) | I(4));
  seq.push(LUI | R(a0, 0, 0) | 0x30000000, 0x4188 /* c.lw a0,0(a1) */, 0x4108 /* c.lw a0,0(a0) */);
  seq.push(LUI | R(a0, 0, 0) | 0x40000000, 0x0511 /* c.addi a0,4 */, 0x4108);
  seq.push(LUI | R(0, 0, 0) | 0x5000, LW | R(a1, 0, 0) | I(0x10));
  return seq;
}

/** Every 16-bit parcel (bits 1..0 != 11). */
export function corpus16(): number[] {
  const out: number[] = [];
  for (let v = 0; v < 0x10000; v++) if ((v & 3) !== 3) out.push(v);
  return out;
}

/** Assembler source emitting the parcels as instructions (.insn keeps them code, not data). */
export function insnSource(words: number[]): string {
  let src = '.option arch, +h\n';
  for (const w of words) {
    src += (w & 3) === 3 ? `.insn 4, 0x${(w >>> 0).toString(16)}\n` : `.insn 2, 0x${w.toString(16)}\n`;
  }
  return src;
}
