/**
 * 32-bit decoding: the opcode table's invariants, field extraction re-encoded with the spec's formats
 * (unprivileged spec 2.2/2.3 figs. 2.3/2.4) for random instances of every entry, and named cases whose
 * encodings come from riscv64-unknown-elf-as (binutils 2.40).
 */
import { describe, expect, it } from 'vitest';
import { decode } from '../../../emulator/isa/decode';
import type { Insn } from '../../../emulator/isa/insn';
import { OPCODES, opIndex, type Format } from '../../../emulator/isa/opcodes';
import { assemble, HAS_TOOLCHAIN, splitInsns, textBytes, tmpDir } from './toolchain';

/** Deterministic xorshift32. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

/** Re-encode the fields a format carries (the bits the mask leaves free come from these). */
function encode(fmt: Format, i: Insn): number {
  const rd = i.rd << 7, rs1 = i.rs1 << 15, rs2 = i.rs2 << 20, imm = i.imm;
  switch (fmt) {
    case 'R': return rd | rs1 | rs2;
    case 'I': return rd | rs1 | ((imm & 0xfff) << 20);
    case 'shift': return rd | rs1 | (imm << 20);
    case 'S': return (((imm >> 5) & 0x7f) << 25) | ((imm & 31) << 7) | rs1 | rs2;
    case 'B':
      return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (((imm >> 1) & 0xf) << 8) |
        (((imm >> 11) & 1) << 7) | rs1 | rs2;
    case 'U': return rd | (imm & 0xfffff000);
    case 'J':
      return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
        (imm & 0xff000) | rd;
    case 'fence': return imm << 20;
    case 'csr': case 'csri': return rd | rs1 | (i.csr << 20);
    case 'amo': return rd | rs1 | rs2 | (imm << 25);
    case 'lr': return rd | rs1 | (imm << 25);
    case 'rs1rs2': case 'hsv': return rs1 | rs2;
    case 'rs1': return rs1;
    case 'hlv': return rd | rs1;
    case 'none': return 0;
  }
}

describe('OPCODES', () => {
  it('entry 0 is illegal and names are unique', () => {
    expect(OPCODES[0]!.name).toBe('illegal');
    expect(new Set(OPCODES.map((o) => o.name)).size).toBe(OPCODES.length);
    OPCODES.forEach((o, i) => expect(opIndex(o.name)).toBe(i));
    expect(() => opIndex('frobnicate')).toThrow();
  });

  it('match bits lie within the mask, and no two entries overlap', () => {
    const ops = OPCODES.slice(1);
    for (const o of ops) {
      expect((o.match & ~o.mask) >>> 0, o.name).toBe(0);
      expect(o.match & 3, o.name).toBe(3);
    }
    for (let a = 0; a < ops.length; a++) {
      for (let b = a + 1; b < ops.length; b++) {
        const x = ops[a]!, y = ops[b]!;
        const overlap = (((x.match ^ y.match) & x.mask & y.mask) >>> 0) === 0;
        expect(overlap, `${x.name} overlaps ${y.name}`).toBe(false);
      }
    }
  });

  it('has every instruction the brief lists', () => {
    for (const n of ['lui', 'fence', 'fence.i', 'mulhsu', 'lr.w', 'sc.w', 'amomaxu.w', 'csrrci', 'cbo.clean',
      'cbo.flush', 'cbo.inval', 'ecall', 'ebreak', 'mret', 'sret', 'wfi', 'sfence.vma', 'hfence.vvma',
      'hfence.gvma', 'hlv.b', 'hlv.bu', 'hlv.h', 'hlv.hu', 'hlv.w', 'hlvx.hu', 'hlvx.wu', 'hsv.b', 'hsv.h', 'hsv.w']) {
      expect(opIndex(n)).toBeGreaterThan(0);
    }
  });
});

