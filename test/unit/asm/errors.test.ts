/** Assembler diagnostics: every mistake in a file is reported, with line, column and what was expected. */
import { describe, expect, it } from 'vitest';
import { assemble } from '../../../emulator/asm/assembler';
import { formatAsmError } from '../../../emulator/asm/errors';

const errs = (src: string, march?: string): string[] =>
  assemble(src, { file: 'bad.S', march }).errors.map(formatAsmError);

describe('assembler errors', () => {
  it('reports all mistakes of a file, in order, without an object', () => {
    const src = [
      '\t.text',
      'start:',
      '\taddi\ta0, a1, 4096',
      '\tadd\ta0, a1',
      '\tlw\ta0, 4(q7)',
      '\tfrob\ta0, a1',
      '\t.bogus\t1',
      '\tcsrr\ta0, notacsr',
      'start:',
      '\tslli\ta0, a0, 32',
      '\tlui\ta0, 0x100000',
      '\t.word\t1/0',
    ].join('\n');
    const r = assemble(src, { file: 'bad.S' });
    expect(r.object).toBeUndefined();
    expect(r.errors.map(formatAsmError)).toEqual([
      "bad.S:3:15: error: immediate 4096 is out of range (-2048..2047); 'addi' expects 'addi rd, rs1, imm'",
      "bad.S:4:12: error: expected ',' between operands, found end of line; 'add' expects 'add rd, rs1, rs2' or 'add rd, rs1, imm'",
      "bad.S:5:11: error: expected a register, found 'q7'; 'lw' expects 'lw rd, offset(rs1)' or 'lw rd, symbol'",
      "bad.S:6:2: error: unrecognized instruction 'frob'",
      "bad.S:7:2: error: unknown directive '.bogus'",
      "bad.S:8:11: error: unknown CSR 'notacsr'; 'csrr' expects 'csrr rd, csr'",
      "bad.S:9:1: error: symbol 'start' is already defined (at line 2)",
      "bad.S:10:15: error: shift amount 32 is out of range (0..31); 'slli' expects 'slli rd, rs1, shamt'",
      "bad.S:11:10: error: upper immediate 1048576 is out of range (0..1048575); 'lui' expects 'lui rd, imm20'",
      'bad.S:12:9: error: division by zero',
    ]);
  });

  it('names the extension an instruction needs', () => {
    expect(errs('mul a0, a1, a2', 'rv32i')).toEqual([
      "bad.S:1:1: error: instruction 'mul' needs the 'm' extension, which -march/.option arch does not enable (current: rv32i2p1)",
    ]);
    expect(errs('hfence.gvma', 'rv32i_zicsr')[0]).toContain("needs the 'h' extension");
    expect(errs('.option arch, +h\nhfence.gvma', 'rv32i_zicsr')).toEqual([]);
  });

  it('reports local labels that are never defined, or referenced backwards before definition', () => {
    expect(errs('beqz a0, 3f\nj 1b')).toEqual([
      "bad.S:1:10: error: local label '3f' has no definition after this reference",
      "bad.S:2:3: error: local label '1b' refers back to '1:', which is not defined before this line; 'j' expects 'j label'",
    ]);
  });

  it('rejects a symbol where a constant is needed, saying what would work', () => {
    expect(errs('addi a0, a1, sym')).toEqual([
      "bad.S:1:14: error: expected a constant 12-bit immediate or %lo()/%pcrel_lo() (a symbol needs %lo or la/lla); 'addi' expects 'addi rd, rs1, imm'",
    ]);
    expect(errs('li a0, sym')[0]).toContain('li needs a constant');
  });

  it('reports unterminated strings, macros and bad .option', () => {
    expect(errs('.ascii "abc')).toEqual(['bad.S:1:8: error: unterminated string: expected a closing \'"\'']);
    expect(errs('.macro m\nnop')).toEqual(["bad.S:1:1: error: .macro 'm' has no matching .endm"]);
    expect(errs('.option bogus')[0]).toContain("unknown .option 'bogus'");
    expect(errs('.option pop')[0]).toContain('.option pop without a matching .option push');
  });

  it('reports a bad -march as an error, not an exception', () => {
    expect(errs('nop', 'x86')[0]).toContain("invalid -march 'x86'");
  });
});

describe('.insn errors', () => {
  it('explains bad .insn forms', () => {
    expect(errs('.insn 0x12345678')).toEqual(['bad.S:1:1: error: .insn value 0x12345678 conflicts with the instruction length (2)']);
    expect(errs('.insn b BRANCH, 0, a0, a1, 1f')[0]).toContain(".insn format 'b' is not supported yet");
    expect(errs('.insn r CUSTOM_0, 8, 0, a0, a1, a2')[0]).toContain('funct3 must be a constant from 0 to 7');
    expect(errs('.insn r CUSTOM_0, 0, 0, a0, a1')[0]).toContain("'.insn r' expects 'rd, rs1, rs2'");
  });
});

describe('conditional and repeat errors', () => {
  it('reports unbalanced .if/.endif and .rept/.endr', () => {
    expect(errs('.if 1\nnop')).toEqual(['bad.S:1:1: error: .if without a matching .endif']);
    expect(errs('.endif')).toEqual(['bad.S:1:1: error: .endif without a matching .if']);
    expect(errs('.else')).toEqual(['bad.S:1:1: error: .else without a matching .if']);
    expect(errs('.rept 2\nnop')).toEqual(['bad.S:1:1: error: .rept has no matching .endr']);
    expect(errs('.endr')).toEqual(['bad.S:1:1: error: .endr without a matching .rept or .irp']);
    expect(errs('.if x\n.endif')).toEqual(['bad.S:1:1: error: .if needs an expression with a constant value']);
  });
  it('skips mistakes in branches not taken, but reports them in the taken one', () => {
    expect(errs('.if 0\nfrob\n.else\nfrob2\n.endif')).toEqual(["bad.S:4:1: error: unrecognized instruction 'frob2'"]);
  });
});
