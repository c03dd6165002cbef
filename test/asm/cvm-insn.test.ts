/**
 * vmscope's confidential-VM instructions (emulator/cvm/README.md) against GNU as: binutils does not
 * know their names, but its `.insn r CUSTOM_0, funct3, funct7, rd, rs1, rs2` builds the same R-type
 * words, so our `rmpupdate a0, a1, a2` must equal GNU's `.insn r 0x0b, 0, 0, a0, a1, a2`. Without
 * the toolchain the words are checked against the R-type layout (unprivileged spec 2.2).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from '../../emulator/asm/assembler';
import { HAS_TOOLCHAIN } from '../oracles';

const REGS = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const FUNCT7: Record<string, number> = { rmpupdate: 0, pvalidate: 1 };

/** Operand triples covering every register in every position. */
const CASES = REGS.map((_, i) => [i, (i * 7 + 3) % 32, (i * 13 + 5) % 32] as const);

function lines(): { ours: string[]; gnu: string[]; words: number[] } {
  const ours: string[] = [];
  const gnu: string[] = [];
  const words: number[] = [];
  for (const [name, f7] of Object.entries(FUNCT7)) {
    for (const [rd, rs1, rs2] of CASES) {
      ours.push(`${name} ${REGS[rd]}, ${REGS[rs1]}, ${REGS[rs2]}`);
      gnu.push(`.insn r 0x0b, 0, ${f7}, ${REGS[rd]}, ${REGS[rs1]}, ${REGS[rs2]}`);
      words.push(((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x0b) >>> 0);
    }
  }
  ours.push('cinval.all');
  gnu.push('.insn r 0x0b, 0, 2, zero, zero, zero');
  words.push(0x0400000b);
  return { ours, gnu, words };
}

function textWords(obj: Uint8Array): number[] {
  // The first SHT_PROGBITS section named .text of an ELF32 object.
  const dv = new DataView(obj.buffer, obj.byteOffset, obj.byteLength);
  const shoff = dv.getUint32(0x20, true), shentsize = dv.getUint16(0x2e, true), shnum = dv.getUint16(0x30, true), shstrndx = dv.getUint16(0x32, true);
  const sh = (i: number, f: number): number => dv.getUint32(shoff + i * shentsize + f, true);
  const strtab = sh(shstrndx, 0x10);
  const name = (i: number): string => {
    let s = '';
    for (let p = strtab + sh(i, 0); obj[p] !== 0; p++) s += String.fromCharCode(obj[p]!);
    return s;
  };
  for (let i = 0; i < shnum; i++) {
    if (name(i) !== '.text') continue;
    const off = sh(i, 0x10), size = sh(i, 0x14);
    return Array.from({ length: size / 4 }, (_, k) => dv.getUint32(off + 4 * k, true));
  }
  throw new Error('no .text');
}

describe('rmpupdate, pvalidate, cinval.all', () => {
  const { ours, gnu, words } = lines();
  const obj = assemble(`.text\n${ours.join('\n')}\n`, { file: 'cvm.S', march: 'rv32imac_zicsr' });

  it('assemble to R-type words in custom-0 (funct7 0, 1, 2)', () => {
    expect(obj.errors).toEqual([]);
    expect(textWords(obj.object!)).toEqual(words);
  });

  it.skipIf(!HAS_TOOLCHAIN)('equal what GNU as builds from .insn r 0x0b, ... (live)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-insn-'));
    fs.writeFileSync(path.join(dir, 'g.S'), `.text\n.option norvc\n${gnu.join('\n')}\n`);
    const r = spawnSync('riscv64-unknown-elf-as', ['-march=rv32imac_zicsr', '-mabi=ilp32', '-o', path.join(dir, 'g.o'), path.join(dir, 'g.S')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(textWords(fs.readFileSync(path.join(dir, 'g.o')))).toEqual(textWords(obj.object!));
  });

  it('reports a wrong operand count with the expected form', () => {
    const bad = assemble('.text\nrmpupdate a0, a1\n', { file: 'bad.S', march: 'rv32imac_zicsr' });
    expect(bad.errors.length).toBe(1);
    expect(bad.errors[0]!.message).toMatch(/rmpupdate/);
  });
});
