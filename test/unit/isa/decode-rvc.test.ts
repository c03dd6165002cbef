/**
 * RVC decoding (unprivileged spec ch. 16) checked against binutils 2.40 for every 16-bit encoding:
 * objdump -M no-aliases names the compressed form and its operands; the spec's expansion of those
 * operands must equal what decode() returns. The listing is a committed fixture; when the toolchain is
 * on PATH it is regenerated and compared too (VMSCOPE_UPDATE_FIXTURES=1 rewrites it).
 */
import { describe, expect, it } from 'vitest';
import { decode, insnLength } from '../../../emulator/isa/decode';
import { opIndex } from '../../../emulator/isa/opcodes';
import { assemble, HAS_TOOLCHAIN, splitInsns, textBytes, tmpDir } from './toolchain';
import { maybeUpdateFixture, readFixture } from './oracle';
import { CNAME_OF, EXPAND, generateRvcListing, RVC_FIXTURE } from './rvc-oracle';

/**
 * Encodings binutils decodes but the spec reserves (so decode() says illegal):
 * - RV32C shifts with shamt[5] = 1 (16.5: "code points with shamt[5]=1 are designated for custom
 *   extensions" on RV32C);
 * - C.ADDI16SP with nzimm = 0 (16.5: reserved).
 */
function specReserved(raw: number): boolean {
  const q = raw & 3;
  const f3 = raw >>> 13;
  const b12 = (raw >>> 12) & 1;
  if (q === 2 && f3 === 0 && b12) return true; // c.slli
  if (q === 1 && f3 === 4 && ((raw >>> 10) & 3) < 2 && b12) return true; // c.srli / c.srai
  if (q === 1 && f3 === 3 && ((raw >>> 7) & 31) === 2 && (raw & 0x107c) === 0) return true; // c.addi16sp 0
  return false;
}