describe('32-bit decode', () => {
  it('decodes random instances of every entry and the fields re-encode to the raw bits', () => {
    const next = rng(12345);
    for (const [op, o] of OPCODES.entries()) {
      if (op === 0) continue;
      for (let n = 0; n < 500; n++) {
        const raw = ((o.match | (next() & ~o.mask)) >>> 0);
        const got = decode(raw);
        expect(got.op, `${o.name} ${raw.toString(16)}`).toBe(op);
        expect(got.name).toBe(o.name);
        expect(got.len).toBe(4);
        expect(got.raw).toBe(raw);
        expect(got.cname).toBeUndefined();
        const free = ~o.mask >>> 0;
        // Fields carried by the format reproduce every free bit they cover ('none'/'fence' formats
        // ignore reserved fields, so compare only the bits the format encodes).
        const enc = encode(o.format, got) >>> 0;
        const covered = encode(o.format, { ...got, rd: 31, rs1: 31, rs2: 31, imm: -1, csr: 0xfff }) >>> 0;
        const coveredMask = o.format === 'U' ? 0xfffff000 | (31 << 7) : covered;
        expect(((enc ^ raw) & free & coveredMask) >>> 0, `${o.name} ${raw.toString(16)}`).toBe(0);
      }
    }
  });

  it('unknown or reserved 32-bit encodings are illegal', () => {
    for (const raw of [
      0xffffffff, 0x0000007f, 0x0000100b /* custom-0 funct3 1: not vmscope's */, 0x02001013 /* slli shamt[5] on RV32 */,
      0x00000173 /* ecall with rd != 0 */, 0x00002033 | (1 << 30) /* slt funct7 */, 0x0000302f /* amo .d */,
      0x1010202f /* lr.w rs2 != 0 */, 0x00004073 /* SYSTEM funct3 4, not hlv */,
      0x0030200f /* cbo.zero: not implemented (Zicboz) */, 0x00000003 | (3 << 12) /* ld */,
    ]) {
      expect(decode(raw), raw.toString(16)).toMatchObject({ name: 'illegal', op: 0, len: 4, raw });
    }
  });
});

