/** RV32I/M computation and branches: edge values checked against a BigInt reference model. */
import { describe, expect, it } from 'vitest';
import { run, SETUP, toolchain } from './helpers';

const U = (v: number | bigint): bigint => BigInt.asUintN(32, BigInt(v));
const S = (v: number | bigint): bigint => BigInt.asIntN(32, BigInt(v));

const EDGES = [0, 1, -1, 2, -2, 7, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678, 31, 32, 33, 0x55555555];

type Ref = (a: bigint, b: bigint) => bigint; // a, b signed; result any (masked to 32 bits)

const RTYPE: Record<string, Ref> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  sll: (a, b) => a << (U(b) & 31n),
  slt: (a, b) => (a < b ? 1n : 0n),
  sltu: (a, b) => (U(a) < U(b) ? 1n : 0n),
  xor: (a, b) => a ^ b,
  srl: (a, b) => U(a) >> (U(b) & 31n),
  sra: (a, b) => a >> (U(b) & 31n),
  or: (a, b) => a | b,
  and: (a, b) => a & b,
  mul: (a, b) => a * b,
  mulh: (a, b) => (a * b) >> 32n,
  mulhsu: (a, b) => (a * U(b)) >> 32n,
  mulhu: (a, b) => (U(a) * U(b)) >> 32n,
  div: (a, b) => (b === 0n ? -1n : a === -0x80000000n && b === -1n ? a : a / b),
  divu: (a, b) => (b === 0n ? -1n : U(a) / U(b)),
  rem: (a, b) => (b === 0n ? a : a === -0x80000000n && b === -1n ? 0n : a % b),
  remu: (a, b) => (b === 0n ? a : U(a) % U(b)),
};

const ITYPE: Record<string, Ref> = {
  addi: RTYPE.add!, slti: RTYPE.slt!, sltiu: RTYPE.sltu!, xori: RTYPE.xor!, ori: RTYPE.or!, andi: RTYPE.and!,
};
const IMMS = [0, 1, -1, 2047, -2048, 0x555];
const SHIFTS = [0, 1, 15, 31];

const BRANCH: Record<string, (a: bigint, b: bigint) => boolean> = {
  beq: (a, b) => a === b, bne: (a, b) => a !== b, blt: (a, b) => a < b, bge: (a, b) => a >= b,
  bltu: (a, b) => U(a) < U(b), bgeu: (a, b) => U(a) >= U(b),
};

interface Case { asm: string; expect: bigint; what: string }

function cases(): Case[] {
  const out: Case[] = [];
  for (const [op, f] of Object.entries(RTYPE)) {
    for (const a of EDGES) for (const b of EDGES) {
      out.push({ asm: `li a0, ${a}\n li a1, ${b}\n ${op} a2, a0, a1`, expect: U(f(S(a), S(b))), what: `${op} ${a}, ${b}` });
    }
  }
  for (const [op, f] of Object.entries(ITYPE)) {
    for (const a of EDGES) for (const i of IMMS) {
      out.push({ asm: `li a0, ${a}\n ${op} a2, a0, ${i}`, expect: U(f(S(a), S(i))), what: `${op} ${a}, ${i}` });
    }
  }
  for (const [op, f] of [['slli', RTYPE.sll!], ['srli', RTYPE.srl!], ['srai', RTYPE.sra!]] as const) {
    for (const a of EDGES) for (const sh of SHIFTS) {
      out.push({ asm: `li a0, ${a}\n ${op} a2, a0, ${sh}`, expect: U(f(S(a), BigInt(sh))), what: `${op} ${a}, ${sh}` });
    }
  }
  for (const [op, f] of Object.entries(BRANCH)) {
    for (const a of [0, 1, -1, 0x7fffffff, -0x80000000]) for (const b of [0, 1, -1, -0x80000000]) {
      out.push({
        asm: `li a0, ${a}\n li a1, ${b}\n li a2, 0\n ${op} a0, a1, 1f\n li a2, 1\n1:`,
        expect: f(S(a), S(b)) ? 0n : 1n,
        what: `${op} ${a}, ${b}`,
      });
    }
  }
  out.push({ asm: 'lui a2, 0xfffff', expect: 0xfffff000n, what: 'lui' });
  out.push({ asm: 'addi x0, x0, 5\n mv a2, x0', expect: 0n, what: 'x0 stays 0' });
  out.push({ asm: '1: auipc a2, 0\n la a3, 1b\n sub a2, a2, a3', expect: 0n, what: 'auipc' });
  out.push({ asm: 'jal a2, 1f\n1: la a3, 1b\n sub a2, a2, a3', expect: 0n, what: 'jal link' });
  out.push({ asm: 'la a0, 1f\n jalr a0, 0(a0)\n1: la a3, 1b\n sub a2, a0, a3', expect: 0n, what: 'jalr rd = rs1' });
  out.push({ asm: 'la a0, 1f + 1\n jalr a2, -1(a0)\n1: li a2, 9', expect: 9n, what: 'jalr clears bit 0' });
  return out;
}

describe.skipIf(!toolchain)('RV32IM computation', () => {
  it('matches the reference model on edge values', () => {
    const all = cases();
    const body = SETUP + all.map((c) => `${c.asm}\n sw a2, 0(s11)\n addi s11, s11, 4`).join('\n');
    const r = run(body, { maxInsns: 5_000_000 });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    const bad = all.flatMap((c, i) => (BigInt(r.res(i)) === c.expect ? [] : [`${c.what}: got ${r.res(i).toString(16)} want ${c.expect.toString(16)}`]));
    expect(bad).toEqual([]);
  });

  it('sign- and zero-extends loads, stores low bytes, allows misaligned access', () => {
    const r = run(SETUP + `
      li a0, 0x80f0ff7f
      sw a0, 64(s11)
      lb a1, 64(s11);  sw a1, 0(s11)
      lbu a1, 65(s11); sw a1, 4(s11)
      lh a1, 66(s11);  sw a1, 8(s11)
      lhu a1, 66(s11); sw a1, 12(s11)
      lw a1, 65(s11);  sw a1, 16(s11)
      li a0, 0x11223344
      sw a0, 81(s11)
      lw a1, 80(s11);  sw a1, 20(s11)
      sh a0, 97(s11)
      lhu a1, 97(s11); sw a1, 24(s11)
      li a0, -4
      sb a0, 0x70(s11)
      lw a1, 0x70(s11); sw a1, 28(s11)
    `);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.traps).toEqual([]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(r.res)).toEqual([
      0x7f, 0xff, 0xffff80f0, 0x80f0, 0x0080f0ff, 0x22334400, 0x3344, 0xfc,
    ]);
  });
});