function checkListing(text: string): void {
  const listed = new Map<number, [string, string[]]>();
  for (const line of text.trim().split('\n')) {
    const [hex, mn, ops] = line.split('\t');
    listed.set(parseInt(hex!, 16), [mn!, ops ? ops.split(',') : []]);
  }
  expect(listed.size).toBeGreaterThan(30000);
  const mismatches: string[] = [];
  for (let raw = 0; raw < 0x10000; raw++) {
    if ((raw & 3) === 3) continue;
    const got = decode(raw);
    expect(got.len).toBe(2);
    expect(got.raw).toBe(raw);
    const entry = listed.get(raw);
    let want: ReturnType<(typeof EXPAND)[string]> = 'illegal';
    let cname: string | undefined;
    if (entry && !specReserved(raw)) {
      const fn = EXPAND[entry[0]];
      if (!fn) throw new Error(`no expansion rule for ${entry[0]}`);
      want = fn(entry[1]);
      cname = CNAME_OF[entry[0]] ?? entry[0];
      // The spec (16.7, table 16.3) files c.addi with rd = x0 under C.NOP (a HINT when nzimm != 0).
      if (cname === 'c.addi' && entry[1][0] === 'zero') cname = 'c.nop';
    }
    const h = raw.toString(16).padStart(4, '0');
    if (want === 'illegal') {
      if (got.name !== 'illegal' || got.op !== 0) mismatches.push(`${h}: want illegal, got ${got.cname} -> ${got.name}`);
      continue;
    }
    const same = got.name === want.name && got.op === opIndex(want.name) && got.cname === cname &&
      got.rd === want.rd && got.rs1 === want.rs1 && got.rs2 === want.rs2 && got.imm === want.imm && got.csr === 0;
    if (!same) mismatches.push(`${h}: ${entry![0]} ${entry![1].join(',')}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
}

describe('RVC decode, every 16-bit encoding', () => {
  it('matches the committed objdump fixture', () => {
    checkListing(readFixture(RVC_FIXTURE));
  });

  it.skipIf(!HAS_TOOLCHAIN)('fixture is what the installed objdump prints (live)', () => {
    const live = generateRvcListing();
    maybeUpdateFixture(RVC_FIXTURE, live);
    expect(live === readFixture(RVC_FIXTURE)).toBe(true);
    checkListing(live);
  });
});

describe('RVC decode, named cases', () => {
  // Cross-checked against `riscv64-unknown-elf-as -march=rv32imac` (binutils 2.40).
  const cases: [string, number, Partial<ReturnType<typeof decode>>][] = [
    ['c.addi4spn a0,sp,4', 0x0048, { name: 'addi', rd: 10, rs1: 2, imm: 4 }],
    ['c.addi4spn s0,sp,1020', 0x1fe0, { name: 'addi', rd: 8, rs1: 2, imm: 1020 }],
    ['c.lw s0,124(a5)', 0x5fe0, { name: 'lw', rd: 8, rs1: 15, imm: 124 }],
    ['c.sw s0,124(a5)', 0xdfe0, { name: 'sw', rs1: 15, rs2: 8, imm: 124 }],
    ['c.nop', 0x0001, { name: 'addi', rd: 0, rs1: 0, imm: 0, cname: 'c.nop' }],
    ['c.addi sp,-32', 0x1101, { name: 'addi', rd: 2, rs1: 2, imm: -32 }],
    ['c.jal .-2048', 0x3001, { name: 'jal', rd: 1, imm: -2048 }],
    ['c.jal .+2046', 0x2ffd, { name: 'jal', rd: 1, imm: 2046 }],
    ['c.li t6,-32', 0x5f81, { name: 'addi', rd: 31, rs1: 0, imm: -32 }],
    ['c.addi16sp sp,-512', 0x7101, { name: 'addi', rd: 2, rs1: 2, imm: -512 }],
    ['c.addi16sp sp,496', 0x617d, { name: 'addi', rd: 2, rs1: 2, imm: 496 }],
    ['c.lui s0,0xfffe0', 0x7401, { name: 'lui', rd: 8, imm: -0x20000 }],
    ['c.lui t6,31', 0x6ffd, { name: 'lui', rd: 31, imm: 0x1f000 }],
    ['c.srai s1,31', 0x84fd, { name: 'srai', rd: 9, rs1: 9, imm: 31 }],
    ['c.andi s0,-32', 0x9801, { name: 'andi', rd: 8, rs1: 8, imm: -32 }],
    ['c.and a5,s1', 0x8fe5, { name: 'and', rd: 15, rs1: 15, rs2: 9 }],
    ['c.j .-2048', 0xb001, { name: 'jal', rd: 0, imm: -2048 }],
    ['c.beqz a5,.-256', 0xd381, { name: 'beq', rs1: 15, rs2: 0, imm: -256 }],
    ['c.bnez s0,.+254', 0xec7d, { name: 'bne', rs1: 8, rs2: 0, imm: 254 }],
    ['c.slli t6,31', 0x0ffe, { name: 'slli', rd: 31, rs1: 31, imm: 31 }],
    ['c.lwsp ra,252(sp)', 0x50fe, { name: 'lw', rd: 1, rs1: 2, imm: 252 }],
    ['c.swsp ra,252(sp)', 0xdf86, { name: 'sw', rs1: 2, rs2: 1, imm: 252 }],
    ['c.jr ra', 0x8082, { name: 'jalr', rd: 0, rs1: 1, imm: 0 }],
    ['c.mv a0,a1', 0x852e, { name: 'add', rd: 10, rs1: 0, rs2: 11 }],
    ['c.ebreak', 0x9002, { name: 'ebreak', cname: 'c.ebreak' }],
    ['c.jalr t6', 0x9f82, { name: 'jalr', rd: 1, rs1: 31, imm: 0 }],
    ['c.add sp,s0', 0x9122, { name: 'add', rd: 2, rs1: 2, rs2: 8 }],
  ];
  for (const [asm, raw, want] of cases) {
    it(asm, () => {
      const got = decode(raw);
      expect(got).toMatchObject({ ...want, len: 2, raw, op: opIndex(want.name!) });
      expect(got.cname).toBe(want.cname ?? asm.split(' ')[0]);
    });
  }

  it.skipIf(!HAS_TOOLCHAIN)('encodings are what the assembler produces (live)', () => {
    const src = cases.map(([asm]) => asm).join('\n') + '\n';
    const words = splitInsns(textBytes(assemble(src, tmpDir(), 'rvc', 'rv32imac')));
    expect(words.map((w) => w.toString(16))).toEqual(cases.map(([, raw]) => raw.toString(16)));
  });

  it('reserved encodings are illegal', () => {
    for (const raw of [
      0x0000, // all zero (16.1: defined illegal)
      0x0004, // c.addi4spn nzuimm = 0
      0x6101, // c.addi16sp nzimm = 0
      0x6501, // c.lui a0, 0 (nzimm = 0)
      0x6001, // c.lui zero, 0
      0x8002, // c.jr x0
      0x4002, // c.lwsp x0
      0x1002, // c.slli zero, 32 (shamt[5] on RV32C)
      0x9001, // c.srli s0, 32
      0x9c01, // c.subw (RV64 only)
      0x2000, // c.fld
      0x6000, // c.flw
      0x8000, // Q0 funct3 100 (reserved)
      0x2002, // c.fldsp
      0xe002, // c.fswsp
    ]) {
      expect(decode(raw), raw.toString(16)).toMatchObject({ name: 'illegal', op: 0, len: 2 });
    }
  });

  it('HINTs decode to their no-op base instruction', () => {
    expect(decode(0x000d)).toMatchObject({ name: 'addi', cname: 'c.nop', rd: 0, imm: 3 });
    expect(decode(0x4005)).toMatchObject({ name: 'addi', cname: 'c.li', rd: 0, rs1: 0, imm: 1 });
    expect(decode(0x6005)).toMatchObject({ name: 'lui', cname: 'c.lui', rd: 0, imm: 0x1000 });
    expect(decode(0x802e)).toMatchObject({ name: 'add', cname: 'c.mv', rd: 0, rs2: 11 });
    expect(decode(0x0502)).toMatchObject({ name: 'slli', cname: 'c.slli', rd: 10, imm: 0 });
    expect(decode(0x0501)).toMatchObject({ name: 'addi', cname: 'c.addi', rd: 10, imm: 0 });
  });

  it('looks only at the low half of a 32-bit fetch', () => {
    expect(decode(0x12340001 | 0)).toMatchObject({ name: 'addi', cname: 'c.nop', raw: 0x0001, len: 2 });
    expect(insnLength(0x0001)).toBe(2);
    expect(insnLength(0x0013)).toBe(4);
  });
});
