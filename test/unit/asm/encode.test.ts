/** Instruction selection as GNU as does it: li expansion, RVC auto-compression, branch relaxation. */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../emulator/asm/assembler';
import { elfFacts } from '../../asm/elf-facts';

function text(src: string, march = 'rv32imac_zicsr', relax = false): string {
  const r = assemble(src, { file: 't.S', march, relax });
  expect(r.errors).toEqual([]);
  return elfFacts(r.object!).sections['.text']!.hex;
}

describe('li', () => {
  it('uses a single addi when the value fits 12 bits', () => {
    expect(text('li a0, 2047', 'rv32i')).toBe('1305f07f');
    expect(text('li a0, -2048', 'rv32i')).toBe('13050080');
  });
  it('uses lui + addi with the +0x800 rounding', () => {
    // 0x7ffff800 = lui 0x80000 + addi -2048
    expect(text('li a0, 0x7ffff800', 'rv32i')).toBe('3705008013050580');
    // 0x12345000: lui only
    expect(text('li a0, 0x12345000', 'rv32i')).toBe('37553412');
  });
  it('compresses to c.li / c.lui under RVC', () => {
    expect(text('li a0, 5')).toBe('1545');
    expect(text('li a0, 0x1000')).toBe('0565');
    expect(text('li a0, -4096')).toBe('7d75');
    // lui 0x12 compressed, addi 1 compressed
    expect(text('li a0, 0x12001')).toBe('49650505');
  });
});

describe('branches', () => {
  it('compresses beqz within ±256 bytes and expands out of reach', () => {
    expect(text('1: beqz a0, 1b')).toBe('01c1'); // c.beqz a0, 0
    expect(text('1: beq a0, a1, 1b')).toBe('6300b500');
    // Undefined target: inverted branch over a jal (8 bytes), as gas.
    expect(text('beq a0, a1, ext').length).toBe(16);
    expect(text('j ext').length).toBe(8);
  });
});
