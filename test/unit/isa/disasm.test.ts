/**
 * Disassembler API: the stateless disassemble() (as used for traces), symbolization, the objdump-style
 * DisasmContext (lui/auipc tracking, gp, ISA gating, privileged-spec CSR names), isaExtensions().
 * Expected strings are binutils 2.40 objdump output (see the corpus tests for bulk comparisons).
 */
import { describe, expect, it } from 'vitest';
import { csrName, csrNumber, csrText, PRIV_SPECS, privSpecFromAttributes } from '../../../emulator/isa/csr-names';
import { decode } from '../../../emulator/isa/decode';
import { disassemble, disassembleIn, newContext } from '../../../emulator/isa/disasm';
import { isaExtensions } from '../../../emulator/isa/isa-string';
import { maybeUpdateFixture, readFixture } from './oracle';
import { assemble, HAS_TOOLCHAIN, objdump, parseObjdump, tmpDir } from './toolchain';

const d = (raw: number, pc = 0x80000000, sym?: (a: number) => string | undefined): string => disassemble(decode(raw), pc, sym);

describe('disassemble (stateless)', () => {
  it('prints objdump mnemonics and aliases', () => {
    expect(d(0x00a00513)).toBe('li a0,10');
    expect(d(0x4515)).toBe('li a0,5');
    expect(d(0x852e)).toBe('mv a0,a1');
    expect(d(0x8082)).toBe('ret');
    expect(d(0x00008067)).toBe('ret');
    expect(d(0x1101)).toBe('add sp,sp,-32'); // c.addi16sp: binutils 2.40 prints "add"
    expect(d(0xfe010113)).toBe('add sp,sp,-32');
    expect(d(0x00000013)).toBe('nop');
    expect(d(0x0001)).toBe('nop');
    expect(d(0x0000)).toBe('unimp');
    expect(d(0xc0001073)).toBe('unimp');
    expect(d(0x30047073)).toBe('csrc mstatus,8');
    expect(d(0xc0002573)).toBe('rdcycle a0');
    expect(d(0x0ff0000f)).toBe('fence');
    expect(d(0x8330000f)).toBe('fence.tso');
    expect(d(0x0310000f)).toBe('fence rw,w');
    expect(d(0x12050073)).toBe('sfence.vma a0');
    expect(d(0x0015200f)).toBe('cbo.clean (a0)');
    expect(d(0x6005c573)).toBe('hlv.b a0,(a1)');
    expect(d(0x6ae7c073)).toBe('hsv.w a4,(a5)');
    expect(d(0x1405a52f)).toBe('lr.w.aq a0,(a1)');
    expect(d(0x60002573)).toBe('csrr a0,hstatus');
  });

  it('prints branch and jump targets as objdump does, with symbols when given', () => {
    expect(d(0xfe0518e3, 0x80000010)).toBe('bnez a0,80000000');
    expect(d(0x2629, 0x80000016)).toBe('jal 80000320');
    const sym = (a: number): string | undefined => (a === 0x80000000 ? '_start' : a > 0x80000000 ? `_start+0x${(a - 0x80000000).toString(16)}` : undefined);
    expect(d(0xfe0518e3, 0x80000010, sym)).toBe('bnez a0,80000000 <_start>');
    expect(d(0x0100006f, 0x80000010, sym)).toBe('j 80000020 <_start+0x20>');
    expect(d(0x0000006f, 0x10, sym)).toBe('j 10');
  });

  it('annotates x0- and tp-relative addresses; lui/auipc tracking needs a context', () => {
    expect(d(0x00402603)).toBe('lw a2,4(zero) # 4');
    expect(d(0x01022683)).toBe('lw a3,16(tp) # 10');
    const ctx = newContext();
    expect(disassembleIn(decode(0x12345537), 0, ctx)).toBe('lui a0,0x12345');
    expect(disassembleIn(decode(0x67850513), 4, ctx)).toBe('add a0,a0,1656 # 12345678');
    expect(disassembleIn(decode(0x67850513), 8, ctx)).toBe('add a0,a0,1656'); // consumed
    expect(disassembleIn(decode(0x00000097), 0x100, ctx)).toBe('auipc ra,0x0');
    expect(disassembleIn(decode(0x018080e7), 0x104, ctx)).toBe('jalr 24(ra) # 118');
    const withGp = newContext({ gp: 0x80000800 });
    expect(disassembleIn(decode(0x8301a503), 0, withGp)).toBe('lw a0,-2000(gp) # 80000030');
  });

  it('prints illegal encodings as objdump does', () => {
    expect(d(0xffffff8b)).toBe('.4byte 0xffffff8b'); // custom-0
    expect(d(0x8002)).toBe('.2byte 0x8002');
    expect(d(0x1002)).toBe('c.slli zero,0x20'); // reserved on RV32C, still named by binutils
    expect(d(0x02051513)).toBe('sll a0,a0,0x20');
    expect(d(0x8ff0000f)).toBe('.4byte 0x8ff0000f'); // fence with fm=8, not TSO
    expect(d(0x0010100f)).toBe('.4byte 0x10100f'); // fence.i with imm != 0
  });

  it('ISA gating: instructions of missing extensions print as data', () => {
    const ctx = newContext({ exts: isaExtensions('rv32imac_zicsr') });
    expect(disassembleIn(decode(0x6005c573), 0, ctx)).toBe('.4byte 0x6005c573');
    expect(disassembleIn(decode(0x0015200f), 0, ctx)).toBe('.4byte 0x15200f');
    expect(disassembleIn(decode(0x0000100f), 0, ctx)).toBe('.4byte 0x100f');
    expect(disassembleIn(decode(0x30200073), 0, ctx)).toBe('mret');
    const noC = newContext({ exts: isaExtensions('rv32ima') });
    expect(disassembleIn(decode(0x4515), 0, noC)).toBe('.2byte 0x4515');
  });
});

