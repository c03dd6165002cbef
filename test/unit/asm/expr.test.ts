/** GNU as expression semantics: operator ranks of gas/expr.c, -1 for true comparisons, 64-bit arithmetic. */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../emulator/asm/assembler';
import { elfFacts } from '../../asm/elf-facts';

/** The .data bytes that `.word <expr>` assembles to, as a signed 32-bit number. */
function word(expr: string, prelude = ''): number {
  const r = assemble(`${prelude}\n.data\n.word ${expr}\n`, { file: 'e.S' });
  expect(r.errors).toEqual([]);
  const hex = elfFacts(r.object!).sections['.data']!.hex;
  return Buffer.from(hex, 'hex').readInt32LE(0);
}

describe('expressions', () => {
  it('follows gas precedence', () => {
    expect(word('1 + 2 * 3')).toBe(7);
    expect(word('8 >> 1 + 1')).toBe(5); // shifts bind tighter than +
    expect(word('1 | 2 + 1')).toBe(4); // | binds tighter than +
    expect(word('6 & 3 ^ 1')).toBe(3);
    expect(word('(2 + 3) * 4')).toBe(20);
    expect(word('-5 / 2')).toBe(-2);
    expect(word('-5 % 3')).toBe(-2);
    expect(word('1 !2')).toBe(-3); // or-not
    expect(word('~0')).toBe(-1);
  });

  it('gives -1 for true comparisons and 1 for true logical operators', () => {
    expect(word('1 == 1')).toBe(-1);
    expect(word('2 < 3')).toBe(-1);
    expect(word('3 != 3')).toBe(0);
    expect(word('1 <> 2')).toBe(-1);
    expect(word('1 && 2')).toBe(1);
    expect(word('0 || 0')).toBe(0);
  });

  it('reads numbers in every base and character constants', () => {
    expect(word('0x10 + 010 + 0b11 + 9')).toBe(16 + 8 + 3 + 9);
    expect(word("'a")).toBe(97);
    expect(word("'\\n'")).toBe(10);
  });

  it('uses .equ/.set/= symbols, and label differences in data sections', () => {
    expect(word('A * B', '.equ A, 6\n.set B, 7')).toBe(42);
    expect(word('C', 'C = 1 << 4')).toBe(16);
    const r = assemble('.data\na: .word 0, 0\nb: .word b - a\n', { file: 'e.S' });
    expect(Buffer.from(elfFacts(r.object!).sections['.data']!.hex, 'hex').readInt32LE(8)).toBe(8);
  });
});