/** [assembly, encoding (from binutils 2.40 as), expected fields]. */
const CASES: [string, number, Partial<Insn>][] = [
  ['lui a0, 0xfffff', 0xfffff537, { name: 'lui', rd: 10, imm: -4096 }],
  ['auipc t6, 0x12345', 0x12345f97, { name: 'auipc', rd: 31, imm: 0x12345000 }],
  ['jal ra, .-1048576', 0x800000ef, { name: 'jal', rd: 1, imm: -1048576 }],
  ['jal zero, .+1048574', 0x7ffff06f, { name: 'jal', rd: 0, imm: 1048574 }],
  ['jalr ra, -2048(a1)', 0x800580e7, { name: 'jalr', rd: 1, rs1: 11, imm: -2048 }],
  ['beq a0, a1, .-4096', 0x80b50063, { name: 'beq', rs1: 10, rs2: 11, imm: -4096 }],
  ['bge t6, s0, .+4094', 0x7e8fdfe3, { name: 'bge', rs1: 31, rs2: 8, imm: 4094 }],
  ['lb a0, -1(sp)', 0xfff10503, { name: 'lb', rd: 10, rs1: 2, imm: -1 }],
  ['lhu s1, 2047(t0)', 0x7ff2d483, { name: 'lhu', rd: 9, rs1: 5, imm: 2047 }],
  ['sw ra, -2048(sp)', 0x80112023, { name: 'sw', rs1: 2, rs2: 1, imm: -2048 }],
  ['sb a5, 2047(a0)', 0x7ef50fa3, { name: 'sb', rs1: 10, rs2: 15, imm: 2047 }],
  ['addi a0, a1, -2048', 0x80058513, { name: 'addi', rd: 10, rs1: 11, imm: -2048 }],
  ['sltiu a2, a3, 2047', 0x7ff6b613, { name: 'sltiu', rd: 12, rs1: 13, imm: 2047 }],
  ['slli a0, a1, 31', 0x01f59513, { name: 'slli', rd: 10, rs1: 11, imm: 31 }],
  ['srai t0, t1, 17', 0x41135293, { name: 'srai', rd: 5, rs1: 6, imm: 17 }],
  ['sub a0, a1, a2', 0x40c58533, { name: 'sub', rd: 10, rs1: 11, rs2: 12 }],
  ['sra s2, s3, s4', 0x4149d933, { name: 'sra', rd: 18, rs1: 19, rs2: 20 }],
  ['fence rw, w', 0x0310000f, { name: 'fence', imm: 0x031 }],
  ['fence.tso', 0x8330000f, { name: 'fence', imm: 0x833 }],
  ['fence.i', 0x0000100f, { name: 'fence.i' }],
  ['ecall', 0x00000073, { name: 'ecall' }],
  ['ebreak', 0x00100073, { name: 'ebreak' }],
  ['csrrw a0, mstatus, a1', 0x30059573, { name: 'csrrw', rd: 10, rs1: 11, csr: 0x300 }],
  ['csrrs zero, 0xfff, t6', 0xffffa073, { name: 'csrrs', rd: 0, rs1: 31, csr: 0xfff }],
  ['csrrci ra, mip, 31', 0x344ff0f3, { name: 'csrrci', rd: 1, rs1: 31, csr: 0x344 }],
  ['mulhsu a0, a1, a2', 0x02c5a533, { name: 'mulhsu', rd: 10, rs1: 11, rs2: 12 }],
  ['remu t6, t5, t4', 0x03df7fb3, { name: 'remu', rd: 31, rs1: 30, rs2: 29 }],
  ['lr.w.aq a0, (a1)', 0x1405a52f, { name: 'lr.w', rd: 10, rs1: 11, rs2: 0, imm: 2 }],
  ['sc.w.rl a2, a3, (a4)', 0x1ad7262f, { name: 'sc.w', rd: 12, rs1: 14, rs2: 13, imm: 1 }],
  ['amoswap.w.aqrl t0, t1, (t2)', 0x0e63a2af, { name: 'amoswap.w', rd: 5, rs1: 7, rs2: 6, imm: 3 }],
  ['amomaxu.w s0, s1, (s2)', 0xe099242f, { name: 'amomaxu.w', rd: 8, rs1: 18, rs2: 9, imm: 0 }],
  ['cbo.clean (a0)', 0x0015200f, { name: 'cbo.clean', rs1: 10 }],
  ['cbo.inval (t6)', 0x000fa00f, { name: 'cbo.inval', rs1: 31 }],
  ['cbo.flush (zero)', 0x0020200f, { name: 'cbo.flush', rs1: 0 }],
  ['mret', 0x30200073, { name: 'mret' }],
  ['sret', 0x10200073, { name: 'sret' }],
  ['wfi', 0x10500073, { name: 'wfi' }],
  ['sfence.vma a0, a1', 0x12b50073, { name: 'sfence.vma', rs1: 10, rs2: 11 }],
  ['hfence.gvma t0, t1', 0x62628073, { name: 'hfence.gvma', rs1: 5, rs2: 6 }],
  ['hfence.vvma zero, a0', 0x22a00073, { name: 'hfence.vvma', rs1: 0, rs2: 10 }],
  ['hlv.b a0, (a1)', 0x6005c573, { name: 'hlv.b', rd: 10, rs1: 11 }],
  ['hlvx.wu t6, (s0)', 0x68344ff3, { name: 'hlvx.wu', rd: 31, rs1: 8 }],
  ['hlv.hu a2, (a3)', 0x6416c673, { name: 'hlv.hu', rd: 12, rs1: 13 }],
  ['hsv.w a4, (a5)', 0x6ae7c073, { name: 'hsv.w', rs1: 15, rs2: 14 }],
  ['hsv.b ra, (sp)', 0x62114073, { name: 'hsv.b', rs1: 2, rs2: 1 }],
];

describe('32-bit decode, named cases', () => {
  for (const [asm, raw, want] of CASES) {
    it(asm, () => {
      const base = { rd: 0, rs1: 0, rs2: 0, imm: 0, csr: 0 };
      expect(decode(raw)).toEqual({ ...base, ...want, op: opIndex(want.name!), cname: undefined, len: 4, raw });
    });
  }

  it.skipIf(!HAS_TOOLCHAIN)('encodings are what the assembler produces (live)', () => {
    const src = '.option norvc\n.option arch, +h\n' + CASES.map(([a]) => a).join('\n') + '\n';
    const words = splitInsns(textBytes(assemble(src, tmpDir(), 'cases')));
    expect(words.map((w) => w.toString(16))).toEqual(CASES.map(([, r]) => r.toString(16)));
  });
});