describe('isaExtensions', () => {
  it('parses march and attribute strings', () => {
    expect([...isaExtensions('rv32imac_zicsr_zifencei_zicbom')].sort()).toEqual(
      ['a', 'c', 'i', 'm', 'zicbom', 'zicsr', 'zifencei']);
    expect([...isaExtensions('rv32i2p1_m2p0_a2p1_c2p0_zicsr2p0_zifencei2p0_zmmul1p0_h1p0')].sort()).toEqual(
      ['a', 'c', 'h', 'i', 'm', 'zicsr', 'zifencei', 'zmmul']);
    expect(isaExtensions('rv64gc').has('zifencei')).toBe(true);
    expect(isaExtensions('bogus').size).toBe(0);
  });
});

describe('CSR names per privileged spec version', () => {
  const FIXTURE = 'csr-names.txt.gz';
  const table = (): string => {
    let s = '';
    for (let n = 0; n < 4096; n++) s += [n.toString(16).padStart(3, '0'), ...PRIV_SPECS.map((v) => csrText(n, v))].join('\t') + '\n';
    return s;
  };

  it('matches the committed objdump table', () => {
    expect(table()).toBe(readFixture(FIXTURE));
    expect(csrName(0x300)).toBe('mstatus');
    expect(csrName(0x34a, '1.11')).toBeUndefined();
    expect(csrText(0x34a)).toBe('mtinst');
    expect(csrNumber('hgatp')).toBe(0x680);
    expect(privSpecFromAttributes(1, 11, 0)).toBe('1.11');
    expect(privSpecFromAttributes(1, 9, 1)).toBe('1.9.1');
    expect(privSpecFromAttributes(0, 0, 0)).toBe('1.12');
  });

  it.skipIf(!HAS_TOOLCHAIN)('committed table is what objdump prints (live)', () => {
    const dir = tmpDir();
    const columns = PRIV_SPECS.map((v) => {
      const [maj, min, rev] = v.split('.').map(Number);
      let src = `.attribute priv_spec, ${maj}\n.attribute priv_spec_minor, ${min}\n.attribute priv_spec_revision, ${rev ?? 0}\n`;
      for (let n = 0; n < 4096; n++) src += `.insn 4, 0x${(((n << 20) | (11 << 15) | (2 << 12) | (10 << 7) | 0x73) >>> 0).toString(16)}\n`;
      return parseObjdump(objdump(assemble(src, dir, `csr${v}`))).map((l) => l.text.split(',')[1]!);
    });
    let live = '';
    for (let n = 0; n < 4096; n++) live += [n.toString(16).padStart(3, '0'), ...columns.map((c) => c[n])].join('\t') + '\n';
    maybeUpdateFixture(FIXTURE, live);
    expect(live).toBe(readFixture(FIXTURE));
  });
});
